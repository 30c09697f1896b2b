/**
 * The dev mailbox lists every live link (dashboard sign-ins included): only when development
 * asked for it (`GATE_DEV_MAILBOX=1`), never in production, and only for a request made on this
 * machine itself — not one a reverse proxy on this machine passes on, not one for a foreign
 * host name (DNS rebinding).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { expect, it } from 'vitest';
import { type EnvError, readEnv } from '../src/config/env.ts';
import { forEachBackend } from './backends.ts';

/** A GET over a real socket from 127.0.0.1, with exactly these headers. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const PROXY_HEADERS: Record<string, string>[] = [
  { 'X-Forwarded-For': '203.0.113.7' },
  { Forwarded: 'for=203.0.113.7;proto=https' },
  { 'X-Real-IP': '203.0.113.7' },
  { 'X-Forwarded-Host': 'gate.example.com' },
  { 'X-Forwarded-Proto': 'https' },
  { Via: '1.1 proxy' },
];

forEachBackend('dev mailbox access', (backend) => {
  it('is not served unless GATE_DEV_MAILBOX=1, even from this machine without SMTP', async () => {
    const server = await backend.start({ startWorker: false, devMailbox: false });
    const port = await server.listen(0, '127.0.0.1');
    expect(await get(port, '/dev/mailbox')).toBe(404);
    expect(await get(port, '/dev/mailbox.json')).toBe(404);
  });

  it('answers this machine, and refuses every request a proxy passed on or meant for another host', async () => {
    const server = await backend.start({ startWorker: false, devMailbox: true });
    const port = await server.listen(0, '127.0.0.1');
    expect(await get(port, '/dev/mailbox.json')).toBe(200);
    expect(await get(port, '/dev/mailbox', { Host: `localhost:${port}` })).toBe(200);
    for (const header of PROXY_HEADERS) {
      expect({ header, status: await get(port, '/dev/mailbox.json', header) }).toEqual({ header, status: 404 });
      expect({ header, status: await get(port, '/dev/mailbox', header) }).toEqual({ header, status: 404 });
    }
    // A page on evil.example whose name was rebound to 127.0.0.1 sends its own host name.
    expect(await get(port, '/dev/mailbox.json', { Host: `evil.example:${port}` })).toBe(404);
  });
});

it('GATE_DEV_MAILBOX=1 is refused in production, whatever the case of NODE_ENV', () => {
  for (const NODE_ENV of ['production', 'Production', 'PRODUCTION']) {
    const problems = (() => {
      try {
        readEnv({
          NODE_ENV,
          GATE_DEV_MAILBOX: '1',
          GATE_SECRET: randomBytes(36).toString('base64url'),
          GATE_SMTP_URL: 'smtp://mail.example:25',
          GATE_PUBLIC_URL: 'https://gate.example.com',
        });
        return [];
      } catch (err) {
        return (err as EnvError).problems;
      }
    })();
    expect(problems).toEqual([expect.stringMatching(/^GATE_DEV_MAILBOX .*production/)]);
  }
});
