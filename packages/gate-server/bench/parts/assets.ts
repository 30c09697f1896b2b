/**
 * Protected assets against a bare static file server (`bench/bare-static.ts`,
 * `@hono/node-server/serve-static`), side by side in alternating rounds with autocannon:
 *
 * - `20 MB asset`: one panorama of 20 MB, bytes per second (10 connections, Node's HTTP client);
 * - `300 tiles`: a burst of 300 different tile files of 40 KB, the way a multiresolution viewer
 *   loads a room (every connection goes through the 300 paths), requests per second.
 *
 * tour-gate (`tour-gate serve`, SQLite) answers with the signed query a viewer puts in its image
 * URLs (a real grant: register, mail, unlock); the bare server serves the same folder and ignores
 * the query. Before the rounds, Range (first bytes, a suffix, past the end), 304 on If-None-Match
 * and HEAD are checked on tour-gate; the rows say whether they worked.
 *
 *   pnpm bench -- --only assets           (with the other parts' runner)
 *   node --import tsx bench/parts/assets.ts [--quick]   (this part alone)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { registration } from '../../test/fixtures.ts';
import { linkFrom, TestSmtp } from '../../test/smtp.ts';
import {
  BENCH_ORIGIN,
  BENCH_TOUR,
  type BenchContext,
  benchEnv,
  cpuTimeMs,
  type Proc,
  type Row,
  rounds,
  startProcess,
  writeBenchConfig,
} from '../lib.ts';

export const keys = ['assets'] as const;

const BIG_BYTES = 20 * 1024 * 1024;
const TILES = 300;
const TILE_BYTES = 40 * 1024;
const RATIO_GOAL = 0.7;

interface Round {
  /** Requests per second, and bytes per second. */
  rate: number;
  bytes: number;
  p99: number;
  errors: number;
  unexpected: number;
  cpuMs?: number;
  requests: number;
}

/**
 * Large downloads: `connections` loops of GET over keep-alive connections with Node's HTTP
 * client, bodies counted and dropped (autocannon parses bodies in JavaScript and measures
 * itself at 20 MB bodies, not the server).
 */
