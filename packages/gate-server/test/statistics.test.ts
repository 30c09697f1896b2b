/**
 * Statistics a broker can use, on SQLite and PostgreSQL: tour views (`tour-view` events),
 * per viewpoint the locked clicks, masks shown, views and registrations — each equal to a
 * direct count in the database and to what the widget sent —, periods that hold exactly their
 * days, conversions between funnel steps, and a comparison with the period before. The
 * dashboard page and the admin API show the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerKey } from '../src/core/api-keys.ts';
import { eraseRegistration } from '../src/core/erase.ts';
import { conversions, previousPeriod, type TourStats } from '../src/store/statistics.ts';
import { dayOf } from '../src/util/time.ts';
import { forEachBackend } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { openLink, register, visitor } from './seed.ts';

const TOUR = 'musterstrasse-12';
const DAY = 86_400_000;

type Event = { type: string; viewpoint?: string };

let ipN = 1;
async function send(server: TestServer, events: Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += 40) {
    const res = await server.post(
      `/v1/tours/${TOUR}/events`,
      { events: events.slice(i, i + 40) },
      { origin: TOUR_ORIGIN, 'x-forwarded-for': `192.0.2.${ipN++ % 250}` },
    );
    if (res.status !== 204) throw new Error(`events: ${res.status} ${await res.text()}`);
  }
}

const many = (n: number, e: Event): Event[] => Array.from({ length: n }, () => e);

/**
 * Per viewpoint, counted straight from the rows: the events' sums in viewpoint_stats, the
 * registrations from the registrations table (and their counter checked against those rows).
 */
async function direct(server: TestServer, from?: string, to?: string) {
  const db = server.store.raw;
  let ev = db.selectFrom('viewpoint_stats').select(['viewpoint', 'metric', 'count', 'day']).where('tour_id', '=', TOUR);
  if (from) ev = ev.where('day', '>=', from);
  if (to) ev = ev.where('day', '<=', to);
  let regs = db.selectFrom('registrations').select(['viewpoint', 'day']).where('tour_id', '=', TOUR);
  if (from) regs = regs.where('day', '>=', from);
  if (to) regs = regs.where('day', '<=', to);
  const out = new Map<string, { lockedClicks: number; masksShown: number; views: number; registrations: number }>();
  const get = (v: string) => {
    if (!out.has(v)) out.set(v, { lockedClicks: 0, masksShown: 0, views: 0, registrations: 0 });
    return out.get(v)!;
  };
  const key = { 'locked-click': 'lockedClicks', 'mask-shown': 'masksShown', 'viewpoint-view': 'views' } as const;
  // The registrations counter per viewpoint must say what the rows say.
  const counted = new Map<string, number>();
  for (const r of await ev.execute()) {
    if (r.metric === 'registrations') counted.set(r.viewpoint, (counted.get(r.viewpoint) ?? 0) + Number(r.count));
    else get(r.viewpoint)[key[r.metric as keyof typeof key]] += Number(r.count);
  }
  for (const r of await regs.execute()) if (r.viewpoint) get(r.viewpoint).registrations++;
  expect(counted).toEqual(
    new Map([...out].filter(([, v]) => v.registrations > 0).map(([k, v]) => [k, v.registrations])),
  );
  return out;
}

const asMap = (s: TourStats) => new Map(s.perViewpoint.map(({ viewpoint, ...rest }) => [viewpoint, rest] as const));

