/**
 * The composition root: settings, config, store, mail transport, outbox worker and tokens,
 * composed once into the `GateDeps` every use case takes. `tour-gate serve` and every CLI
 * command start from here, so they share one way of opening the database (always with the
 * sealer that keeps mail bodies encrypted at rest) and of loading the tours.
 */
import type { GateConfigFile } from '@tour-gate/shared/config';
import { loadConfigFile } from '../config/config-file.ts';
import { readEnv, type ServerEnv } from '../config/env.ts';
import { TourDirectory } from '../config/tours.ts';
import { OutboxWorker, type OutboxWorkerOptions } from '../mail/outbox-worker.ts';
import { DevMailbox, type MailTransport, SmtpTransport } from '../mail/transport.ts';
import { AccessTokens, deriveKey } from '../security/access-token.ts';
import { AssetGrants } from '../security/asset-grant.ts';
import { type CaptchaVerifier, HCaptchaVerifier } from '../security/captcha.ts';
import { Sealer } from '../security/seal.ts';
import { GateStore } from '../store/store.ts';
import { jsonLogger, type Logger } from '../util/logger.ts';
import { GateMetrics } from '../util/metrics.ts';
import { type Clock, systemClock } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { startDigestScheduler } from './digest.ts';
import { EmbedOriginCounter } from './embed-origins.ts';
import { followManaged, loadManaged, type OnInvalidStored } from './managed.ts';
import { followProfiles, loadProfiles } from './profile.ts';
import { DEFAULT_LIMITS, limitsOfConfig, MemoryRateCounter, type RateLimits } from './rate-limit.ts';
import { REGISTRATION_MIN_MS } from './register.ts';
import { WebhookWorker, type WebhookWorkerOptions } from './webhook-worker.ts';

export interface ComposeOptions {
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
  /** The least time a registration's writing part takes (default `REGISTRATION_MIN_MS`; tests: 0). */
  registrationMinMs?: number;
  webhooks?: WebhookWorkerOptions;
}

export interface Core {
  deps: GateDeps;
  /** Starts the background work of a serving instance: the outbox worker, housekeeping, watching other instances' tours. */
  start(options?: { worker?: boolean }): void;
  close(): Promise<void>;
}

/** Opens the store of `env` with its sealer, and brings its schema up to date. */
export async function openStore(
  env: ServerEnv,
  onClientError?: (err: Error) => void,
  onFeedError?: (err: Error) => void,
): Promise<GateStore> {
  const store = GateStore.open(env.databaseUrl, {
    sealer: new Sealer(deriveKey(env.secret, 'outbox-seal')),
    ...(onClientError ? { onClientError } : {}),
    ...(onFeedError ? { feed: { onError: onFeedError } } : {}),
  });
  await store.migrate();
  return store;
}

export async function composeCore(options: ComposeOptions = {}): Promise<Core> {
  const env = options.env ?? readEnv();
  const config = options.config ?? loadConfigFile(env.configPath);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? jsonLogger();
  let metrics: GateMetrics | undefined;
  const store = await openStore(
    env,
    (err) => {
      metrics?.databaseErrors.inc({ kind: 'connection_lost' });
      log.warn('database connection lost', { error: err.message });
    },
    (err) => log.warn('change feed connection lost', { error: err.message }),
  );
  metrics = new GateMetrics(() => store.outbox.backlog(clock()));

  const transport =
    options.transport ?? (env.smtpUrl ? new SmtpTransport(env.smtpUrl, env.mailFrom) : new DevMailbox());
  const memoryCounter = store.dialect === 'sqlite' ? new MemoryRateCounter() : undefined;
  const outbox = new OutboxWorker(store, transport, clock, {
    log: (m, e) => log.warn(m, e),
    onOutcome: (outcome) => metrics.deliveries.inc({ outcome }),
    ...options.outbox,
  });
  // Its own queue and worker: a slow webhook receiver never holds up a mail.
  const webhooks = new WebhookWorker(store, clock, env.webhooksAllowPrivate, {
    log: (m, e) => log.warn(m, e),
    ...options.webhooks,
  });
  const deps: GateDeps = {
    env,
    tours: new TourDirectory(config),
    store,
    transport,
    outbox,
    webhooks,
    accessTokens: await AccessTokens.create(env.secret, env.publicUrl),
    assetGrants: new AssetGrants(env.secret),
    captcha: options.captcha ?? new HCaptchaVerifier(env.hcaptchaSecret, env.hcaptchaVerifyUrl),
    clock,
    log,
    metrics,
    limits: { ...DEFAULT_LIMITS, ...limitsOfConfig(config.limits), ...options.limits },
    rateCounter: memoryCounter ?? store.rateLimits,
    embedOrigins: new EmbedOriginCounter(store.embedOrigins, clock, (message, err) =>
      log.warn(message, { error: String(err) }),
    ),
    registrationMinMs: options.registrationMinMs ?? REGISTRATION_MIN_MS,
  };
  // Tours and brokers created through the admin API live in the database.
  // One that fails today's checks is left out and logged, never a reason not to start.
  const onInvalidStored: OnInvalidStored = (message, detail) => log.warn(message, detail);
  await loadManaged(store, deps.tours, undefined, onInvalidStored);
  // Brokers' profiles (issue 9): how each broker appears in the mask and the mails.
  await loadProfiles(store, deps.tours, env.publicUrl);

  const stops: (() => void | Promise<void>)[] = [];
  return {
    deps,
    start({ worker = true } = {}) {
      // Other instances on the same database change tours while this one runs: each save is
      // announced on the store's change feed (PostgreSQL LISTEN/NOTIFY) and taken in here.
      stops.push(
        followManaged(
          store,
          deps.tours,
          (err) => log.warn('reloading tours failed', { error: String(err) }),
          onInvalidStored,
        ),
        followProfiles(store, deps.tours, env.publicUrl, (err) =>
          log.warn('reloading broker profiles failed', { error: String(err) }),
        ),
      );
      if (worker) {
        outbox.start();
        webhooks.start();
        // The brokers' daily digest: one check a minute, once a day across instances.
        stops.push(startDigestScheduler(deps));
      }
      // Housekeeping: rate-limit windows that ended are of no use to anyone.
      const longestWindow = Math.max(...Object.values(deps.limits).map((l) => l.windowMs));
      const sweeper = setInterval(() => {
        memoryCounter?.sweep(clock());
        store.rateLimits
          .sweep(clock(), longestWindow)
          .catch((err) => log.warn('rate-limit sweep failed', { error: String(err) }));
      }, 10 * 60_000);
      sweeper.unref();
      stops.push(() => clearInterval(sweeper));
      deps.embedOrigins.start();
      stops.push(() => deps.embedOrigins.stop());
    },
    async close() {
      await Promise.all(stops.map((stop) => stop()));
      await outbox.stop();
      await webhooks.stop();
      transport.close();
      await store.close();
    },
  };
}
