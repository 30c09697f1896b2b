/**
 * Server settings from the environment: one schema for every variable, read once (by the
 * composition root, `core/compose.ts`). In production a missing secret, hCaptcha's public test
 * secret or a missing SMTP URL stop the start; every problem is listed at once.
 */
import * as z from 'zod/mini';
import { HCAPTCHA_TEST_SECRET, HCAPTCHA_VERIFY_URL } from '../security/captcha.ts';
import { DEV_SECRET, secretProblems } from './secret-strength.ts';
import { defaultWidgetDist } from './widget-dist.ts';

export interface ServerEnv {
  production: boolean;
  publicUrl: string;
  secret: string;
  databaseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  hcaptchaSecret: string | undefined;
  hcaptchaVerifyUrl: string;
  port: number;
  /** HTTP server limits (`GATE_HEADERS_TIMEOUT_MS`, `GATE_REQUEST_TIMEOUT_MS`, `GATE_MAX_CONNECTIONS`). */
  http?: HttpLimits;
  /** `GATE_METRICS_KEY`: bearer key for `GET /metrics` on the main port (unset: not served there). */
  metricsKey?: string | undefined;
  /** `GATE_METRICS_PORT`: a port of its own for `GET /metrics`, on 127.0.0.1 (unset: none). */
  metricsPort?: number | undefined;
  configPath: string;
  /** `GATE_ADMIN_KEY`: the platform's bearer key for `/v1/admin` (unset: only broker keys work). */
  adminKey?: string | undefined;
  /** `GATE_TRUST_PROXY=1`: take the client address from `X-Forwarded-For` (behind a reverse proxy). */
  trustProxy: boolean;
  /** `GATE_WIDGET_DIST`: the folder with the built widget (`widget.js`, `widget-chunks/`). */
  widgetDist: string;
  /** `GATE_WEBHOOKS_ALLOW_PRIVATE=1`: webhook URLs may be http and reach private or loopback addresses. */
  webhooksAllowPrivate: boolean;
  /** `GATE_DEV_MAILBOX=1` (development only): serve `/dev/mailbox` when no SMTP server is set. */
  devMailbox: boolean;
  /** `GATE_DIGEST_HOUR`: the hour (0–23, Europe/Berlin) the brokers' daily digests go out; default 7. */
  digestHour?: number;
  /**
   * `GATE_WORKER=0`: `serve` answers HTTP only and leaves the mail outbox, webhooks and digests to
   * `tour-gate worker` processes on the same database (default: `serve` runs them too).
   */
  worker: boolean;
}

export interface HttpLimits {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a body sent a byte at a time ends here). */
  requestTimeoutMs: number;
  /** Open connections at most; more are refused. */
  maxConnections: number;
}

/** The brokers' daily digests go out at 7:00 Berlin time unless `GATE_DIGEST_HOUR` says otherwise. */
export const DEFAULT_DIGEST_HOUR = 7;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 1_000,
};

/** A whole number from `min` up, or the default when unset. */
const count = (name: string, fallback: number, min = 1) =>
  z.pipe(
    optional,
    z.transform((v, ctx) => {
      const n = Number(v ?? fallback);
      if (!Number.isInteger(n) || n < min)
        ctx.issues.push({ code: 'custom', input: v, message: `${name} must be a whole number ≥ ${min}, got "${v}"` });
      return n;
    }),
  );

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot start tour-gate:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** An unset variable and an empty one mean the same: not set. */
const optional = z.pipe(
  z.optional(z.string()),
  z.transform((v) => v || undefined),
);

/** An optional variable that, when set, must pass `test`. */
const checked = (test: (v: string) => boolean, message: string) =>
  z.pipe(
    optional,
    z.transform((v, ctx) => {
      if (v !== undefined && !test(v)) ctx.issues.push({ code: 'custom', input: v, message });
      return v;
    }),
  );

