/**
 * What every part of `pnpm bench` shares: the row it reports, the context it gets, autocannon
 * runs in alternating rounds against tour-gate and a bare baseline, and child processes for the
 * servers (each server in a process of its own, so the load generator never shares its event loop).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool } from 'undici';

/** One line of the table. Figures a part did not measure stay undefined and print as `–`. */
export interface Row {
  /** What was measured: `GET /v1/tours/:tour/gate`, `20 MB asset`, `mail to SMTP`, … */
  path: string;
  /** `SQLite`, `PostgreSQL`, or `–` where the database doesn't matter. */
  backend: string;
  /** tour-gate's figure ÷ the baseline's (req/s, or bytes/s), higher is better. */
  ratio?: number;
  /** tour-gate's requests (or mails) per second. */
  rate?: number;
  /** The baseline's requests per second. */
  baseRate?: number;
  /** CPU time of tour-gate's process per request (user + system, µs): robust on a busy machine. */
  cpu?: number;
  /** The baseline's CPU time per request, µs. */
  baseCpu?: number;
  /** tour-gate's p99 latency, ms. */
  p99?: number;
  /** The baseline's p99 latency, ms. */
  baseP99?: number;
  /** Connection errors and timeouts (tour-gate). */
  errors?: number;
  /** Answers that were not what the path should answer (tour-gate; e.g. not 2xx, or not 304). */
  non2xx?: number;
  /** The goal in words (`≥ 0.8`, `p99 ≤ 25 ms`), and whether this run met it. */
  goal?: string;
  met?: boolean;
  /** Anything a reader needs to read the figures right. */
  note?: string;
}

export interface BenchContext {
  /** `--quick`: short rounds, fewer of them (a smoke run, figures are rough). */
  quick: boolean;
  /** Whether `--only` asked for this key (always true without `--only`). */
  wants(key: string): boolean;
  /** Seconds per autocannon round. */
  duration: number;
  /** Rounds per side (tour-gate and baseline alternate). */
  rounds: number;
  /** Concurrent connections per autocannon run. */
  connections: number;
  log(message: string): void;
}

/** A bench part: `bench/parts/<name>.ts` exports `keys` (what `--only` selects) and `run`. */
export interface BenchPart {
  /** The keys `--only` knows this part by; the part is skipped when it wants none of them. */
  keys: readonly string[];
  run(ctx: BenchContext): Promise<Row[]>;
}

export const GATE_SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

