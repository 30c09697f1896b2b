/**
 * `tour-gate worker` next to a server started with `GATE_WORKER=0`: the server queues a
 * registration's mails and sends none; the worker, a process of its own on the same database,
 * sends them over real SMTP (sealed by the server, opened by the worker with the same secret),
 * and stops on SIGTERM with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { readEnv } from '../src/config/env.ts';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN, testConfig } from './fixtures.ts';
import { linkFrom, TestSmtp } from './smtp.ts';

const BIN = fileURLToPath(new URL('../bin/tour-gate.js', import.meta.url));
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

it('GATE_WORKER: 0 and 1 are read, anything else is refused with its name', () => {
  const base = { GATE_SECRET: SECRET };
  expect(readEnv(base).worker).toBe(true);
  expect(readEnv({ ...base, GATE_WORKER: '1' }).worker).toBe(true);
  expect(readEnv({ ...base, GATE_WORKER: '0' }).worker).toBe(false);
  expect(() => readEnv({ ...base, GATE_WORKER: 'off' })).toThrow(/GATE_WORKER/);
});

forEachBackend('tour-gate worker', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-worker-'));
  const smtp = new TestSmtp();
  let worker: ChildProcess | undefined;
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends what a server without a worker queued, and stops cleanly on SIGTERM', async () => {
    await smtp.start();
    const configPath = join(dir, 'tour-gate.config.json');
    writeFileSync(configPath, JSON.stringify(testConfig()));
    const databaseUrl = await backend.database({ shared: true });
    const server = await backend.start({ databaseUrl, smtpUrl: smtp.url, startWorker: false });
    const email = 'worker-test@example.org';
    const res = await server.post('/v1/tours/musterstrasse-12/registrations', registration(email), {
      origin: TOUR_ORIGIN,
    });
    expect(res.status).toBe(202);
    // No worker in the server: the unlock mail waits in the outbox, unsent.
    const queued = await server.store.raw
      .selectFrom('outbox')
      .select(['recipient', 'sent_at'])
      .where('recipient', '=', email)
      .execute();
    expect(queued).toEqual([{ recipient: email, sent_at: null }]);
    expect(smtp.mails.filter((m) => m.envelopeTo.includes(email))).toEqual([]);

    worker = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        ...process.env,
        NODE_ENV: 'development',
        GATE_SECRET: SECRET,
        GATE_PUBLIC_URL: 'http://gate.test',
        GATE_MAIL_FROM: 'tour-gate <no-reply@gate.test>',
        GATE_DATABASE_URL: databaseUrl,
        GATE_CONFIG: configPath,
        GATE_SMTP_URL: smtp.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout?.on('data', (d) => (output += d));
    worker.stderr?.on('data', (d) => (output += d));
    const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes(email), 60_000);
    // Opened with the server's secret: the unlock link itself, not sealed bytes.
    expect(linkFrom(mail).url).toContain(`${TOUR_ORIGIN}/musterstrasse-12`);
    expect(output).toContain('worker started');

    const exited = once(worker, 'exit');
    worker.kill('SIGTERM');
    const [code] = await exited;
    expect({ code, output: output.includes('worker stopped') }).toEqual({ code: 0, output: true });
    worker = undefined;
    const sent = await server.store.raw
      .selectFrom('outbox')
      .select('sent_at')
      .where('recipient', '=', email)
      .executeTakeFirstOrThrow();
    expect(sent.sent_at).not.toBeNull();
    await server.close();
  }, 90_000);
});
