/**
 * What follows a registration, per release mode. Email release: the unlock link goes out at
 * once. Manual release: the broker is asked to review (see review.ts).
 */
import type { Tour } from '../config/tours.ts';
import type { GateDeps } from '../http/context.ts';
import type { Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { issueUnlockLink } from './unlock-link.ts';

export async function afterRegistration(
  _deps: GateDeps,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  _isNew: boolean,
): Promise<void> {
  if (reg.status === 'released' || reg.status === 'granted') {
    // Known visitor or new: a fresh link either way (the old one may be lost or expired).
    await issueUnlockLink(tx, tour, reg, now, 'registered');
  }
  // pending (manual release): handled by the review flow; denied / revoked: nothing is sent,
  // and the answer stays the same so it tells nobody about the decision.
}
