/**
 * Starts a real gate-server for a test: a real store (SQLite in memory by default, or
 * PostgreSQL), a real SMTP peer when given, a controllable clock.
 */
import { randomBytes } from 'node:crypto';
import type { GateConfigFile } from '@tour-gate/shared/config';
import pg from 'pg';
import { readEnv } from '../src/config/env.ts';
import type { RateLimits } from '../src/core/rate-limit.ts';
import type { WebhookWorkerOptions } from '../src/core/webhook-worker.ts';
import type { MailTransport } from '../src/mail/transport.ts';
import type { CaptchaVerifier } from '../src/security/captcha.ts';
import { createGateServer, type GateServer } from '../src/server.ts';
import { silentLogger } from '../src/util/logger.ts';
import { testConfig } from './fixtures.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A clock that stands still (default) or runs with real time; `advance` jumps ahead. */
export class TestClock {
  private offset: number;
  constructor(
    start = Date.UTC(2026, 10, 21, 9, 0, 0),
    private readonly running = false,
  ) {
    this.offset = running ? 0 : start;
  }
  get now(): number {
    return this.running ? Date.now() + this.offset : this.offset;
  }
  readonly fn = () => this.now;
  advance(ms: number): void {
    this.offset += ms;
  }
  static running(): TestClock {
    return new TestClock(0, true);
  }
}

export interface TestServerOptions {
  databaseUrl?: string;
  smtpUrl?: string;
  config?: GateConfigFile;
  clock?: TestClock;
  limits?: Partial<RateLimits>;
  hcaptchaSecret?: string;
  hcaptchaVerifyUrl?: string;
  captcha?: CaptchaVerifier;
  transport?: MailTransport;
  startWorker?: boolean;
  outboxPollMs?: number;
  /** Webhook worker options (default: fast polls, a 2 s timeout per try). */
  webhooks?: WebhookWorkerOptions;
  /** `GATE_WEBHOOKS_ALLOW_PRIVATE=1` (default true: the test receivers listen on 127.0.0.1). */
  webhooksAllowPrivate?: boolean;
  /** The least time of a registration's writing part (default 0 here; the timing test sets it). */
  registrationMinMs?: number;
  /** `GATE_DEV_MAILBOX=1` (default: when there is no SMTP server). */
  devMailbox?: boolean;
  /** Folder of the built widget (`widget.js`, `widget-chunks/`); default: the package's `dist`. */
  widgetDist?: string;
}

export interface TestServer extends GateServer {
  clock: TestClock;
  /** `app.request()` with JSON. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const clock = o.clock ?? new TestClock();
  const env = readEnv({
    GATE_PUBLIC_URL: 'http://gate.test',
    GATE_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    GATE_DATABASE_URL: o.databaseUrl ?? ':memory:',
    ...(o.smtpUrl ? { GATE_SMTP_URL: o.smtpUrl } : {}),
    ...((o.devMailbox ?? !o.smtpUrl) ? { GATE_DEV_MAILBOX: '1' } : {}),
    GATE_MAIL_FROM: 'tour-gate <no-reply@gate.test>',
    ...(o.webhooksAllowPrivate === false ? {} : { GATE_WEBHOOKS_ALLOW_PRIVATE: '1' }),
    ...(o.hcaptchaSecret ? { GATE_HCAPTCHA_SECRET: o.hcaptchaSecret } : {}),
    ...(o.hcaptchaVerifyUrl ? { GATE_HCAPTCHA_VERIFY_URL: o.hcaptchaVerifyUrl } : {}),
  });
  const server = await createGateServer({
    env,
    config: o.config ?? testConfig(),
    clock: clock.fn,
    log: silentLogger,
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.captcha ? { captcha: o.captcha } : {}),
    ...(o.transport ? { transport: o.transport } : {}),
    registrationMinMs: o.registrationMinMs ?? 0,
    startWorker: o.startWorker ?? true,
    outbox: { pollMs: o.outboxPollMs ?? 100, baseDelayMs: 50, maxDelayMs: 200 },
    webhooks: { pollMs: 100, timeoutMs: 2_000, ...o.webhooks },
    trustProxy: true,
    ...(o.widgetDist ? { widgetDist: o.widgetDist } : {}),
  });
  return {
    ...server,
    clock,
    post: (path, body, headers = {}) =>
      Promise.resolve(
        server.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    get: (path, headers = {}) => Promise.resolve(server.app.request(path, { headers })),
  };
}

/** A fresh PostgreSQL database for one test file; `drop()` removes it. */
export async function tempPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tour_gate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Every row of every table, for "nothing was written" and "no token in the database". */
export async function dumpTables(server: GateServer): Promise<Record<string, unknown[]>> {
  const db = server.store.raw;
  const out: Record<string, unknown[]> = {};
  for (const t of ['registrations', 'link_tokens', 'access_tokens', 'logbook', 'outbox', 'daily_stats'] as const) {
    out[t] = await db.selectFrom(t).selectAll().execute();
  }
  return out;
}

export async function countRows(
  server: GateServer,
  table: 'registrations' | 'outbox' | 'logbook' | 'link_tokens',
): Promise<number> {
  const r = await server.store.raw
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
