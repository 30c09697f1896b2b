/**
 * A tour's statistics: the funnel from the per-day aggregates (`daily_stats`, which outlive
 * erased visitors), the current state of the requests, and the median time from registration
 * to release. The dashboard, the admin API and the CLI all show this one object, so their
 * numbers cannot drift apart.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, RegistrationStatus } from '../store/schema.ts';

/** Funnel steps, in order, with the `daily_stats` metric each one sums. */
export const FUNNEL = [
  ['lockedClicks', 'locked-click'],
  ['masksShown', 'mask-shown'],
  ['registrations', 'registrations'],
  ['released', 'released'],
  ['granted', 'granted'],
  ['opened', 'opened'],
  ['denied', 'denied'],
  ['revoked', 'revoked'],
  ['viewpointViews', 'viewpoint-view'],
] as const;

export type FunnelKey = (typeof FUNNEL)[number][0];

export interface Period {
  /** First UTC day, `YYYY-MM-DD`, inclusive. */
  from?: string | undefined;
  /** Last UTC day, inclusive. */
  to?: string | undefined;
}

export interface TourStats {
  tour: string;
  period: { from: string | null; to: string | null };
  /** Sums of the per-day counters in the period. */
  funnel: Record<FunnelKey, number>;
  /** Registrations now in each state (created in the period; erased visitors are gone). */
  status: Record<RegistrationStatus, number> & { total: number };
  /** Median milliseconds from registration to release (email release: 0), null if none. */
  medianReleaseMs: number | null;
  /** Registrations per day with data, ascending. */
  perDay: { day: string; registrations: number }[];
}

export const STATUSES: readonly RegistrationStatus[] = ['released', 'pending', 'granted', 'denied', 'revoked'];

/** The delay expression; it must match the partial index `registrations_tour_release_delay`. */
const delay = sql<number>`released_at - created_at`;

export async function tourStats(db: Kysely<Database>, tourId: string, period: Period = {}): Promise<TourStats> {
  const [funnel, perDay] = await aggregates(db, tourId, period);
  return {
    tour: tourId,
    period: { from: period.from ?? null, to: period.to ?? null },
    funnel,
    perDay,
    status: await statusCounts(db, tourId, period),
    medianReleaseMs: await medianRelease(db, tourId, period),
  };
}

async function aggregates(
  db: Kysely<Database>,
  tourId: string,
  { from, to }: Period,
): Promise<[Record<FunnelKey, number>, TourStats['perDay']]> {
  let q = db
    .selectFrom('daily_stats')
    .select(['day', 'metric', 'count'])
    .where('tour_id', '=', tourId)
    .where(
      'metric',
      'in',
      FUNNEL.map(([, m]) => m),
    );
  if (from) q = q.where('day', '>=', from);
  if (to) q = q.where('day', '<=', to);
  const rows = await q.orderBy('day').execute();
  const byMetric = new Map<string, number>();
  const perDay: TourStats['perDay'] = [];
  for (const r of rows) {
    byMetric.set(r.metric, (byMetric.get(r.metric) ?? 0) + Number(r.count));
    if (r.metric === 'registrations') perDay.push({ day: r.day, registrations: Number(r.count) });
  }
  const funnel = Object.fromEntries(FUNNEL.map(([k, m]) => [k, byMetric.get(m) ?? 0])) as Record<FunnelKey, number>;
  return [funnel, perDay];
}

async function statusCounts(db: Kysely<Database>, tourId: string, { from, to }: Period): Promise<TourStats['status']> {
  let q = db
    .selectFrom('registrations')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tour_id', '=', tourId);
  if (from) q = q.where('day', '>=', from);
  if (to) q = q.where('day', '<=', to);
  const rows = await q.groupBy('status').execute();
  const out = { released: 0, pending: 0, granted: 0, denied: 0, revoked: 0, total: 0 };
  for (const r of rows) {
    out[r.status] = Number(r.n);
    out.total += Number(r.n);
  }
  return out;
}

/** The median as one or two rows at the middle offset of the ordered delays. */
async function medianRelease(db: Kysely<Database>, tourId: string, { from, to }: Period): Promise<number | null> {
  let base = db.selectFrom('registrations').where('tour_id', '=', tourId).where('released_at', 'is not', null);
  if (from) base = base.where('day', '>=', from);
  if (to) base = base.where('day', '<=', to);
  const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const count = Number(n);
  if (count === 0) return null;
  const rows = await base
    .select(delay.as('d'))
    .orderBy(delay)
    .limit(count % 2 ? 1 : 2)
    .offset(count % 2 ? (count - 1) / 2 : count / 2 - 1)
    .execute();
  const values = rows.map((r) => Number(r.d));
  return values.reduce((a, b) => a + b, 0) / values.length;
}
