/**
 * A real webhook receiver for tests: node:http on 127.0.0.1, every request kept with its headers
 * and raw body. `mode` says how it answers: 200, 500, a redirect, or never. It can be stopped and
 * started again on the same port (a receiver that is down).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered (null: it never answered). */
  answered: number | null;
  at: number;
  /** When the sender gave up on a request this receiver never answered. */
  closedAt?: number;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang' | { redirect: string };

export class TestReceiver extends EventEmitter<{ request: [Received] }> {
  readonly received: Received[] = [];
  mode: ReceiverMode = 'ok';
  port = 0;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(port = this.port): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = {
          headers: flat(req.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          answered: null,
          at: Date.now(),
        };
        this.received.push(r);
        const mode = this.mode;
        if (mode === 'hang') {
          this.hanging.add(res);
          res.on('close', () => {
            this.hanging.delete(res);
            r.closedAt = Date.now();
            this.emit('request', r);
          });
        } else if (typeof mode === 'object') {
          r.answered = 302;
          res.writeHead(302, { location: mode.redirect }).end();
        } else {
          r.answered = mode === 'ok' ? 200 : 500;
          res.writeHead(r.answered, { 'content-type': 'text/plain' }).end(mode === 'ok' ? 'ok' : 'nope');
        }
        this.emit('request', r);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Resolves once `done()` holds, checked now and on every request; rejects after `timeoutMs`. */
  waitUntil(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (got ${this.received.length})`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.off('request', check);
        resolve();
      };
      this.on('request', check);
    });
  }
}

function flat(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
