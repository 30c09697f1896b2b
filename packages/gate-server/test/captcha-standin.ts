/**
 * A local stand-in for hCaptcha's siteverify endpoint: form-encoded `secret`, `response`,
 * `remoteip`, `sitekey` in; `{success, hostname, challenge_ts, error-codes}` out, as the real
 * one answers. Answers it knows: `pass` (solved on the tour's host), `pass-elsewhere` (solved
 * on another host), `slow` (never answers in time); anything else fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STANDIN_SECRET = '0x1234567890abcdef1234567890abcdef12345678';

export class CaptchaStandin {
  readonly requests: Record<string, string>[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly hostname: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        this.requests.push(form);
        const send = (answer: object) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        };
        if (
          req.method !== 'POST' ||
          (req.headers['content-type'] !== 'application/x-www-form-urlencoded;charset=UTF-8' &&
            !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
        ) {
          return send({ success: false, 'error-codes': ['bad-request'] });
        }
        if (form.secret !== STANDIN_SECRET) return send({ success: false, 'error-codes': ['invalid-input-secret'] });
        if (!form.response) return send({ success: false, 'error-codes': ['missing-input-response'] });
        const ts = new Date().toISOString();
        if (form.response === 'slow') return; // hangs: the server must time out and refuse
        if (form.response === 'pass') return send({ success: true, challenge_ts: ts, hostname: this.hostname });
        if (form.response === 'pass-elsewhere')
          return send({ success: true, challenge_ts: ts, hostname: 'evil.example' });
        return send({ success: false, 'error-codes': ['invalid-input-response'] });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/siteverify`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
