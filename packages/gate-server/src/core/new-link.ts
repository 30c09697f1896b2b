/**
 * `POST /v1/tours/:tour/links`: a fresh unlock link, for an email address or for the expired
 * link the visitor still holds. The answer is always the same 202: it never tells whether the
 * address is known, or what the broker decided.
 */
import { GateError, isValidEmail, type NewLinkRequest, normalizeEmail } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { tourCaptchaCheck } from '../security/captcha.ts';
import { hashToken } from '../security/tokens.ts';
import type { GateDeps } from './deps.ts';
import { issueUnlockLink } from './links.ts';
import { clientKey, emailKey, enforce, limitEmail } from './rate-limit.ts';

export async function requestNewLink(deps: GateDeps, tour: Tour, req: NewLinkRequest, ip: string): Promise<void> {
  const { store, limits, clock } = deps;
  const t = tour.config;
  if (!req.email === !req.token) {
    throw new GateError('VALIDATION_FAILED', { fields: { email: 'required' } });
  }
  if (req.email !== undefined && !isValidEmail(req.email)) {
    throw new GateError('VALIDATION_FAILED', { fields: { email: 'invalid_email' } });
  }
  const now = clock();
  await enforce(deps.rateCounter, `link:ip:${clientKey(ip)}`, limits.linkPerIp, now);

  let registrationId: string | undefined;
  if (req.token) {
    // Holding a link of this tour (even an expired one) proves the address; no captcha needed.
    const link = await store.findLinkByHash(hashToken(req.token));
    if (link && link.purpose === 'unlock' && link.tour_id === t.id) registrationId = link.subject_id;
    if (registrationId) await enforce(deps.rateCounter, `link:reg:${registrationId}`, limits.linkPerEmail, now);
  } else if (req.email) {
    const captcha = tourCaptchaCheck(tour, req.captcha, ip);
    if (captcha) await deps.captcha.verify(captcha);
    const email = normalizeEmail(req.email);
    // Counted by mailbox (`limitEmail`); looked up by the address as typed.
    const mailbox = emailKey(limitEmail(email));
    await enforce(deps.rateCounter, `link:email:${t.id}:${mailbox}`, limits.linkPerEmail, now);
    await enforce(deps.rateCounter, `mailbox:${mailbox}`, limits.mailPerMailbox, now);
    registrationId = (await store.findRegistration(t.id, email))?.id;
  }
  if (!registrationId) return;

  const sent = await store.transaction(async (tx) => {
    const reg = await tx.getRegistration(registrationId);
    if (!reg || (reg.status !== 'released' && reg.status !== 'granted')) return false;
    await tx.log(reg.id, t.id, now, 'link-requested', { by: req.token ? 'expired-link' : 'email' });
    await issueUnlockLink(tx, tour, reg, now, 'requested');
    return true;
  });
  if (sent) deps.outbox.nudge();
}
