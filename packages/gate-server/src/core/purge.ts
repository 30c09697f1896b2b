/**
 * Retention (`tour-gate purge`), two rules:
 *
 * - **Unconfirmed** registrations go after `unconfirmedDays` (default 30) from their creation:
 *   requests still pending or denied, and visitors who never opened their link (their email
 *   address was never confirmed, so the data may not even be theirs).
 * - **Leads** (the visitor opened a link, whatever happened later) go after the broker's
 *   `retentionDays` from their creation.
 *
 * Both erase exactly as `forget` does (`erase.ts`); the aggregates stay. Registrations of
 * tours no longer configured fall under the unconfirmed rule only.
 */
import type { TourDirectory } from '../config/tours.ts';
import type { GateStore } from '../store/store.ts';
import { DAY_MS } from '../util/time.ts';
import { eraseRegistration } from './erase.ts';

export interface PurgeOptions {
  now: number;
  unconfirmedDays?: number;
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface PurgeResult {
  unconfirmed: number;
  expiredLeads: number;
}

const DEFAULT_UNCONFIRMED_DAYS = 30;

export async function purge(store: GateStore, tours: TourDirectory, o: PurgeOptions): Promise<PurgeResult> {
  const unconfirmedBefore = o.now - (o.unconfirmedDays ?? DEFAULT_UNCONFIRMED_DAYS) * DAY_MS;
  const unconfirmed = await store.erasure.unconfirmedBefore(unconfirmedBefore);

  const expired: { id: string; tour_id: string }[] = [];
  for (const tour of tours.all()) {
    const before = o.now - tour.broker.retentionDays * DAY_MS;
    expired.push(...(await store.erasure.createdBefore(tour.config.id, before)));
  }
  const seen = new Set(unconfirmed.map((r) => r.id));
  const leads = expired.filter((r) => !seen.has(r.id));
  const all = [...unconfirmed, ...leads];
  if (!o.dryRun) {
    let done = 0;
    for (const r of all) {
      await eraseRegistration(store, r.id, r.tour_id, { tours, now: o.now });
      o.onProgress?.(++done, all.length);
    }
  }
  return { unconfirmed: unconfirmed.length, expiredLeads: leads.length };
}
