/**
 * A gate-server: the composed core (`core/compose.ts`) behind the HTTP app. `createGateServer`
 * is what `tour-gate serve` runs and what tests start, with their own clock, SMTP server,
 * captcha endpoint and limits.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { readEnv } from './config/env.ts';
import { type ComposeOptions, composeCore } from './core/compose.ts';
import type { GateDeps } from './core/deps.ts';
import { createApp } from './http/app.ts';
import type { GateEnv } from './http/context.ts';
import type { OutboxWorker } from './mail/outbox-worker.ts';
import type { GateStore } from './store/store.ts';

export interface GateServerOptions extends ComposeOptions {
  /** Overrides `GATE_TRUST_PROXY`. */
  trustProxy?: boolean;
  /** Overrides `GATE_WIDGET_DIST`. */
  widgetDist?: string;
  /** Start the outbox worker (default true). */
  startWorker?: boolean;
}

export interface GateServer {
  app: Hono<GateEnv>;
  deps: GateDeps;
  store: GateStore;
  outbox: OutboxWorker;
  /** Listens on `port` (0: any free port); resolves with the port. */
  listen(port?: number, hostname?: string): Promise<number>;
  close(): Promise<void>;
}

export async function createGateServer(options: GateServerOptions = {}): Promise<GateServer> {
  const { trustProxy, widgetDist, startWorker, ...compose } = options;
  const base = compose.env ?? readEnv();
  const env = { ...base, trustProxy: trustProxy ?? base.trustProxy, widgetDist: widgetDist ?? base.widgetDist };
  const core = await composeCore({ ...compose, env });
  const { deps } = core;
  const app = createApp(deps);
  core.start({ worker: startWorker !== false });

  let server: ServerType | undefined;
  return {
    app,
    deps,
    store: deps.store,
    outbox: deps.outbox,
    listen(port = env.port, hostname = '0.0.0.0') {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => resolve(info.port));
      });
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((r) => s.close(() => r()));
      }
      await core.close();
    },
  };
}
