import type { ServerEnv } from '../config/env.ts';
import type { TourDirectory } from '../config/tours.ts';
import type { OutboxWorker } from '../mail/outbox-worker.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { AccessTokens } from '../security/access-token.ts';
import type { AssetGrants } from '../security/asset-grant.ts';
import type { CaptchaVerifier } from '../security/captcha.ts';
import type { GateStore } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import type { GateMetrics } from '../util/metrics.ts';
import type { Clock } from '../util/time.ts';
import type { EmbedOriginCounter } from './embed-origins.ts';
import type { RateCounter, RateLimits } from './rate-limit.ts';
import type { WebhookWorker } from './webhook-worker.ts';

/**
 * Everything the use cases need, composed once (`compose.ts`) and shared by the HTTP server
 * and every CLI command; tests pass their own clock, mailer, captcha and limits.
 */
export interface GateDeps {
  env: ServerEnv;
  tours: TourDirectory;
  store: GateStore;
  transport: MailTransport;
  outbox: OutboxWorker;
  /** Sends webhook deliveries; `nudge()` it after a transaction that queued some. */
  webhooks: WebhookWorker;
  accessTokens: AccessTokens;
  assetGrants: AssetGrants;
  captcha: CaptchaVerifier;
  clock: Clock;
  log: Logger;
  metrics: GateMetrics;
  limits: RateLimits;
  rateCounter: RateCounter;
  /** Counts which origins fetch each tour's gate config, allowed or refused (the embed page's check). */
  embedOrigins: EmbedOriginCounter;
  /** The least time a registration's writing part takes, known address or not (`REGISTRATION_MIN_MS`). */
  registrationMinMs: number;
}