forEachBackend('statistics', (backend) => {
  let server: TestServer;
  let day1: string;
  let day2: string;

  beforeAll(async () => {
    server = await backend.start({
      startWorker: false,
      limits: {
        registrationPerIp: { max: 1e6, windowMs: 60_000 },
        registrationPerTour: { max: 1e6, windowMs: 60_000 },
        registrationPerNetwork: { max: 1e6, windowMs: 60_000 },
        eventsPerIp: { max: 1e6, windowMs: 60_000 },
        eventsPerTourClient: { max: 1e6, windowMs: 60_000 },
      },
    });
    // Day 1: 10 views, clicks on two rooms, 3 registrations for the bedroom, 1 for the bath.
    day1 = dayOf(server.clock.now);
    await send(server, [
      ...many(10, { type: 'tour-view' }),
      ...many(6, { type: 'locked-click', viewpoint: 'schlafzimmer' }),
      ...many(4, { type: 'mask-shown', viewpoint: 'schlafzimmer' }),
      ...many(3, { type: 'locked-click', viewpoint: 'bad' }),
      ...many(2, { type: 'mask-shown', viewpoint: 'bad' }),
      ...many(5, { type: 'viewpoint-view', viewpoint: 'wohnzimmer' }),
      { type: 'locked-click' }, // no viewpoint: counts for the tour only
    ]);
    for (let i = 0; i < 3; i++) await register(server, TOUR, { ...visitor(TOUR, i), viewpoint: 'schlafzimmer' });
    await register(server, TOUR, { ...visitor(TOUR, 3), viewpoint: 'bad' });
    await register(server, TOUR, visitor(TOUR, 4)); // no viewpoint
    await openLink(server, `${TOUR}-visitor-0@example.org`);
    // Day 2.
    server.clock.advance(DAY);
    day2 = dayOf(server.clock.now);
    await send(server, [
      ...many(4, { type: 'tour-view' }),
      ...many(2, { type: 'locked-click', viewpoint: 'bad' }),
      ...many(2, { type: 'mask-shown', viewpoint: 'bad' }),
    ]);
    await register(server, TOUR, { ...visitor(TOUR, 5), viewpoint: 'bad' });
  });
  afterAll(() => server.close());

  it('per viewpoint equals the direct counts and what the widget sent, for all time and each day', async () => {
    const all = await server.store.statistics.tour(TOUR);
    expect(asMap(all)).toEqual(await direct(server));
    expect(asMap(all)).toEqual(
      new Map([
        ['schlafzimmer', { lockedClicks: 6, masksShown: 4, views: 0, registrations: 3 }],
        ['bad', { lockedClicks: 5, masksShown: 4, views: 0, registrations: 2 }],
        ['wohnzimmer', { lockedClicks: 0, masksShown: 0, views: 5, registrations: 0 }],
      ]),
    );
    // Most locked clicks first.
    expect(all.perViewpoint.map((p) => p.viewpoint)).toEqual(['schlafzimmer', 'bad', 'wohnzimmer']);
    // The tour's totals still count every event, with or without a viewpoint.
    expect(all.funnel).toMatchObject({ tourViews: 14, lockedClicks: 12, masksShown: 8, registrations: 6 });
    for (const [from, to] of [
      [day1, day1],
      [day2, day2],
    ] as const) {
      const s = await server.store.statistics.tour(TOUR, { from, to });
      expect(asMap(s), from).toEqual(await direct(server, from, to));
    }
    const second = await server.store.statistics.tour(TOUR, { from: day2, to: day2 });
    expect(asMap(second).get('bad')).toEqual({ lockedClicks: 2, masksShown: 2, views: 0, registrations: 1 });
    expect(asMap(second).has('schlafzimmer')).toBe(false);
    expect(second.funnel.tourViews).toBe(4);
  });

  it('computes conversions between the steps of the tour mode', async () => {
    const s = await server.store.statistics.tour(TOUR, {}, 'email');
    const rate = (to: string) => s.conversions.find((c) => c.to === to)?.rate;
    expect(s.conversions.map((c) => `${c.from}>${c.to}`)).toEqual([
      'tourViews>lockedClicks',
      'lockedClicks>masksShown',
      'masksShown>registrations',
      'registrations>released',
      'released>opened',
    ]);
    expect(rate('lockedClicks')).toBeCloseTo(12 / 14);
    expect(rate('masksShown')).toBeCloseTo(8 / 12);
    expect(rate('registrations')).toBeCloseTo(6 / 8);
    expect(rate('released')).toBe(1);
    expect(rate('opened')).toBeCloseTo(1 / 6);
    const manual = conversions({ ...s.funnel, registrations: 4, granted: 0 }, 'manual');
    expect(manual.map((c) => c.to)).toContain('granted');
    expect(manual.find((c) => c.from === 'granted')?.rate).toBeNull(); // nothing to divide by
  });

  it('periods hold exactly their days; the period before has the same length', () => {
    expect(previousPeriod({ from: '2026-11-24', to: '2026-11-30' })).toEqual({ from: '2026-11-17', to: '2026-11-23' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-30' })).toEqual({ from: '2026-01-30', to: '2026-02-28' });
    // Across the switch to summer time (29 March 2026) a day is still a day.
    expect(previousPeriod({ from: '2026-03-29', to: '2026-04-04' })).toEqual({ from: '2026-03-22', to: '2026-03-28' });
  });

  it('shows the same figures on the dashboard (7 days, compared) and in the admin API', async () => {
    const client = await loginAs(server, 'anna@mueller-immobilien.example');
    const page = await (await client.get(`/dashboard/tours/${TOUR}?days=7&compare=1&lang=de`)).text();
    const s = await server.store.statistics.tour(TOUR, {
      from: dayOf(server.clock.now - 6 * DAY),
      to: dayOf(server.clock.now),
    });
    for (const p of s.perViewpoint) {
      for (const k of ['lockedClicks', 'masksShown', 'registrations', 'views'] as const) {
        const cell = new RegExp(
          `data-viewpoint="${p.viewpoint}"[\\s\\S]*?data-vp="${k}"\\s*>(?:<a [^>]*>)?(\\d+)<`,
        ).exec(page);
        expect(Number(cell?.[1]), `${p.viewpoint} ${k}`).toBe(p[k]);
      }
    }
    expect(page).toContain('Schlafzimmer'); // the name, not the id
    expect(/data-metric="tourViews">(\d+)</.exec(page)?.[1]).toBe('14');
    // The period before is empty: every step is new.
    expect(/data-previous="tourViews">(\d+)</.exec(page)?.[1]).toBe('0');
    const bars = /<figure class="chart" data-bars="(\d+)"/.exec(page)?.[1];
    expect(bars).toBe('7');
    // Every lead count links to the list filtered to the same period, and that list has as many.
    const list = `/dashboard/tours/${TOUR}/leads?from=${s.period.from}&amp;to=${s.period.to}`;
    expect(page).toContain(`${list}"`);
    expect(page).toContain(`${list}&amp;opened=1"`);
    expect(page).toContain(`${list}&amp;status=released"`);
    const count = async (href: string) =>
      Number(/data-metric="total">(\d+)/.exec(await (await client.get(href.replace(/&amp;/g, '&'))).text())?.[1]);
    expect(await count(list)).toBe(s.funnel.registrations);
    expect(await count(`${list}&amp;opened=1`)).toBe(s.funnel.opened);
    expect(s.funnel.opened).toBe(1);
    expect(await count(`${list}&amp;status=released`)).toBe(s.status.released);
    expect((await client.get(`/dashboard/tours/${TOUR}/leads?opened=yes`)).status).toBe(422);
    // A room's registrations link to the leads who asked for it.
    expect(page).toContain(`${list}&amp;viewpoint=bad"`);
    expect(await count(`${list}&amp;viewpoint=bad`)).toBe(2);
    expect(await count(`${list}&amp;viewpoint=schlafzimmer`)).toBe(3);
    expect((await client.get(`/dashboard/tours/${TOUR}/leads?viewpoint=%01`)).status).toBe(422);

    const key = (await createBrokerKey(server.store, 'mueller', 'test', server.clock.now)).key;
    const api = (await (
      await server.get(`/v1/admin/tours/${TOUR}/stats`, { authorization: `Bearer ${key}` })
    ).json()) as TourStats;
    expect(api.perViewpoint).toEqual((await server.store.statistics.tour(TOUR)).perViewpoint);
    expect(api.funnel.tourViews).toBe(14);
  });

  it('refuses an unknown event type whole, counting nothing', async () => {
    const before = await server.store.statistics.tour(TOUR);
    const res = await server.post(
      `/v1/tours/${TOUR}/events`,
      { events: [{ type: 'tour-view' }, { type: 'page-view' }] },
      { origin: TOUR_ORIGIN, 'x-forwarded-for': '192.0.2.251' },
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const after = await server.store.statistics.tour(TOUR);
    expect(after.funnel).toEqual(before.funnel);
    expect(after.perViewpoint).toEqual(before.perViewpoint);
  });

  it('keeps the per-viewpoint counts when a visitor is erased, like the funnel (last: it erases)', async () => {
    const before = await server.store.statistics.tour(TOUR);
    const reg = (await server.store.findRegistration(TOUR, `${TOUR}-visitor-0@example.org`))!;
    expect(reg.viewpoint).toBe('schlafzimmer');
    const ctx = { tours: server.deps.tours, now: server.clock.now };
    expect(await eraseRegistration(server.store, reg.id, TOUR, ctx)).toBe(true);
    const after = await server.store.statistics.tour(TOUR);
    expect(after.perViewpoint).toEqual(before.perViewpoint);
    expect(after.funnel.registrations).toBe(before.funnel.registrations);
    expect(after.status.total).toBe(before.status.total - 1); // the stored leads do change
  });
});

describe('previousPeriod', () => {
  it('is pure date arithmetic', () => {
    expect(previousPeriod({ from: '2026-01-01', to: '2026-01-01' })).toEqual({ from: '2025-12-31', to: '2025-12-31' });
  });
});
