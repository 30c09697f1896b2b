/**
 * A tour's statistics: the funnel from the per-day aggregates (`daily_stats`, which outlive
 * erased visitors), the current state of the requests, and the median time from registration
 * to release. The dashboard, the admin API and the CLI all show this one object, so their
 * numbers cannot drift apart.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, RegistrationStatus } from './schema.ts';

/** Funnel steps, in order, with the `daily_stats` metric each one sums. */
export const FUNNEL = [
  ['tourViews', 'tour-view'],
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

/** The widget's events counted per viewpoint, with the funnel key each one feeds. */
const VIEWPOINT_METRICS = [
  ['lockedClicks', 'locked-click'],
  ['masksShown', 'mask-shown'],
  ['registrations', 'registrations'],
  ['views', 'viewpoint-view'],
] as const;

/** One viewpoint's figures in a period. */
interface ViewpointStats {
  viewpoint: string;
  /** Clicks on it while locked (widget events). */
  lockedClicks: number;
  /** Registration masks shown for it (widget events). */
  masksShown: number;
  /** Registrations that asked for it (counted when they registered, like the funnel's). */
  registrations: number;
  /** Views of it once unlocked (widget events). */
  views: number;
}

/** The share of one funnel step that reached the next, `rate` null when `from` is 0. */
export interface Conversion {
  from: FunnelKey;
  to: FunnelKey;
  rate: number | null;
}

export interface Period {
  /** First day (Europe/Berlin, see `dayOf`), `YYYY-MM-DD`, inclusive. */
  from?: string | undefined;
  /** Last day (Europe/Berlin), inclusive. */
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
  /** Shares from one funnel step to the next, in the tour's release mode. */
  conversions: Conversion[];
  /** Per viewpoint, most locked clicks first. */
  perViewpoint: ViewpointStats[];
}

/**
 * The steps a visitor takes, and the share that goes on at each: views of the tour → clicks on
 * a locked viewpoint → masks shown → registrations → released (email) or granted by the broker
 * (manual) → unlock links opened. A step whose predecessor is 0 has no rate.
 */
export function conversions(f: Record<FunnelKey, number>, mode: 'email' | 'manual'): Conversion[] {
  const release: FunnelKey = mode === 'email' ? 'released' : 'granted';
  const steps: FunnelKey[] = ['tourViews', 'lockedClicks', 'masksShown', 'registrations', release, 'opened'];
  return steps.slice(1).map((to, i) => {
    const from = steps[i] as FunnelKey;
    return { from, to, rate: f[from] > 0 ? f[to] / f[from] : null };
  });
}

/** The period of the same length right before `p` (both ends given), for comparisons. */
export function previousPeriod(p: { from: string; to: string }): { from: string; to: string } {
  const DAY = 86_400_000;
  const from = Date.parse(`${p.from}T00:00:00Z`);
  const to = Date.parse(`${p.to}T00:00:00Z`);
  const len = Math.round((to - from) / DAY) + 1;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(from - len * DAY), to: day(from - DAY) };
}

export const STATUSES: readonly RegistrationStatus[] = ['released', 'pending', 'granted', 'denied', 'revoked'];

/** The delay expression; it must match the partial index `registrations_tour_release_delay_cover`. */
const delay = sql<number>`released_at - created_at`;
/**
 * The same value, but not matching that index: within a period the rows come from the
 * (tour, day) index and are sorted, which is cheap for one period. Walking the delay index
 * instead would test each entry's day in the table (PostgreSQL: 150 ms for a 55,000-lead tour).
 */
const periodDelay = sql<number>`(released_at - created_at) + 0`;
const delayFor = ({ from, to }: Period) => (from || to ? periodDelay : delay);

async function tourStats(
  db: Kysely<Database>,
  tourId: string,
  period: Period = {},
  mode: 'email' | 'manual' = 'email',
): Promise<TourStats> {
  // Independent queries: on PostgreSQL they run side by side on the pool.
  const [[funnel, perDay], status, bounds, perViewpoint] = await Promise.all([
    aggregates(db, tourId, period),
    statusCounts(db, tourId, period),
    delayBounds(db, tourId, period),
    viewpointStats(db, tourId, period),
  ]);
  return {
    tour: tourId,
    period: { from: period.from ?? null, to: period.to ?? null },
    funnel,
    perDay,
    status,
    medianReleaseMs: await medianRelease(db, tourId, period, status, bounds),
    conversions: conversions(funnel, mode),
    perViewpoint,
  };
}

/**
 * Per viewpoint in the period, from the per-day counters (`viewpoint_stats`: the widget's
 * events and the registrations), so the cost grows with days and rooms, not with leads.
 */
