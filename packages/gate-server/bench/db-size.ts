/**
 * Bytes a registration leaves in PostgreSQL, indexes included: `tour-gate serve` (registration
 * padding 0, limits lifted by the config file) on a fresh database, N registrations through the
 * API with the broker's notification, each unlocked once from its mail (an access token, the
 * logbook's entries), the outbox delivered to a local SMTP server; then VACUUM and every table's
 * `pg_total_relation_size` (heap, TOAST and indexes) divided by N. Also the CPU time the server
 * process spent per registration, per unlock and per access check that reads the database.
 *
 *   pnpm --filter @tour-gate/gate-server exec tsx bench/db-size.ts [registrations=2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { registration } from '../test/fixtures.ts';
import { linkFrom, TestSmtp } from '../test/smtp.ts';
import {
  BENCH_ORIGIN,
  BENCH_TOUR,
  benchEnv,
  cpuTimeMs,
  LIFTED_LIMITS,
  startProcess,
  tempPostgres,
  writeBenchConfig,
} from './lib.ts';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 8;
const dir = mkdtempSync(join(tmpdir(), 'tour-gate-size-'));
const db = await tempPostgres();
const smtp = new TestSmtp();
await smtp.start();
const gate = await startProcess(
  ['bench/serve-unpadded.ts'],
  benchEnv({ databaseUrl: db.url, config: writeBenchConfig(dir, { limits: LIFTED_LIMITS }), smtpUrl: smtp.url }),
);

async function pool(count: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await fn(i);
    }),
  );
}

try {
  const pid = gate.child.pid!;
  // What the process spends doing nothing (workers polling, listeners): taken off each phase.
  await new Promise((r) => setTimeout(r, 2_000));
  const idleFrom = cpuTimeMs(pid)!;
  await new Promise((r) => setTimeout(r, 5_000));
  const idlePerSec = (cpuTimeMs(pid)! - idleFrom) / 5;
  const busy = (cpuMs: number, secs: number) => Math.max(0, cpuMs - idlePerSec * secs);
  // What PostgreSQL does for them: transactions and rows of this database only.
  const stats = new pg.Client({ connectionString: db.url });
  await stats.connect();
  const dbStats = async () => {
    await stats.query('select pg_stat_clear_snapshot()');
    const { rows } = await stats.query<Record<string, string>>(
      `select xact_commit, tup_inserted, tup_updated, tup_deleted, tup_fetched
         from pg_stat_database where datname = current_database()`,
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
  };
  // The statistics collector reports with a delay: wait until two reads agree.
  const settled = async () => {
    let last = await dbStats();
    for (;;) {
      await new Promise((r) => setTimeout(r, 700));
      const now = await dbStats();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
  };
  // CPU time of this database's server processes (PostgreSQL on this machine): pid → ms.
  const backends = async () => {
    const { rows } = await stats.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return new Map(rows.map((r) => [r.pid, cpuTimeMs(r.pid) ?? 0]));
  };
  const backendCpuSince = async (then: Map<number, number>) => {
    let sum = 0;
    for (const [pid, ms] of await backends()) sum += ms - (then.get(pid) ?? 0);
    return sum;
  };
  const perRegistration = (a: Record<string, number>, b: Record<string, number>) =>
    Object.entries(b)
      .map(([k, v]) => `${k} ${((v - a[k]!) / N).toFixed(1)}`)
      .join(', ');
  // The mail server is away while visitors register: the registrations' CPU without sending,
  // then the mails' own when it is back.
  await smtp.stop();
  const before = await settled();
  let pgCpu = await backends();
  let cpu = cpuTimeMs(pid)!;
  let started = performance.now();
  await pool(N, async (i) => {
    const res = await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
      body: JSON.stringify(registration(`size-${i}@example.org`)),
    });
    if (res.status !== 202) throw new Error(`registration ${i}: ${res.status} ${await res.text()}`);
  });
  const registerSecs = (performance.now() - started) / 1000;
  const registerCpu = busy(cpuTimeMs(pid)! - cpu, registerSecs);
  const registerPgCpu = await backendCpuSince(pgCpu);
  const afterRegistrations = await settled();
  // The visitor's mail and the broker's notification for each.
  cpu = cpuTimeMs(pid)!;
  started = performance.now();
  await smtp.start();
  await smtp.waitFor(2 * N, 600_000);
  const mailSecs = (performance.now() - started) / 1000;
  const mailCpu = busy(cpuTimeMs(pid)! - cpu, mailSecs);

  cpu = cpuTimeMs(pid)!;
  started = performance.now();
  const unlocks = smtp.mails.filter((m) => m.parsed.headers.get('x-tour-gate-mail') === 'unlock');
  const accessTokens: string[] = [];
  await pool(unlocks.length, async (i) => {
    const res = await fetch(`${gate.url}/v1/unlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN },
      body: JSON.stringify({ token: linkFrom(unlocks[i]!).token }),
    });
    if (res.status !== 200) throw new Error(`unlock ${i}: ${res.status} ${await res.text()}`);
    accessTokens.push(((await res.json()) as { accessToken: string }).accessToken);
  });
  const unlockSecs = (performance.now() - started) / 1000;
  const unlockCpu = busy(cpuTimeMs(pid)! - cpu, unlockSecs);

  // Each token's first access check after ACCESS_RECHECK_MS: JWT and one database read each.
  await new Promise((r) => setTimeout(r, 2_100));
  pgCpu = await backends();
  cpu = cpuTimeMs(pid)!;
  started = performance.now();
  await pool(accessTokens.length, async (i) => {
    const res = await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/access`, {
      headers: { authorization: `Bearer ${accessTokens[i]}`, origin: BENCH_ORIGIN },
    });
    if (res.status !== 200) throw new Error(`access ${i}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
  const accessSecs = (performance.now() - started) / 1000;
  const accessCpu = busy(cpuTimeMs(pid)! - cpu, accessSecs);
  const accessPgCpu = await backendCpuSince(pgCpu);

  // A tour view's funnel events: one POST with `tour-view` (a page load) per token here.
  pgCpu = await backends();
  cpu = cpuTimeMs(pid)!;
  started = performance.now();
  await pool(accessTokens.length, async (i) => {
    const res = await fetch(`${gate.url}/v1/tours/${BENCH_TOUR}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BENCH_ORIGIN, 'x-forwarded-for': `198.51.100.${i % 250}` },
      body: JSON.stringify({ events: [{ type: 'tour-view' }] }),
    });
    if (res.status !== 204) throw new Error(`events ${i}: ${res.status} ${await res.text()}`);
  });
  const eventsSecs = (performance.now() - started) / 1000;
  const eventsCpu = busy(cpuTimeMs(pid)! - cpu, eventsSecs);
  const eventsPgCpu = await backendCpuSince(pgCpu);

  console.log(
    `PostgreSQL per registration (its transaction, the mails still queued): ${perRegistration(before, afterRegistrations)}; ` +
      `server processes' CPU ${((registerPgCpu * 1000) / N).toFixed(0)} µs per registration, ` +
      `${((accessPgCpu * 1000) / accessTokens.length).toFixed(0)} µs per access check that reads, ` +
      `${((eventsPgCpu * 1000) / accessTokens.length).toFixed(0)} µs per events POST`,
  );
  console.log(
    `events POST (one tour-view): ${((eventsCpu * 1000) / accessTokens.length).toFixed(0)} µs server CPU ` +
      `(${(accessTokens.length / eventsSecs).toFixed(0)}/s)`,
  );
  await stats.end();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  for (;;) {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from outbox where status <> 'sent'");
    if (Number(rows[0]!.n) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await client.query('vacuum analyze');
  const { rows } = await client.query<{ name: string; rows: string; total: string; indexes: string }>(
    `select c.relname as name, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as total,
            pg_indexes_size(c.oid) as indexes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public'
      order by pg_total_relation_size(c.oid) desc`,
  );
  await client.end();
  let sum = 0;
  console.log(`${N} registrations (${unlocks.length} unlocked once), ${smtp.mails.length} mails delivered`);
  console.log(`server CPU at rest: ${idlePerSec.toFixed(1)} ms/s (taken off the figures below)`);
  console.log(
    `server CPU: ${((registerCpu * 1000) / N).toFixed(0)} µs per registration ` +
      `(${(N / registerSecs).toFixed(0)}/s at ${CONCURRENCY} concurrent), ` +
      `${((mailCpu * 1000) / smtp.mails.length).toFixed(0)} µs per mail sent ` +
      `(${(smtp.mails.length / mailSecs).toFixed(0)}/s, after the mail server came back), ` +
      `${((unlockCpu * 1000) / unlocks.length).toFixed(0)} µs per unlock (${(unlocks.length / unlockSecs).toFixed(0)}/s), ` +
      `${((accessCpu * 1000) / accessTokens.length).toFixed(0)} µs per access check that reads the database ` +
      `(${(accessTokens.length / accessSecs).toFixed(0)}/s)\n`,
  );
  console.log('| table | rows | bytes (with indexes) | of which indexes | bytes per registration |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const total = Number(r.total);
    // Tables that stay small whatever N is (migrations, a tour's stats per day) are shown, not counted.
    const perRegistration = Number(r.rows) >= N / 2 ? total / N : 0;
    sum += perRegistration;
    console.log(
      `| ${r.name} | ${Number(r.rows).toLocaleString('en-US')} | ${total.toLocaleString('en-US')} | ` +
        `${Number(r.indexes).toLocaleString('en-US')} | ${perRegistration ? perRegistration.toFixed(0) : '–'} |`,
    );
  }
  console.log(`\nper registration, tables that grow with registrations: ${sum.toFixed(0)} bytes`);
} finally {
  await gate.stop();
  await smtp.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
