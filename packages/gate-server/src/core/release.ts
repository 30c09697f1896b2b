/**
 * What follows a registration, per release mode. Email release: the unlock link goes out at
 * once. Manual release: the broker is asked to review (see review.ts).
 */
import type { Tour } from '../config/tours.ts';
import type { Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import type { GateDeps } from './deps.ts';
import { issueUnlockLink } from './links.ts';
import { notifyBroker } from './notify.ts';
import { requestReview } from './review.ts';

export async function afterRegistration(
  deps: GateDeps,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  isNew: boolean,
): Promise<void> {
  if (reg.status === 'released' || reg.status === 'granted') {
    // Known visitor or new: a fresh link either way (the old one may be lost or expired).
    await issueUnlockLink(tx, tour, reg, now, 'registered');
    // Each new lead, once; a visitor who only asks again is no new lead.
    if (isNew) await notifyBroker(tx, tour, reg, now, 'registered', deps);
  } else if (reg.status === 'pending') {
    await requestReview(deps, tx, tour, reg, now, isNew);
  }
  // denied / revoked: nothing is sent, and the answer stays the same so it tells nobody
  // about the decision.
}
