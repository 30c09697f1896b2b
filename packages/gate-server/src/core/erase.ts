/**
 * Erasure ("forget a visitor", GDPR Art. 17): the registration and everything that carries the
 * visitor's data or can act for them go in one transaction (see `store/erasure.ts`); the
 * per-day aggregates stay, they hold counts only.
 */
import { normalizeEmail } from '@tour-gate/shared';
import type { GateStore } from '../store/store.ts';
import { emailKey } from './rate-limit.ts';

export interface Erased {
  registrations: number;
  tours: string[];
}

/** Erases one registration; `tourId` binds it to a tour the caller checked. */
export function eraseRegistration(store: GateStore, id: string, tourId?: string): Promise<boolean> {
  return store.erasure.registration(id, tourId, emailKey);
}

/** Erases every registration of an email (all tours, or the given ones). */
export function forgetEmail(store: GateStore, email: string, tourIds?: readonly string[]): Promise<Erased> {
  return store.erasure.email(normalizeEmail(email), tourIds, emailKey);
}
