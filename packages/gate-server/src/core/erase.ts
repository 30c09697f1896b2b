/**
 * Erasure ("forget a visitor", GDPR Art. 17): the registration and everything that carries the
 * visitor's data or can act for them go in one transaction (see `store/erasure.ts`); the
 * per-day aggregates stay, they hold counts only. In the same transaction each broker's
 * webhooks that want it get `lead.erased` (ids only), so a CRM can erase too.
 */
import { normalizeEmail } from '@tour-gate/shared';
import type { TourDirectory } from '../config/tours.ts';
import type { GateStore } from '../store/store.ts';
import { emailKey, limitEmail } from './rate-limit.ts';
import { erasedEvents } from './webhooks.ts';

/**
 * Who to tell: the tours (for each registration's broker) and the time of the erasure. Every
 * caller in the server passes it; without it no webhook hears of the erasure.
 */
export interface EraseContext {
  tours: TourDirectory;
  now: number;
}

/** The counters of an address: by its mailbox (sub-address and dots removed), and as typed. */
const rateKeysOf = (email: string): string[] => [emailKey(limitEmail(email)), emailKey(email)];

export interface Erased {
  registrations: number;
  tours: string[];
}

/** Erases one registration; `tourId` binds it to a tour the caller checked. */
export function eraseRegistration(store: GateStore, id: string, tourId?: string, ctx?: EraseContext): Promise<boolean> {
  return store.erasure.registration(id, tourId, rateKeysOf, ctx && erasedEvents(ctx.tours, ctx.now));
}

/** Erases every registration of an email (all tours, or the given ones). */
export function forgetEmail(
  store: GateStore,
  email: string,
  tourIds?: readonly string[],
  ctx?: EraseContext,
): Promise<Erased> {
  return store.erasure.email(normalizeEmail(email), tourIds, rateKeysOf, ctx && erasedEvents(ctx.tours, ctx.now));
}
