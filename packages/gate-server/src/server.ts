/**
 * Wires a gate-server from settings: config, store, mail transport, outbox worker, app.
 * `createGateServer` is what the CLI runs and what tests start, with their own clock, SMTP
 * server, captcha endpoint and limits.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import type { GateConfigFile } from '@tour-gate/shared/config';
import type { Hono } from 'hono';
import { loadManaged, watchManaged } from './admin/managed.ts';
import { loadConfigFile } from './config/config-file.ts';
import { readEnv, type ServerEnv } from './config/env.ts';
import { TourDirectory } from './config/tours.ts';
import { createApp } from './http/app.ts';
import type { GateDeps, GateEnv } from './http/context.ts';
import { DEFAULT_LIMITS, MemoryRateCounter, type RateLimits } from './http/rate-limit.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './mail/outbox-worker.ts';
import { DevMailbox, type MailTransport, SmtpTransport } from './mail/transport.ts';
import { AccessTokens, deriveKey } from './security/access-token.ts';
import { AssetGrants } from './security/asset-grant.ts';
import { type CaptchaVerifier, HCaptchaVerifier } from './security/captcha.ts';
import { Sealer } from './security/seal.ts';
import { GateStore } from './store/store.ts';
import { jsonLogger, type Logger } from './util/logger.ts';
import { type Clock, systemClock } from './util/time.ts';

export interface GateServerOptions {
  /** Settings; default: from `process.env`. */
  env?: ServerEnv;
  /** The parsed config; default: the file at `env.configPath`. */
  config?: GateConfigFile;
  clock?: Clock;
  log?: Logger;
  limits?: Partial<RateLimits>;
  captcha?: CaptchaVerifier;
  transport?: MailTransport;
  outbox?: OutboxWorkerOptions;
  trustProxy?: boolean;
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

export const DEFAULT_WIDGET_DIST = fileURLToPath(new URL('../../gate-widget/dist', import.meta.url));

export async function createGateServer(options: GateServerOptions = {}): Promise<GateServer> {
  const env = options.env ?? readEnv();
  const config = options.config ?? loadConfigFile(env.configPath);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? jsonLogger();
  const store = GateStore.open(env.databaseUrl, { sealer: new Sealer(deriveKey(env.secret, 'outbox-seal')) });
  await store.migrate();

  const transport =
    options.transport ?? (env.smtpUrl ? new SmtpTransport(env.smtpUrl, env.mailFrom) : new DevMailbox());
  const memoryCounter = store.dialect === 'sqlite' ? new MemoryRateCounter() : undefined;
  const outbox = new OutboxWorker(store, transport, clock, { log: (m, e) => log.warn(m, e), ...options.outbox });
  const deps: GateDeps = {
    env,
    tours: new TourDirectory(config),
    store,
    transport,
    outbox,
    accessTokens: await AccessTokens.create(env.secret, env.publicUrl),
    assetGrants: new AssetGrants(env.secret),
    captcha: options.captcha ?? new HCaptchaVerifier(env.hcaptchaSecret, env.hcaptchaVerifyUrl),
    clock,
    log,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    rateCounter: memoryCounter ?? store,
    trustProxy: options.trustProxy ?? process.env.GATE_TRUST_PROXY === '1',
    widgetDist: options.widgetDist ?? process.env.GATE_WIDGET_DIST ?? DEFAULT_WIDGET_DIST,
  };
  // Tours and brokers created through the admin API live in the database; other instances
  // on the same PostgreSQL database may add some while this one runs.
  const managedSince = await loadManaged(store, deps.tours);
  const stopManaged =
    store.dialect === 'postgres'
      ? watchManaged(store, deps.tours, managedSince, 30_000, (err) =>
          log.warn('reloading tours failed', { error: String(err) }),
        )
      : () => {};
  const app = createApp(deps);
  if (options.startWorker !== false) outbox.start();
  // Housekeeping: rate-limit windows that ended are of no use to anyone.
  const longestWindow = Math.max(...Object.values(deps.limits).map((l) => l.windowMs));
  const sweeper = setInterval(() => {
    memoryCounter?.sweep(clock());
    store
      .sweepRateLimits(clock(), longestWindow)
      .catch((err) => log.warn('rate-limit sweep failed', { error: String(err) }));
  }, 10 * 60_000);
  sweeper.unref();

  let server: ServerType | undefined;
  return {
    app,
    deps,
    store,
    outbox,
    listen(port = env.port, hostname = '0.0.0.0') {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => resolve(info.port));
      });
    },
    async close() {
      clearInterval(sweeper);
      stopManaged();
      await outbox.stop();
      if (server) await new Promise<void>((r) => server?.close(() => r()));
      transport.close();
      await store.close();
    },
  };
}
