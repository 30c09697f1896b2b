/**
 * `POST /v1/tours/:tour/links`: a fresh unlock link, for an email address, for the expired
 * link the visitor still holds, or for the request handle of an earlier registration in this
 * browser. The answer is always the same 202: it never tells whether the address is known, or
 * what the broker decided. The link lands on the page given (origin allowed for the tour),
 * else where the visitor registered.
 */
import { GateError, isValidEmail, type NewLinkRequest, normalizeEmail } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { tourCaptchaCheck } from '../security/captcha.ts';
import { hashToken } from '../security/tokens.ts';
import type { GateDeps } from './deps.ts';
import { issueUnlockLink, landingPage } from './links.ts';
import { clientKey, emailKey, enforce, limitEmail } from './rate-limit.ts';
import { findRequestHandle } from './returning.ts';

export async function requestNewLink(deps: GateDeps, tour: Tour, req: NewLinkRequest, ip: string): Promise<void> {
  const { store, limits, clock } = deps;
  const t = tour.config;
  if ([req.email, req.token, req.request].filter((v) => v !== undefined && v !== '').length !== 1) {
    throw new GateError('VALIDATION_FAILED', { fields: { email: 'required' } });
  }
  if (req.email !== undefined && !isValidEmail(req.email)) {
    throw new GateError('VALIDATION_FAILED', { fields: { email: 'invalid_email' } });
  }
  const now = clock();
  await enforce(deps.rateCounter, `link:ip:${clientKey(ip)}`, limits.linkPerIp, now);

  let registrationId: string | undefined;
  if (req.request) {
    // A handle stands for a submission that passed the captcha; an invalid one says so (it
    // tells nothing about an address).
    registrationId = (await findRequestHandle(store, tour, req.request, now)).subject_id;
    await enforce(deps.rateCounter, `link:reg:${registrationId}`, limits.linkPerEmail, now);
  } else if (req.token) {
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
    await tx.log(reg.id, t.id, now, 'link-requested', {
      by: req.request ? 'request' : req.token ? 'expired-link' : 'email',
    });
    const pageUrl = landingPage(tour, req.pageUrl);
    const landing =
      pageUrl || req.viewpoint
        ? { pageUrl: pageUrl ?? reg.page_url ?? null, viewpoint: req.viewpoint ?? reg.viewpoint }
        : undefined;
    await issueUnlockLink(tx, tour, reg, now, 'requested', landing);
    return true;
  });
  if (sent) deps.outbox.nudge();
}
