/**
 * `POST /v1/unlock`: a link token becomes an access token. The link may be used on several
 * devices while it is valid; each use is logged. Expired, invalid, revoked and denied each
 * answer with their own code.
 */
import { GateError, type UnlockResponse } from '@tour-gate/shared';
import { hashToken } from '../security/tokens.ts';
import type { Registration } from '../store/schema.ts';
import { newId } from '../util/ids.ts';
import { DAY_MS, dayOf } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { notifyBroker } from './notify.ts';
import { queueLeadEvent } from './webhooks.ts';

/** Why a registration in this state gives no access, or undefined when it does. */
export function statusError(reg: Registration | undefined): GateError | undefined {
  if (!reg) return new GateError('LINK_INVALID');
  switch (reg.status) {
    case 'released':
    case 'granted':
      return undefined;
    case 'denied':
      return new GateError('ACCESS_DENIED');
    case 'revoked':
      return new GateError('ACCESS_REVOKED');
    case 'pending':
      return new GateError('ACCESS_PENDING');
  }
}

export async function redeem(deps: GateDeps, token: string, origin: string | undefined): Promise<UnlockResponse> {
  const { store, tours, clock } = deps;
  const hash = hashToken(token);
  const now = clock();

  const result = await store.transaction(async (tx) => {
    const outcome = await tx.redeemLink(hash, 'unlock', now);
    // Only an unlock link tells a request's state: any other token (a request handle, which
    // whoever types an address gets; a review link) is no link here, whatever it belongs to.
    const found = outcome.link ?? (await tx.findLinkByHash(hash));
    const link = found?.purpose === 'unlock' ? found : undefined;
    // The request's state outranks the state of the link: a denied visitor learns that the
    // broker said no, whichever of the request's links was used (the deny mail's own link is
    // revoked from the start, so it never unlocks), and one who asked again that the request
    // is with the broker.
    const reg = link ? await tx.getRegistration(link.subject_id) : undefined;
    if (reg && (reg.status === 'denied' || reg.status === 'revoked')) return { error: statusError(reg)! };
    // An unlock link of a request that is pending (again): say so, whatever the link's state.
    if (reg?.status === 'pending' && link?.purpose === 'unlock') return { error: statusError(reg)! };
    if (!outcome.ok) {
      const code =
        outcome.reason === 'expired' ? 'LINK_EXPIRED' : outcome.reason === 'revoked' ? 'LINK_REVOKED' : 'LINK_INVALID';
      return { error: new GateError(code) };
    }
    const denied = statusError(reg);
    if (denied || !reg) return { error: denied ?? new GateError('LINK_INVALID') };
    const tour = tours.find(reg.tour_id);
    if (!tour) return { error: new GateError('LINK_INVALID') };
    if (origin && !tour.origins.includes(origin)) return { error: new GateError('ORIGIN_NOT_ALLOWED') };

    const jti = newId();
    const expiresAt = now + tour.config.accessValidityDays * DAY_MS;
    await tx.insertAccessToken({
      jti,
      registration_id: reg.id,
      tour_id: reg.tour_id,
      link_id: outcome.link.id,
      issued_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    });
    // Opening a mailed link proves the address: a marketing consent given with it counts from now
    // on (double opt-in).
    const marketingConfirmed = await tx.confirmMarketing(reg.id, now);
    await tx.log(reg.id, reg.tour_id, now, 'link-redeemed', {
      use: outcome.link.use_count,
      ...(marketingConfirmed ? { marketingConfirmed: true } : {}),
    });
    let notified = false;
    let hooked = 0;
    if (await tx.markFirstOpened(reg.id, now)) {
      await tx.bumpStat(reg.tour_id, dayOf(now), 'opened');
      notified = await notifyBroker(tx, tour, reg, now, 'opened');
      hooked = await queueLeadEvent(deps, tx, tour, { ...reg, first_opened_at: now }, ['lead.opened'], now);
    }
    return { ok: { tour: reg.tour_id, registrationId: reg.id, jti, expiresAt, notified, hooked } };
  });

  if ('error' in result) throw result.error;
  const { tour, registrationId, jti, expiresAt, notified, hooked } = result.ok;
  if (notified) deps.outbox.nudge();
  if (hooked) deps.webhooks.nudge();
  const accessToken = await deps.accessTokens.sign({ tour, registrationId, jti, issuedAt: now, expiresAt });
  return {
    accessToken,
    expiresAt: new Date(expiresAt).toISOString(),
    tour,
    assets: deps.assetGrants.issue(tour, jti, now, expiresAt),
  };
}
