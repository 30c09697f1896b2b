/**
 * Real processes for the fault suite (`pnpm test:faults`): a PostgreSQL instance of the suite's
 * own (initdb into a temporary folder, its own port; the machine's shared server is never
 * touched), gate-servers as child processes (`bin/tour-gate.js serve`), and a load client that
 * registers visitors and records every answer.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { registration, TOUR_ORIGIN } from '../fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/tour-gate.js', import.meta.url));
const TOURS = Array.from({ length: 20 }, (_, i) => `tour-${i}`);

/** Prints a figure as the suite runs. */
export function figure(what: string, value: unknown): void {
  process.stdout.write(`  [faults] ${what}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PostgreSQL server of the suite's own, in a temporary folder. */
export class OwnPostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'tour-gate-faults-pg-'));
  private readonly data = join(this.dir, 'data');
  port = 0;
  private readonly bin: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor() {
    const base = '/usr/lib/postgresql';
    const version = existsSync(base)
      ? readdirSync(base)
          .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
          .sort((a, b) => Number(b) - Number(a))[0]
      : undefined;
    if (!version) throw new Error(`no PostgreSQL server binaries (initdb) under ${base}`);
    this.bin = join(base, version, 'bin');
  }

  private run(tool: string, args: string[]): string {
    const cmd = join(this.bin, tool);
    // PostgreSQL refuses to run as root: as root, the tools run as the postgres user.
    return this.asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : execFileSync(cmd, args, { encoding: 'utf8' });
  }

  async init(): Promise<void> {
    if (this.asRoot) chownSync(this.dir, uid('postgres'), gid('postgres'));
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    this.port = await freePort();
    await this.start();
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    this.run('pg_ctl', ['-D', this.data, '-o', opts, '-l', join(this.dir, 'log'), '-w', 'start']);
  }

  /** Fast shutdown: sessions are ended (57P01), as an administrator's restart does. */
  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  async createDatabase(name: string): Promise<string> {
    const c = new pg.Client({ connectionString: this.url() });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    return this.url(name);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const uid = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gid = (user: string) => Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());

/** The config file every gate of the suite reads: email-release tours, no broker mails. */
export function writeConfig(dir: string): string {
  const file = join(dir, 'tour-gate.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      brokers: [{ id: 'b', name: 'Anna Müller', email: 'anna@mueller-immobilien.example' }],
      tours: TOURS.map((id) => ({
        id,
        broker: 'b',
        title: `Rundgang ${id}`,
        pageUrl: `${TOUR_ORIGIN}/${id}`,
        allowedOrigins: [TOUR_ORIGIN],
        mode: 'email',
        fields: { phone: 'required', company: 'hidden' },
        viewpoints: { protect: 'list', ids: ['schlafzimmer'] },
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz', version: '2026-01' },
      })),
    }),
  );
  return file;
}

export interface GateProcess {
  name: string;
  port: number;
  child: ChildProcess;
  url: string;
  /** Every JSON line it logged. */
  logs: { level?: string; msg?: string }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export async function startGate(
  name: string,
  env: { databaseUrl: string; smtpUrl: string; configFile: string; extra?: Record<string, string> },
): Promise<GateProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      GATE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      GATE_SECRET: 'fault-suite-secret-7c1e4f9a2b6d8e0f3a5c7e9b1d3f5a7c',
      GATE_DATABASE_URL: env.databaseUrl,
      GATE_SMTP_URL: env.smtpUrl,
      GATE_MAIL_FROM: 'tour-gate <no-reply@gate.test>',
      GATE_CONFIG: env.configFile,
      GATE_TRUST_PROXY: '1',
      ...env.extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: GateProcess['logs'] = [];
  let buffer = '';
  child.stderr!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ level: 'raw', msg: line });
      }
      nl = buffer.indexOf('\n');
    }
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start: ${JSON.stringify(logs)}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await sleep(100);
  }
  return { name, port, child, url, logs, exited };
}

export interface Answer {
  email: string;
  gate: string;
  status: number | 'refused' | 'reset' | 'error';
  retryAfter: string | null;
  code?: string;
  at: number;
}

/**
 * Registers visitors from `concurrency` loops until `stop()`, each on a tour and an address of
 * its own (rate limits are per address and per tour), against the gates `targets()` names.
 */
export class Load {
  readonly answers: Answer[] = [];
  private running = true;
  private n = 0;
  private readonly loops: Promise<void>[] = [];

  constructor(
    readonly prefix: string,
    private readonly targets: () => GateProcess[],
    concurrency = 6,
    private readonly pauseMs = 20,
  ) {
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop());
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const gates = this.targets();
      if (gates.length === 0) {
        await sleep(50);
        continue;
      }
      const i = this.n++;
      const gate = gates[i % gates.length]!;
      const email = `${this.prefix}-${i}@example.org`;
      const tour = TOURS[i % TOURS.length]!;
      const answer: Answer = { email, gate: gate.name, status: 'error', retryAfter: null, at: 0 };
      try {
        const res = await fetch(`${gate.url}/v1/tours/${tour}/registrations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: TOUR_ORIGIN,
            'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`,
          },
          body: JSON.stringify(registration(email)),
        });
        answer.status = res.status;
        answer.retryAfter = res.headers.get('retry-after');
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
        if (body.error?.code) answer.code = body.error.code;
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code;
        answer.status =
          code === 'ECONNREFUSED' ? 'refused' : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'reset' : 'error';
        if (code) answer.code = code;
      }
      answer.at = Date.now();
      this.answers.push(answer);
      await sleep(this.pauseMs);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  get acknowledged(): string[] {
    return this.answers.filter((a) => a.status === 202).map((a) => a.email);
  }

  /** Answers by status, e.g. `{"202": 310, "503": 12, "refused": 4}`. */
  tally(): Record<string, number> {
    const t: Record<string, number> = {};
    for (const a of this.answers) t[String(a.status)] = (t[String(a.status)] ?? 0) + 1;
    return t;
  }
}