async function download(base: string, path: string, seconds: number, connections: number, pid?: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const cpuBefore = pid === undefined ? undefined : cpuTimeMs(pid);
  const started = performance.now();
  const end = started + seconds * 1000;
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  let unexpected = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      get(base + path, { agent }, (res) => {
        if (res.statusCode !== 200) unexpected++;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => {
          latencies.push(performance.now() - t);
          resolve();
        });
        res.on('error', () => {
          errors++;
          resolve();
        });
      }).on('error', () => {
        errors++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const secs = (performance.now() - started) / 1000;
  agent.destroy();
  const cpuAfter = pid === undefined ? undefined : cpuTimeMs(pid);
  latencies.sort((a, b) => a - b);
  const r: Round = {
    rate: latencies.length / secs,
    bytes: bytes / secs,
    p99: latencies[Math.floor(0.99 * (latencies.length - 1))] ?? Number.NaN,
    errors,
    unexpected,
    requests: latencies.length,
  };
  if (cpuBefore !== undefined && cpuAfter !== undefined) r.cpuMs = cpuAfter - cpuBefore;
  return r;
}

/** One autocannon run over `paths` (each connection goes through them in turn). */
async function round(base: string, paths: string[], seconds: number, connections: number, pid?: number) {
  let unexpected = 0;
  const cpuBefore = pid === undefined ? undefined : cpuTimeMs(pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: seconds,
        pipelining: 1,
        requests: paths.map((path) => ({ method: 'GET' as const, path })),
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
    instance.on('response', (_client, status) => {
      if (status !== 200) unexpected++;
    });
  });
  const cpuAfter = pid === undefined ? undefined : cpuTimeMs(pid);
  const r: Round = {
    rate: result.requests.average,
    bytes: result.throughput.average,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected,
    requests: result.requests.total,
  };
  if (cpuBefore !== undefined && cpuAfter !== undefined) r.cpuMs = cpuAfter - cpuBefore;
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Alternating rounds (gate, bare, gate, …) after a warm-up of each; the median round of each side. */
async function sideBySide(
  ctx: BenchContext,
  gate: { base: string; paths: string[]; pid?: number },
  bare: { base: string; paths: string[]; pid?: number },
  connections: number,
  run: typeof round = round,
) {
  const { gate: g, bare: b } = await rounds(
    ctx,
    (seconds) => run(gate.base, gate.paths, seconds, connections, gate.pid),
    (seconds) => run(bare.base, bare.paths, seconds, connections, bare.pid),
  );
  const sum = (rs: Round[], f: (r: Round) => number) => rs.reduce((s, r) => s + f(r), 0);
  const cpu = (rs: Round[]) =>
    rs.every((r) => r.cpuMs !== undefined) ? (sum(rs, (r) => r.cpuMs!) * 1000) / sum(rs, (r) => r.requests) : undefined;
  return {
    gate: {
      rate: median(g.map((r) => r.rate)),
      bytes: median(g.map((r) => r.bytes)),
      p99: Math.max(...g.map((r) => r.p99)),
      errors: sum(g, (r) => r.errors),
      unexpected: sum(g, (r) => r.unexpected),
      cpu: cpu(g),
    },
    bare: {
      rate: median(b.map((r) => r.rate)),
      bytes: median(b.map((r) => r.bytes)),
      p99: Math.max(...b.map((r) => r.p99)),
      cpu: cpu(b),
    },
  };
}

/** A released visitor's asset grant (the signed query for image URLs): register, mail, unlock. */
async function assetQuery(gate: Proc, smtp: TestSmtp): Promise<string> {
  const email = `assets-${process.pid}@example.org`;
  const reg = await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify(registration(email)),
  });
  if (reg.status !== 202) throw new Error(`registration answered ${reg.status}: ${await reg.text()}`);
  const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes(email), 20_000);
  const unlock = await fetch(`${gate.url}/v1/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify({ token: linkFrom(mail).token }),
  });
  if (unlock.status !== 200) throw new Error(`unlock answered ${unlock.status}: ${await unlock.text()}`);
  return ((await unlock.json()) as { assets: { query: string } }).assets.query;
}

/** Range, 304 and HEAD on tour-gate, as a viewer and a browser cache use them; problems found. */
async function semantics(url: string): Promise<string[]> {
  const problems: string[] = [];
  const full = await fetch(url);
  const size = Number(full.headers.get('content-length'));
  const etag = full.headers.get('etag');
  await full.arrayBuffer();
  if (full.headers.get('accept-ranges') !== 'bytes') problems.push('no Accept-Ranges');
  const first = await fetch(url, { headers: { range: 'bytes=0-99' } });
  if (first.status !== 206 || (await first.arrayBuffer()).byteLength !== 100) problems.push('Range bytes=0-99');
  const suffix = await fetch(url, { headers: { range: 'bytes=-500' } });
  if (suffix.headers.get('content-range') !== `bytes ${size - 500}-${size - 1}/${size}`) problems.push('suffix Range');
  await suffix.arrayBuffer();
  const past = await fetch(url, { headers: { range: `bytes=${size}-` } });
  if (past.status !== 416 || past.headers.get('content-range') !== `bytes */${size}`) problems.push('416');
  await past.arrayBuffer();
  const again = await fetch(url, { headers: { 'if-none-match': etag ?? '"none"' } });
  if (again.status !== 304) problems.push('304 on If-None-Match');
  await again.arrayBuffer();
  const head = await fetch(url, { method: 'HEAD' });
  if (head.status !== 200 || Number(head.headers.get('content-length')) !== size) problems.push('HEAD');
  return problems;
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-assets-'));
  const assets = join(dir, 'assets');
  mkdirSync(join(assets, 'tiles'), { recursive: true });
  writeFileSync(join(assets, 'pano.jpg'), randomBytes(BIG_BYTES));
  const tiles = Array.from({ length: TILES }, (_, i) => `tiles/${i % 10}_${Math.floor(i / 10)}.jpg`);
  for (const t of tiles) writeFileSync(join(assets, t), randomBytes(TILE_BYTES));
  const smtp = new TestSmtp();
  await smtp.start();
  let gate: Proc | undefined;
  let bare: Proc | undefined;
  try {
    const config = writeBenchConfig(dir, { assetsDir: assets });
    gate = await startProcess(
      ['src/cli.ts', 'serve'],
      benchEnv({ databaseUrl: join(dir, 'gate.sqlite'), config, smtpUrl: smtp.url }),
    );
    bare = await startProcess(['bench/bare-static.ts'], { BARE_STATIC_ROOT: assets });
    const query = await assetQuery(gate, smtp);
    const prefix = `/v1/tours/${BENCH_TOUR}/assets/`;
    const problems = await semantics(`${gate.url}${prefix}pano.jpg?${query}`);
    const works = problems.length === 0;
    const note = works ? 'Range, 416, 304 and HEAD checked' : `not working: ${problems.join(', ')}`;
    const rows: Row[] = [];

    ctx.log('20 MB asset');
    const big = await sideBySide(
      ctx,
      { base: gate.url, paths: [`${prefix}pano.jpg?${query}`], pid: gate.child.pid! },
      { base: bare.url, paths: [`${prefix}pano.jpg`], pid: bare.child.pid! },
      10,
      (base, paths, seconds, connections, pid) => download(base, paths[0]!, seconds, connections, pid),
    );
    const bigRatio = big.gate.bytes / big.bare.bytes;
    rows.push({
      path: '20 MB asset (bytes/s, 10 conn.)',
      backend: 'SQLite',
      ratio: bigRatio,
      rate: big.gate.rate,
      baseRate: big.bare.rate,
      p99: big.gate.p99,
      baseP99: big.bare.p99,
      ...(big.gate.cpu !== undefined ? { cpu: big.gate.cpu } : {}),
      ...(big.bare.cpu !== undefined ? { baseCpu: big.bare.cpu } : {}),
      errors: big.gate.errors,
      non2xx: big.gate.unexpected,
      goal: `≥ ${RATIO_GOAL}×`,
      met: works && bigRatio >= RATIO_GOAL && big.gate.errors + big.gate.unexpected === 0,
      note: `${(big.gate.bytes / 1048576).toFixed(0)} vs ${(big.bare.bytes / 1048576).toFixed(0)} MB/s; ${note}`,
    });

    ctx.log('300 tiles');
    const burst = await sideBySide(
      ctx,
      { base: gate.url, paths: tiles.map((t) => `${prefix}${t}?${query}`), pid: gate.child.pid! },
      { base: bare.url, paths: tiles.map((t) => `${prefix}${t}`), pid: bare.child.pid! },
      ctx.connections,
    );
    const tileRatio = burst.gate.rate / burst.bare.rate;
    rows.push({
      path: `${TILES} tiles of 40 KB`,
      backend: 'SQLite',
      ratio: tileRatio,
      rate: burst.gate.rate,
      baseRate: burst.bare.rate,
      p99: burst.gate.p99,
      baseP99: burst.bare.p99,
      ...(burst.gate.cpu !== undefined ? { cpu: burst.gate.cpu } : {}),
      ...(burst.bare.cpu !== undefined ? { baseCpu: burst.bare.cpu } : {}),
      errors: burst.gate.errors,
      non2xx: burst.gate.unexpected,
      goal: `≥ ${RATIO_GOAL}×`,
      met: works && tileRatio >= RATIO_GOAL && burst.gate.errors + burst.gate.unexpected === 0,
      note: `signed query as in image URLs; ${note}`,
    });
    return rows;
  } finally {
    await gate?.stop();
    await bare?.stop();
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: `node --import tsx bench/parts/assets.ts [--quick]`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const ctx: BenchContext = {
    quick,
    wants: () => true,
    duration: quick ? 2 : 5,
    rounds: quick ? 1 : 3,
    connections: 50,
    log: (m) => console.error(`  ${m}`),
  };
  for (const r of await run(ctx)) console.log(JSON.stringify(r));
  process.exit(0);
}