/** Every variable tour-gate reads, each checked on its own. */
const variables = z.object({
  NODE_ENV: optional,
  PORT: z.pipe(
    optional,
    z.transform((v, ctx) => {
      const port = Number(v ?? 8787);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        ctx.issues.push({ code: 'custom', input: v, message: `PORT must be a port number, got "${v}"` });
      }
      return port;
    }),
  ),
  GATE_HEADERS_TIMEOUT_MS: count('GATE_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.headersTimeoutMs, 100),
  GATE_REQUEST_TIMEOUT_MS: count('GATE_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.requestTimeoutMs, 100),
  GATE_MAX_CONNECTIONS: count('GATE_MAX_CONNECTIONS', DEFAULT_HTTP_LIMITS.maxConnections),
  GATE_METRICS_KEY: checked((v) => v.length >= 32, 'GATE_METRICS_KEY must be at least 32 characters long'),
  GATE_METRICS_PORT: checked(
    (v) => /^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536,
    'GATE_METRICS_PORT must be a port number',
  ),
  GATE_SECRET: checked((v) => v.length >= 32, 'GATE_SECRET must be at least 32 characters long'),
  GATE_SMTP_URL: checked((v) => /^smtps?:\/\//.test(v), 'GATE_SMTP_URL must start with smtp:// or smtps://'),
  GATE_PUBLIC_URL: optional,
  GATE_DATABASE_URL: optional,
  GATE_MAIL_FROM: optional,
  GATE_HCAPTCHA_SECRET: optional,
  GATE_HCAPTCHA_VERIFY_URL: optional,
  GATE_CONFIG: optional,
  GATE_ADMIN_KEY: checked((v) => v.length >= 32, 'GATE_ADMIN_KEY must be at least 32 characters long'),
  GATE_TRUST_PROXY: z.pipe(
    optional,
    z.transform((v) => v === '1'),
  ),
  GATE_WIDGET_DIST: optional,
  GATE_WEBHOOKS_ALLOW_PRIVATE: z.pipe(
    optional,
    z.transform((v) => v === '1'),
  ),
  GATE_DEV_MAILBOX: z.pipe(
    optional,
    z.transform((v) => v === '1'),
  ),
  GATE_WORKER: checked(
    (v) => v === '0' || v === '1',
    'GATE_WORKER must be 1 (serve sends mail too) or 0 (it does not)',
  ),
  GATE_DIGEST_HOUR: checked(
    (v) => /^\d{1,2}$/.test(v) && Number(v) <= 23,
    'GATE_DIGEST_HOUR must be an hour from 0 to 23 (Europe/Berlin)',
  ),
});

/** The variables' names, for the CLI's usage text and the README. */
export const ENV_VARIABLES = Object.keys(variables.def.shape);

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = variables.safeParse(env);
  if (!parsed.success) throw new EnvError(parsed.error.issues.map((i) => i.message));
  const v = parsed.data;
  // `Production` or `PRODUCTION` is meant as production too: never a silent development start.
  const production = v.NODE_ENV?.trim().toLowerCase() === 'production';
  const port = v.PORT;
  const problems: string[] = [];
  if (production && !v.GATE_SECRET)
    problems.push('GATE_SECRET is required in production (at least 32 random characters)');
  if (production && !v.GATE_SMTP_URL)
    problems.push('GATE_SMTP_URL is required in production (the dev mailbox is for development only)');
  // Known or guessable secrets (config/secret-strength.ts): each problem named.
  if (production && v.GATE_SECRET) problems.push(...secretProblems('GATE_SECRET', v.GATE_SECRET));
  if (production && v.GATE_ADMIN_KEY) problems.push(...secretProblems('GATE_ADMIN_KEY', v.GATE_ADMIN_KEY));
  if (production && v.GATE_DEV_MAILBOX) {
    problems.push('GATE_DEV_MAILBOX is for development only and must not be set in production');
  }
  if (production && v.GATE_HCAPTCHA_SECRET === HCAPTCHA_TEST_SECRET) {
    problems.push("GATE_HCAPTCHA_SECRET is hCaptcha's public test secret, which accepts every answer");
  }
  const publicUrl = (env.GATE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) problems.push(`GATE_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  if (production && !v.GATE_PUBLIC_URL) problems.push('GATE_PUBLIC_URL is required in production');
  // Node refuses to start an HTTP server whose headers may take longer than the whole request.
  if (v.GATE_HEADERS_TIMEOUT_MS > v.GATE_REQUEST_TIMEOUT_MS) {
    problems.push(
      `GATE_HEADERS_TIMEOUT_MS (${v.GATE_HEADERS_TIMEOUT_MS}) must not be longer than GATE_REQUEST_TIMEOUT_MS (${v.GATE_REQUEST_TIMEOUT_MS})`,
    );
  }
  if (problems.length) throw new EnvError(problems);

  return {
    production,
    publicUrl,
    secret: v.GATE_SECRET ?? DEV_SECRET,
    databaseUrl: v.GATE_DATABASE_URL ?? './data/tour-gate.sqlite',
    smtpUrl: v.GATE_SMTP_URL,
    mailFrom: v.GATE_MAIL_FROM ?? `tour-gate <no-reply@${new URL(publicUrl).hostname}>`,
    hcaptchaSecret: v.GATE_HCAPTCHA_SECRET,
    hcaptchaVerifyUrl: v.GATE_HCAPTCHA_VERIFY_URL ?? HCAPTCHA_VERIFY_URL,
    port,
    http: {
      headersTimeoutMs: v.GATE_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.GATE_REQUEST_TIMEOUT_MS,
      maxConnections: v.GATE_MAX_CONNECTIONS,
    },
    metricsKey: v.GATE_METRICS_KEY,
    metricsPort: v.GATE_METRICS_PORT === undefined ? undefined : Number(v.GATE_METRICS_PORT),
    configPath: v.GATE_CONFIG ?? './tour-gate.config.json',
    adminKey: v.GATE_ADMIN_KEY,
    trustProxy: v.GATE_TRUST_PROXY,
    // Resolved only when not set: an installed server without the widget package can still run.
    widgetDist: v.GATE_WIDGET_DIST ?? defaultWidgetDist(),
    webhooksAllowPrivate: v.GATE_WEBHOOKS_ALLOW_PRIVATE,
    devMailbox: v.GATE_DEV_MAILBOX && !production,
    digestHour: v.GATE_DIGEST_HOUR === undefined ? DEFAULT_DIGEST_HOUR : Number(v.GATE_DIGEST_HOUR),
    worker: v.GATE_WORKER !== '0',
  };
}
