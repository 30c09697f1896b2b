/**
 * Funnel counters from the widget: per tour and day (and per viewpoint where the event names
 * one), no personal data, no identifiers. `tour-view` counts a page load of the tour. Only
 * from a page allowed to embed the tour (a browser always sends `Origin` with this POST; a
 * request without it is a script), and bounded per client: at most `eventsPerTourClient`
 * events per tour in a window, a batch that would pass it refused whole, besides the bound on
 * requests (`eventsPerIp`) and on a batch's size (50, in the request schema).
 */
import { type EventsRequest, GateError } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { dayOf } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { clientKey, enforce } from './rate-limit.ts';

export async function countEvents(
  deps: GateDeps,
  tour: Tour,
  req: EventsRequest,
  ip: string,
  origin: string | undefined,
): Promise<void> {
  if (!origin || !tour.origins.includes(origin)) throw new GateError('ORIGIN_NOT_ALLOWED');
  const now = deps.clock();
  const client = clientKey(ip);
  await enforce(deps.rateCounter, `events:ip:${client}`, deps.limits.eventsPerIp, now);
  await enforce(deps.rateCounter, `events:tour:${tour.config.id}:${client}`, deps.limits.eventsPerTourClient, now, {
    weight: req.events.length,
  });
  const counts = new Map<string, number>();
  // Per viewpoint as well (the statistics per room); `tour-view` has none.
  const perViewpoint = new Map<string, { viewpoint: string; metric: string; n: number }>();
  for (const e of req.events) {
    counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    if (e.viewpoint === undefined || e.type === 'tour-view') continue;
    const key = `${e.type}\n${e.viewpoint}`;
    const entry = perViewpoint.get(key) ?? { viewpoint: e.viewpoint, metric: e.type, n: 0 };
    entry.n++;
    perViewpoint.set(key, entry);
  }
  const day = dayOf(now);
  await deps.store.transaction(async (tx) => {
    for (const [metric, n] of counts) await tx.bumpStat(tour.config.id, day, metric, n);
    for (const v of perViewpoint.values()) await tx.bumpViewpointStat(tour.config.id, day, v.viewpoint, v.metric, v.n);
  });
}