async function viewpointStats(db: Kysely<Database>, tourId: string, { from, to }: Period): Promise<ViewpointStats[]> {
  let events = db
    .selectFrom('viewpoint_stats')
    .select(['viewpoint', 'metric', (eb) => eb.fn.sum<number>('count').as('n')])
    .where('tour_id', '=', tourId);
  if (from) events = events.where('day', '>=', from);
  if (to) events = events.where('day', '<=', to);
  const eventRows = await events.groupBy(['viewpoint', 'metric']).execute();
  const out = new Map<string, ViewpointStats>();
  const entry = (viewpoint: string): ViewpointStats => {
    let e = out.get(viewpoint);
    if (!e) {
      e = { viewpoint, lockedClicks: 0, masksShown: 0, registrations: 0, views: 0 };
      out.set(viewpoint, e);
    }
    return e;
  };
  for (const r of eventRows) {
    const key = VIEWPOINT_METRICS.find(([, m]) => m === r.metric)?.[0];
    if (key) entry(r.viewpoint)[key] += Number(r.n);
  }
  return [...out.values()].sort(
    (a, b) =>
      b.lockedClicks - a.lockedClicks || b.registrations - a.registrations || a.viewpoint.localeCompare(b.viewpoint),
  );
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
  // Within a period the (tour, day) covering index must be used. Grouped by the plain column,
  // SQLite picks the (tour, status) index for its order and reads every row of the tour from
  // the table (a 55,000-lead tour's last 30 days: 450 ms instead of 2 ms); grouped by an
  // expression, that index has nothing to offer.
  const st = from || to ? sql<RegistrationStatus>`status || ''` : sql<RegistrationStatus>`status`;
  let q = db
    .selectFrom('registrations')
    .select([st.as('status'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('tour_id', '=', tourId);
  if (from) q = q.where('day', '>=', from);
  if (to) q = q.where('day', '<=', to);
  const rows = await q.groupBy(st).execute();
  const out = { released: 0, pending: 0, granted: 0, denied: 0, revoked: 0, total: 0 };
  for (const r of rows) {
    out[r.status] = Number(r.n);
    out.total += Number(r.n);
  }
  return out;
}

function released(db: Kysely<Database>, tourId: string, { from, to }: Period) {
  let q = db.selectFrom('registrations').where('tour_id', '=', tourId).where('released_at', 'is not', null);
  if (from) q = q.where('day', '>=', from);
  if (to) q = q.where('day', '<=', to);
  return q;
}

/** Smallest and largest delay: two index seeks. */
async function delayBounds(
  db: Kysely<Database>,
  tourId: string,
  period: Period,
): Promise<[number, number] | undefined> {
  const d = delayFor(period);
  const end = (dir: 'asc' | 'desc') =>
    released(db, tourId, period).select(d.as('d')).orderBy(d, dir).limit(1).executeTakeFirst();
  const [lo, hi] = await Promise.all([end('asc'), end('desc')]);
  return lo && hi ? [Number(lo.d), Number(hi.d)] : undefined;
}

/**
 * The median delay. When all delays are equal (email release: every one is 0) the bounds
 * say it. Otherwise it is the one or two rows at the middle offset of the delays in index
 * order; how many rows were released follows from the state counts (released, granted and
 * revoked registrations are exactly those with `released_at`), which saves a count over the
 * tour. Should that ever not hold, the walk comes back short and a real count is taken.
 */
async function medianRelease(
  db: Kysely<Database>,
  tourId: string,
  period: Period,
  status: TourStats['status'],
  bounds: [number, number] | undefined,
): Promise<number | null> {
  if (!bounds) return null;
  if (bounds[0] === bounds[1]) return bounds[0];
  const d = delayFor(period);
  const walk = async (count: number) => {
    const rows = await released(db, tourId, period)
      .select(d.as('d'))
      .orderBy(d)
      .limit(count % 2 ? 1 : 2)
      .offset(count % 2 ? (count - 1) / 2 : count / 2 - 1)
      .execute();
    return rows.length === (count % 2 ? 1 : 2) ? rows.map((r) => Number(r.d)) : undefined;
  };
  let values = await walk(status.released + status.granted + status.revoked);
  if (!values) {
    const { n } = await released(db, tourId, period)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    values = (await walk(Number(n))) ?? [];
  }
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** The statistics of a tour, as the dashboard, the admin API and the CLI show them. */
export class StatisticsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** `mode` picks the release step of the conversions (email: released, manual: granted). */
  tour(tourId: string, period: Period = {}, mode: 'email' | 'manual' = 'email'): Promise<TourStats> {
    return tourStats(this.db, tourId, period, mode);
  }
}
