/**
 * A CPU profile of `tour-gate serve` under load on one hot path, summarised: the functions with
 * the most self time, and the share of time under some well-known frames.
 *
 *   pnpm --filter @tour-gate/gate-server exec tsx bench/profile.ts config|access|registration [seconds] [sqlite|postgres]
 *
 * The raw `.cpuprofile` stays in the printed folder (open it in Chrome's DevTools).
 * `PROFILE_RATE=100` offers that many requests a second, evenly paced (as the bench's p99 rows),
 * instead of as many as the server takes.
 * `PROFILE_BARE=1` profiles the bare Hono baseline (bench/bare.ts) instead, for comparison.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registration } from '../test/fixtures.ts';
import { linkFrom, TestSmtp } from '../test/smtp.ts';
import {
  BENCH_ORIGIN,
  BENCH_TOUR,
  benchEnv,
  cannon,
  LIFTED_LIMITS,
  paced,
  startProcess,
  tempPostgres,
  writeBenchConfig,
} from './lib.ts';

const what = process.argv[2] ?? 'config';
const seconds = Number(process.argv[3] ?? 8);
const backend = process.argv[4] ?? 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'tour-gate-profile-'));
const smtp = new TestSmtp();
await smtp.start();
const pg = backend === 'postgres' ? await tempPostgres() : undefined;
const bare = process.env.PROFILE_BARE === '1';
const gate = await startProcess(
  bare ? ['bench/bare.ts'] : what === 'registration' ? ['bench/serve-unpadded.ts'] : ['src/cli.ts', 'serve'],
  benchEnv({
    databaseUrl: pg?.url ?? join(dir, 'db.sqlite'),
    config: writeBenchConfig(dir, what === 'registration' ? { limits: LIFTED_LIMITS } : {}),
    smtpUrl: smtp.url,
  }),
  { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
);
const headers: Record<string, string> = { origin: BENCH_ORIGIN };
let url = `${gate.url}/v1/tours/${BENCH_TOUR}/gate`;
if (what === 'access') {
  const email = 'profile@example.org';
  await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify(registration(email)),
  });
  const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes(email), 20_000);
  const unlock = await fetch(`${gate.url}/v1/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
    body: JSON.stringify({ token: linkFrom(mail).token }),
  });
  headers.authorization = `Bearer ${((await unlock.json()) as { accessToken: string }).accessToken}`;
  url = `${gate.url}/v1/tours/${BENCH_TOUR}/access`;
}
let n = 0;
const rate = Number(process.env.PROFILE_RATE) || 0;
const target =
  what === 'registration'
    ? {
        url: `${gate.url}/v1/tours/${BENCH_TOUR}/registrations`,
        method: 'POST' as const,
        headers: { ...headers, 'content-type': 'application/json' },
        body: () => JSON.stringify(registration(`p${n++}@example.org`)),
        expect: 202,
      }
    : { url, headers, expect: 200 };
const r = rate ? await paced({ ...target, rate }, seconds, 50) : await cannon(target, seconds, 50);
console.log(`${what}: ${r.rate.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.errors} errors, ${r.unexpected} unexpected`);
await gate.stop();
await smtp.stop();
await pg?.drop();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0);
const self = new Map<string, number>();
const short = (u: string) =>
  u.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^.*\/src\//, 'src/');
for (const n of profile.nodes) {
  const key = `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
}
console.log(`\nself time (top 40 of ${total} samples), profile in ${dir}:`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}
// Inclusive time of frames by name (counted once per sample path).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const n of profile.nodes) {
  if (!n.hitCount) continue;
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + n.hitCount);
  }
}
console.log('\ninclusive time (top 60):');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}