export interface Proc {
  url: string;
  port: number;
  child: ChildProcess;
  /** What the process printed (stdout and stderr), for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <args>` in gate-server's folder and waits until `readyPath` answers
 * 200. `env` is added to a clean copy of this process's environment (with PORT).
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  {
    readyPath = '/healthz',
    readyOutput,
    port: wanted,
    nodeArgs = [],
  }: {
    readyPath?: string;
    /** Ready once the process printed this (for one without HTTP), instead of `readyPath` answering. */
    readyOutput?: string;
    port?: number;
    nodeArgs?: string[];
  } = {},
): Promise<Proc> {
  const port = wanted ?? (await freePort());
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: GATE_SERVER_DIR,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited ${child.exitCode}:\n${out}`);
    if (readyOutput !== undefined) {
      if (out.includes(readyOutput)) break;
    } else
      try {
        const res = await fetch(url + readyPath);
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // not listening yet
      }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} not ready after 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface CannonResult {
  rate: number;
  p99: number;
  errors: number;
  /** Answers whose status was not the expected one. */
  unexpected: number;
  requests: number;
  /** The server process's CPU time (user + system) during the run, ms (when `pid` was given). */
  cpuMs?: number;
}

export interface CannonTarget {
  url: string;
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  /** One body for every request, or a function making each request's (called per request). */
  body?: string | (() => string);
  /** The status every answer should have (default: any 2xx). */
  expect?: number;
  /** The server's process id, to measure its CPU time per request (Linux `/proc`). */
  pid?: number;
  /** Requests per second offered over all connections (default: as fast as answers come). */
  rate?: number;
}

/** A process's CPU time so far (user + system), ms; undefined where `/proc` can't tell. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** `getconf CLK_TCK` on Linux (100 on every common kernel configuration). */
const CLOCK_TICKS = 100;

/** One autocannon run of `seconds` against `target`. */
export async function cannon(target: CannonTarget, seconds: number, connections: number): Promise<CannonResult> {
  const statuses = new Map<number, number>();
  const opts: autocannon.Options = {
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers,
    connections,
    duration: seconds,
    pipelining: 1,
    ...(target.rate ? { overallRate: target.rate } : {}),
  };
  if (typeof target.body === 'string') opts.body = target.body;
  else if (target.body) {
    const make = target.body;
    opts.requests = [{ setupRequest: (req) => ({ ...req, body: make() }) }];
  }
  const cpuBefore = target.pid === undefined ? undefined : cpuTimeMs(target.pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client, status) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
  const cpuAfter = target.pid === undefined ? undefined : cpuTimeMs(target.pid);
  let unexpected = 0;
  for (const [status, n] of statuses) {
    const ok = target.expect === undefined ? status >= 200 && status < 300 : status === target.expect;
    if (!ok) unexpected += n;
  }
  return {
    rate: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected,
    requests: result.requests.total,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
  };
}

/**
 * `rate` requests a second, sent at evenly spaced moments over `connections` kept-alive
 * connections whatever the answers do (an open loop: a slow answer doesn't hold back the next
 * request), for `seconds`. Each latency counts from the moment its request was due, so time a
 * request spent waiting for a free connection counts too. autocannon's `overallRate` instead
 * sends each connection's share at the start of every second: 25/s on 25 connections is a burst
 * of 25 at once, and its p99 is how long the last of a burst waits.
 */
export async function paced(
  target: CannonTarget & { rate: number },
  seconds: number,
  connections: number,
): Promise<CannonResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const total = Math.max(1, Math.round(seconds * target.rate));
  const interval = 1000 / target.rate;
  const latencies: number[] = [];
  let errors = 0;
  let unexpected = 0;
  const cpuBefore = target.pid === undefined ? undefined : cpuTimeMs(target.pid);
  const start = performance.now();
  const answers: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = typeof target.body === 'function' ? target.body() : target.body;
    answers.push(
      pool
        .request({
          path: url.pathname + url.search,
          method: target.method ?? 'GET',
          headers: target.headers,
          ...(body === undefined ? {} : { body }),
        })
        .then(async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - due);
          const ok =
            target.expect === undefined
              ? res.statusCode >= 200 && res.statusCode < 300
              : res.statusCode === target.expect;
          if (!ok) unexpected++;
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(answers);
  const elapsed = (performance.now() - start) / 1000;
  const cpuAfter = target.pid === undefined ? undefined : cpuTimeMs(target.pid);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rate: total / elapsed,
    p99: latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)] ?? Number.NaN,
    errors,
    unexpected,
    requests: total,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}),
  };
}

export interface Alternated {
  gate: CannonResult;
  bare: CannonResult;
  ratio: number;
}

/**
 * Rounds against tour-gate and the baseline in turn (gate, bare, gate, bare, …), after a short
 * warm-up of each; rates are the median round, p99 the worst round, errors summed.
 */
export async function alternate(
  ctx: BenchContext,
  gate: CannonTarget,
  bare: CannonTarget,
  run: (target: CannonTarget, seconds: number, connections: number) => Promise<CannonResult> = cannon,
): Promise<Alternated> {
  const { gate: g, bare: b } = await rounds(
    ctx,
    (seconds) => run(gate, seconds, ctx.connections),
    (seconds) => run(bare, seconds, ctx.connections),
  );
  const gr = combine(g);
  const br = combine(b);
  return { gate: gr, bare: br, ratio: gr.rate / br.rate };
}

/**
 * The alternation itself, for any kind of round: a warm-up of each side, then `ctx.rounds`
 * rounds of `ctx.duration` seconds, gate and bare in turn; every round's result of each side.
 */
export async function rounds<T>(
  ctx: BenchContext,
  gate: (seconds: number) => Promise<T>,
  bare: (seconds: number) => Promise<T>,
): Promise<{ gate: T[]; bare: T[] }> {
  const warm = ctx.quick ? 1 : 2;
  await gate(warm);
  await bare(warm);
  const g: T[] = [];
  const b: T[] = [];
  for (let i = 0; i < ctx.rounds; i++) {
    g.push(await gate(ctx.duration));
    b.push(await bare(ctx.duration));
  }
  return { gate: g, bare: b };
}

function combine(results: CannonResult[]): CannonResult {
  const rates = results.map((r) => r.rate).sort((a, b) => a - b);
  return {
    rate: rates[Math.floor((rates.length - 1) / 2)]!,
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((s, r) => s + r.errors, 0),
    unexpected: results.reduce((s, r) => s + r.unexpected, 0),
    requests: results.reduce((s, r) => s + r.requests, 0),
    ...(results.every((r) => r.cpuMs !== undefined) ? { cpuMs: results.reduce((s, r) => s + r.cpuMs!, 0) } : {}),
  };
}

/** CPU µs per request of a combined result, when measured. */
export const cpuPerRequest = (r: CannonResult): number | undefined =>
  r.cpuMs === undefined || r.requests === 0 ? undefined : (r.cpuMs * 1000) / r.requests;

/** A row from an alternated run. */
export function ratioRow(path: string, backend: string, r: Alternated, goal?: { ratio: number }): Row {
  return {
    path,
    backend,
    ratio: r.ratio,
    rate: r.gate.rate,
    baseRate: r.bare.rate,
    p99: r.gate.p99,
    baseP99: r.bare.p99,
    cpu: cpuPerRequest(r.gate),
    baseCpu: cpuPerRequest(r.bare),
    errors: r.gate.errors,
    non2xx: r.gate.unexpected,
    ...(goal
      ? { goal: `≥ ${goal.ratio}×`, met: r.ratio >= goal.ratio && r.gate.errors + r.gate.unexpected === 0 }
      : {}),
  };
}

/** The tour every part can use, and the origin of its page (sent as a browser would). */
export const BENCH_TOUR = 'bench-tour';
export const BENCH_ORIGIN = 'http://127.0.0.1:8788';

/**
 * Writes a config file with one broker and `BENCH_TOUR` (email mode, assets in `assetsDir`
 * when given) into `dir`; returns its path. `tours` adds more tours (same broker unless they say).
 */
export function writeBenchConfig(
  dir: string,
  {
    assetsDir,
    tours = [],
    limits,
  }: { assetsDir?: string; tours?: Record<string, unknown>[]; limits?: Record<string, unknown> } = {},
): string {
  const config = {
    ...(limits ? { limits } : {}),
    brokers: [
      {
        id: 'bench-broker',
        name: 'Anna Müller',
        company: 'Müller Immobilien GmbH',
        email: 'anna@mueller-immobilien.example',
        locale: 'de',
      },
    ],
    tours: [
      {
        id: BENCH_TOUR,
        broker: 'bench-broker',
        title: 'Musterstraße 12, Köln',
        pageUrl: `${BENCH_ORIGIN}/tour/`,
        allowedOrigins: [BENCH_ORIGIN],
        ...(assetsDir ? { assetsDir } : {}),
        mode: 'email',
        locale: 'de',
        fields: { salutation: 'optional', phone: 'optional', postalCode: 'required' },
        viewpoints: { protect: 'list', ids: ['schlafzimmer', 'bad'] },
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz', version: '2026-01' },
      },
      ...tours,
    ],
  };
  const path = join(dir, `tour-gate.config.${process.pid}.${configs++}.json`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
let configs = 0;

/** Every rate limit of the config file's `limits` lifted (ten million a minute). */
export const LIFTED_LIMITS = Object.fromEntries(
  [
    'registrationPerIp',
    'registrationPerEmail',
    'registrationPerTour',
    'registrationPerNetwork',
    'mailPerMailbox',
    'linkPerIp',
    'linkPerEmail',
    'unlockPerIp',
    'eventsPerIp',
    'eventsPerTourClient',
  ].map((k) => [k, { max: 10_000_000, windowMinutes: 1 }]),
);

/** A production environment for `tour-gate serve` (secret, public URL, SMTP, database, config). */
export function benchEnv(o: {
  databaseUrl: string;
  config: string;
  smtpUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    GATE_SECRET: randomBytes(32).toString('base64url'),
    GATE_PUBLIC_URL: 'https://gate.bench.example',
    GATE_SMTP_URL: o.smtpUrl,
    GATE_DATABASE_URL: o.databaseUrl,
    GATE_CONFIG: o.config,
    ...o.extra,
  };
}

/**
 * A local SMTP server that takes every mail and only counts it (`bench/smtp-sink.ts`), in a child
 * process of its own: a flood of mails never shares the load generator's event loop, where it
 * would slow the measured answers of tour-gate and the baseline alike.
 */
export class SmtpSink {
  port = 0;
  /** Mails acknowledged so far. */
  count = 0;
  /** When the mail to each recipient was acknowledged (`Date.now()` in the sink). */
  readonly arrived = new Map<string, number>();
  /** Mails arrived per kind of recipient (the address up to its first non-letter). */
  readonly counts = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private child: ChildProcess | undefined;

  async start(): Promise<void> {
    const child = fork(fileURLToPath(new URL('./smtp-sink.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    const [first] = (await once(child, 'message')) as [{ port: number }];
    this.port = first.port;
    child.on('message', (m: { to: string; at: number }) => {
      this.count++;
      this.arrived.set(m.to, m.at);
      const kind = /^[a-z]+/.exec(m.to)?.[0] ?? '';
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      for (const l of this.listeners) l();
    });
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves once `done()` holds (checked at each arrival), rejects after `timeoutMs`. */
  until(done: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`SMTP sink: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  /**
   * Waits until no mail has arrived for `quietMs` (at most `timeoutMs`): the backlog a saturated
   * run leaves in the outbox is sent before the next measured round, not during it.
   */
  async settle(quietMs = 1_500, timeoutMs = 180_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (let seen = -1; seen !== this.count && Date.now() < end; ) {
      seen = this.count;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.disconnect();
    child.kill();
  }
}

/** A fresh PostgreSQL database on the test server (`TEST_PG_URL`), dropped by `drop()`. */
export async function tempPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `tour_gate_bench_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  return {
    url: admin.replace(/\/[^/?]*(\?|$)/, `/${name}$1`),
    drop: () => run(`drop database if exists ${name} with (force)`),
  };
}
