/** Funnel counters from the widget: per tour and day, no personal data, no identifiers. */
import type { EventsRequest } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { dayOf } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { enforce } from './rate-limit.ts';

export async function countEvents(deps: GateDeps, tour: Tour, req: EventsRequest, ip: string): Promise<void> {
  const now = deps.clock();
  await enforce(deps.rateCounter, `events:ip:${ip}`, deps.limits.eventsPerIp, now);
  const counts = new Map<string, number>();
  for (const e of req.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const day = dayOf(now);
  await deps.store.transaction(async (tx) => {
    for (const [metric, n] of counts) await tx.bumpStat(tour.config.id, day, metric, n);
  });
}
