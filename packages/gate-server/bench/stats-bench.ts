/**
 * Time of a tour's statistics query (the one object the dashboard, the admin API and
 * `tour-gate stats` show) on a store with 1,000,000 registrations, on SQLite and on PostgreSQL.
 * Goal: under 100 ms each.
 *
 *   pnpm --filter @tour-gate/gate-server bench [registrations] [sqlite|postgres]
 *
 * Ten tours, skewed: `tour-00` holds half of all registrations (the worst case: manual
 * release, so the median needs a walk over 350,000 release delays), the others share the rest.
 * Even tours release manually (pending, granted, denied, revoked), odd ones by email. A year of days; the per-day counters are written as the server would have bumped
 * them. Rows go in as batched multi-row inserts inside transactions.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { Sealer } from '../src/security/seal.ts';
import type { NewRegistration } from '../src/store/schema.ts';
import { GateStore } from '../src/store/store.ts';
import { newId } from '../src/util/ids.ts';
import { dayOf } from '../src/util/time.ts';
import { tempPostgres } from '../test/harness.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const ONLY = process.argv[3];
const TOURS = 10;
const BATCH = 1000;
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 21);
const START = END - 365 * DAY;

/** Deterministic pseudo-random numbers, so both databases get the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const tourOf = (i: number): string => {
  const t = i % 2 === 0 ? 0 : 1 + ((i >> 1) % (TOURS - 1));
  return `tour-${String(t).padStart(2, '0')}`;
};

function row(i: number, r: () => number, stats: Map<string, number>): NewRegistration {
  const tour = tourOf(i);
  const manual = Number(tour.slice(5)) % 2 === 0;
  const created = START + Math.floor((i / N) * 365 * DAY) + Math.floor(r() * 60_000);
  const x = r();
  const status = !manual ? 'released' : x < 0.1 ? 'pending' : x < 0.7 ? 'granted' : x < 0.9 ? 'denied' : 'revoked';
  const releasedAt =
    status === 'released'
      ? created
      : status === 'granted' || status === 'revoked'
        ? created + Math.floor(r() * 48 * 3_600_000)
        : null;
  const decided = manual && status !== 'pending' ? (releasedAt ?? created + Math.floor(r() * 24 * 3_600_000)) : null;
  const opened = releasedAt !== null && r() < 0.6 ? releasedAt + 60_000 : null;
  const day = dayOf(created);
  const bump = (d: string, m: string, by = 1) =>
    stats.set(`${tour}|${d}|${m}`, (stats.get(`${tour}|${d}|${m}`) ?? 0) + by);
  bump(day, 'registrations');
  bump(day, 'locked-click', 3);
  bump(day, 'mask-shown', 2);
  if (status === 'released') bump(day, 'released');
  if (status === 'granted' || status === 'revoked') bump(dayOf(decided as number), 'granted');
  if (status === 'revoked') bump(dayOf(decided as number), 'revoked');
  if (status === 'denied') bump(dayOf(decided as number), 'denied');
  if (opened) bump(dayOf(opened), 'opened');
  const email = `visitor-${i}@example.org`;
  return {
    id: newId(),
    tour_id: tour,
    email,
    fields: JSON.stringify({
      firstName: `Vorname${i % 977}`,
      lastName: `Nachname${i % 1999}`,
      email,
      phone: `+49 170 ${1_000_000 + (i % 8_999_999)}`,
      postalCode: '50667',
    }),
    locale: 'de',
    status,
    viewpoint: 'schlafzimmer',
    consent_at: created,
    consent_version: '1',
    consent_privacy: 1,
    consent_marketing: i % 3 === 0 ? 1 : 0,
    created_at: created,
    day,
    updated_at: decided ?? created,
    released_at: releasedAt,
    decided_at: decided,
    decided_by: decided ? 'broker@example.org' : null,
    first_opened_at: opened,
  };
}

async function fill(store: GateStore): Promise<void> {
  const r = rng(42);
  const stats = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < N; ) {
    // Several batches per transaction: one fsync per ~10,000 rows, not per row.
    await store.raw.transaction().execute(async (trx) => {
      for (let b = 0; b < 10 && i < N; b++) {
        const rows: NewRegistration[] = [];
        for (let k = 0; k < BATCH && i < N; k++, i++) rows.push(row(i, r, stats));
        await trx.insertInto('registrations').values(rows).execute();
      }
    });
    if (process.stderr.isTTY) process.stderr.write(`\r  ${i}/${N} rows`);
  }
  const daily = [...stats].map(([key, count]) => {
    const [tour_id, day, metric] = key.split('|') as [string, string, string];
    return { tour_id, day, metric, count };
  });
  for (let i = 0; i < daily.length; i += BATCH)
    await store.raw
      .insertInto('daily_stats')
      .values(daily.slice(i, i + BATCH))
      .execute();
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    `  filled ${N} registrations, ${daily.length} daily_stats rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function time(fn: () => Promise<unknown>, runs = 7): Promise<{ first: number; median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  const warm = ms.slice(1).sort((a, b) => a - b);
  return {
    first: ms[0] as number,
    median: warm[Math.floor(warm.length / 2)] as number,
    max: warm[warm.length - 1] as number,
  };
}

async function bench(label: string, store: GateStore): Promise<void> {
  console.log(`${label}: ${store.description}`);
  await store.migrate();
  await fill(store);
  // What autovacuum (PostgreSQL: statistics and the visibility map that index-only scans
  // need) or `PRAGMA optimize` (SQLite) would have done on a live server by now.
  await sql.raw(store.dialect === 'postgres' ? 'vacuum analyze' : 'analyze').execute(store.raw);
  const counts = await store.raw
    .selectFrom('registrations')
    .select(['tour_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tour_id', 'in', ['tour-00', 'tour-05'])
    .groupBy('tour_id')
    .execute();
  for (const tour of ['tour-00', 'tour-05']) {
    const n = Number(counts.find((c) => c.tour_id === tour)?.n ?? 0);
    for (const [name, period] of [
      ['all time', {}],
      ['last 30 days', { from: dayOf(END - 29 * DAY), to: dayOf(END) }],
    ] as const) {
      const t = await time(() => store.statistics.tour(tour, period));
      const ok = t.median < 100 ? 'ok' : 'OVER 100 ms';
      console.log(
        `  ${tour} (${n} registrations), ${name}: first ${t.first.toFixed(1)} ms, median ${t.median.toFixed(1)} ms, max ${t.max.toFixed(1)} ms  ${ok}`,
      );
    }
  }
  const s = await store.statistics.tour('tour-02');
  console.log(
    `  check tour-02: ${JSON.stringify({ funnel: s.funnel, status: s.status, medianReleaseMs: s.medianReleaseMs })}`,
  );
}

if (!ONLY || ONLY === 'sqlite') {
  const file = join(tmpdir(), `tour-gate-bench-${process.pid}.sqlite`);
  const store = GateStore.open(file, { sealer: Sealer.random() });
  try {
    await bench('SQLite', store);
  } finally {
    await store.close();
    if (process.env.BENCH_KEEP) console.log(`  kept ${file}`);
    else for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}
if (!ONLY || ONLY === 'postgres') {
  const pg = await tempPostgres();
  const store = GateStore.open(pg.url, { sealer: Sealer.random() });
  try {
    await bench('PostgreSQL', store);
  } finally {
    await store.close();
    // BENCH_KEEP=1 leaves the database for a look at the query plans.
    if (process.env.BENCH_KEEP) console.log(`  kept ${pg.url}`);
    else await pg.drop();
  }
}
