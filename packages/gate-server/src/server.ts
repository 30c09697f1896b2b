/**
 * A gate-server: the composed core (`core/compose.ts`) behind the HTTP app. `createGateServer`
 * is what `tour-gate serve` runs and what tests start, with their own clock, SMTP server,
 * captcha endpoint and limits.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, Server as NetServer } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { DEFAULT_HTTP_LIMITS, readEnv } from './config/env.ts';
import { type ComposeOptions, composeCore } from './core/compose.ts';
import type { GateDeps } from './core/deps.ts';
import { createApp } from './http/app.ts';
import type { GateEnv } from './http/context.ts';
import { nodeHotLane } from './http/hot-paths.ts';
import type { OutboxWorker } from './mail/outbox-worker.ts';
import type { GateStore } from './store/store.ts';

export interface GateServerOptions extends ComposeOptions {
  /** Overrides `GATE_TRUST_PROXY`. */
  trustProxy?: boolean;
  /** Overrides `GATE_WIDGET_DIST`. */
  widgetDist?: string;
  /** Start the outbox worker (default: `GATE_WORKER`, which is on unless `0`). */
  startWorker?: boolean;
}

export interface GateServer {
  app: Hono<GateEnv>;
  deps: GateDeps;
  store: GateStore;
  outbox: OutboxWorker;
  /** Listens on `port` (0: any free port); resolves with the port. */
  listen(port?: number, hostname?: string): Promise<number>;
  /** The port of `GATE_METRICS_PORT`'s listener once `listen` resolved (0 when there is none). */
  metricsPort(): number;
  /**
   * Graceful shutdown: stops accepting connections, answers the requests under way (each gets
   * `Connection: close`), stops the outbox worker (which releases the mails it claimed and did
   * not try), and closes the database; connections still open after `graceMs` are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** Time the requests under way get to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 5_000;
/** On shutdown, how long an idle keep-alive connection may still bring a request (answered, then closed). */
const IDLE_DRAIN_MS = 1_000;
const netClose = NetServer.prototype.close;

export async function createGateServer(options: GateServerOptions = {}): Promise<GateServer> {
  const { trustProxy, widgetDist, startWorker, ...compose } = options;
  const base = compose.env ?? readEnv();
  const env = { ...base, trustProxy: trustProxy ?? base.trustProxy, widgetDist: widgetDist ?? base.widgetDist };
  const core = await composeCore({ ...compose, env });
  const { deps } = core;
  const app = createApp(deps);
  core.start({ worker: startWorker ?? env.worker });

  let server: Server | undefined;
  let metricsServer: Server | undefined;
  let closing = false;
  // While shutting down every answer closes its connection: no keep-alive request slips in.
  // Not async, and `res.headers` untouched unless closing: @hono/node-server writes an answer
  // made with a plain header object straight to Node when it gets it back synchronously; reading
  // `.headers` would turn that object into a WHATWG `Headers` first.
  const closeIfClosing = (res: Response): Response => {
    if (closing && !res.headers.has('connection')) {
      try {
        res.headers.set('Connection', 'close');
      } catch {
        // immutable headers (a fetched response): the server closes the connection anyway
      }
    }
    return res;
  };
  const fetch: typeof app.fetch = (req, ...rest) => {
    const res = app.fetch(req, ...rest);
    return res instanceof Promise ? res.then(closeIfClosing) : closeIfClosing(res);
  };
  let metricsPort = 0;
  return {
    app,
    deps,
    store: deps.store,
    outbox: deps.outbox,
    metricsPort: () => metricsPort,
    async listen(port = env.port, hostname = '0.0.0.0') {
      const limits = env.http ?? DEFAULT_HTTP_LIMITS;
      if (env.metricsPort !== undefined) {
        const m = createServer((req, res) => {
          if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
            res.writeHead(404).end();
            return;
          }
          deps.metrics.render().then(
            ({ body, contentType }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
            () => res.writeHead(500).end(),
          );
        });
        metricsServer = m;
        metricsPort = await new Promise<number>((resolve, reject) => {
          m.once('error', reject);
          // Loopback only: it has no key, so only a scraper on this machine (or a sidecar) reads it.
          m.listen(env.metricsPort, '127.0.0.1', () => resolve((m.address() as AddressInfo).port));
        });
      }
      // Node's server hands each request to the hot lane first (hot-paths.ts: the gate config and
      // the access check, answered on Node's own response), then to the adapter; not while
      // closing, whose answers must say `Connection: close`.
      const adapter = getRequestListener(fetch);
      const hot = nodeHotLane(deps, adapter);
      const s = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          // How often Node looks for requests past those timeouts (default 30 s).
          connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
          keepAliveTimeout: 5_000,
        },
        (incoming, outgoing) => {
          if (closing || !hot(incoming, outgoing)) void adapter(incoming, outgoing);
        },
      );
      s.maxConnections = limits.maxConnections;
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, hostname, () => {
          s.off('error', reject);
          resolve((s.address() as AddressInfo).port);
        });
      });
    },
    async close(graceMs = SHUTDOWN_GRACE_MS) {
      closing = true;
      const s = server;
      const stopHttp = s
        ? new Promise<void>((resolve) => {
            // No new connections (net.Server's close: http.Server's would also drop idle
            // keep-alive connections at once, resetting a request a client is sending on one).
            // Every answer from now on closes its connection; connections still idle after a
            // second are closed, any left after the grace cut.
            netClose.call(s, () => resolve());
            const idle = setTimeout(() => s.closeIdleConnections(), IDLE_DRAIN_MS);
            const cut = setTimeout(() => s.closeAllConnections(), graceMs);
            s.once('close', () => {
              clearTimeout(idle);
              clearTimeout(cut);
            });
          })
        : Promise.resolve();
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      // The worker stops claiming at once, while the last requests are answered.
      await Promise.all([stopHttp, deps.outbox.stop()]);
      await core.close();
    },
  };
}
