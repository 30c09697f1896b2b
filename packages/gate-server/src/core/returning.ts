/**
 * Returning visitors (issue 10): what a visitor may send after the first registration, and
 * what the mask sent again for a known address does. The rule throughout: the registration's
 * answer is the same for every address, so whatever depends on the address's state happens by
 * mail (to the mailbox, which only its owner reads, or to the broker), and every request a
 * browser can make with what it holds is answered with the same bytes whatever that state is,
 * unless it holds proof of the mailbox (a link from a mail), which may be told the truth.
 *
 * - A request handle (`request` in the registration answer) stands for one submission; with it
 *   the widget adds a message (always `message-added`, the broker gets it whatever the state)
 *   or asks for the link again (`core/new-link.ts`, always the same 202).
 * - A link token (the deny mail's, or any older one of the request) proves the mailbox: with
 *   it a denied visitor asks again, and refusals say why.
 */

import { GateError, type MessageRequest, type RepeatRequest, type RepeatResponse } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { renderRevokedNoticeMail } from '../mail/revoked-notice-mail.ts';
import { visitorAddressName } from '../mail/salutation.ts';
import { renderVisitorMessageMail } from '../mail/visitor-message-mail.ts';
import { hashToken } from '../security/tokens.ts';
import { decodeFields } from '../store/codecs.ts';
import type { LinkToken, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import type { GateDeps } from './deps.ts';
import {
  issueRequestHandle,
  issueReviewToken,
  issueUnlockLink,
  type Landing,
  landingPage,
  queueDenyMail,
  reviewUrl,
} from './links.ts';
import { queueRegistrationMail } from './mail.ts';
import { clientKey, emailKey, enforce, limitEmail } from './rate-limit.ts';
import { brokerReplyTo, localeOf, visitorReplyTo } from './registration.ts';
import { requestReview } from './review.ts';

/** The handle's link row, if it is one of this tour's and still valid; else `REQUEST_INVALID`. */
export async function findRequestHandle(
  db: Pick<StoreOps, 'findLinkByHash'>,
  tour: Tour,
  handle: string,
  now: number,
): Promise<LinkToken> {
  const link = await db.findLinkByHash(hashToken(handle));
  if (link?.purpose !== 'request' || link.tour_id !== tour.config.id) throw new GateError('REQUEST_INVALID');
  if (link.expires_at <= now || link.revoked_at !== null) throw new GateError('REQUEST_INVALID');
  return link;
}

/**
 * A visitor's message to the broker, as a mail of its own (with a fresh review link while the
 * request is open) and a logbook line. Whatever the request's state: the sender's answer must
 * not depend on it.
 */
async function queueVisitorMessage(
  deps: Pick<GateDeps, 'env'>,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  message: string,
  via: 'request' | 'registration',
): Promise<void> {
  const t = tour.config;
  let link: string | undefined;
  if (reg.status === 'pending') {
    const { token } = await issueReviewToken(tx, tour, reg.id, now);
    link = reviewUrl(deps.env, token);
  }
  await tx.log(reg.id, t.id, now, 'message-added', { via, message });
  await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'visitor-message',
    recipient: tour.broker.email,
    replyTo: visitorReplyTo(reg),
    mail: renderVisitorMessageMail({ tour: t, broker: tour.broker, registration: reg, message, link }),
    now,
  });
}

/** `POST /v1/tours/:tour/messages`: a message with the handle of an earlier registration. */
export async function addMessage(deps: GateDeps, tour: Tour, req: MessageRequest, ip: string): Promise<void> {
  const { store, limits, clock } = deps;
  const message = req.message.trim();
  if (!message) throw new GateError('VALIDATION_FAILED', { fields: { message: 'required' } });
  const now = clock();
  await enforce(deps.rateCounter, `msg:ip:${clientKey(ip)}`, limits.registrationPerIp, now);
  const handle = await findRequestHandle(store, tour, req.request, now);
  // Per registration, not per handle: new handles (new submissions) don't buy more messages.
  await enforce(deps.rateCounter, `msg:reg:${handle.subject_id}`, limits.registrationPerEmail, now);
  await store.transaction(async (tx) => {
    const reg = await tx.getRegistration(handle.subject_id);
    if (!reg || reg.tour_id !== tour.config.id) throw new GateError('REQUEST_INVALID');
    await queueVisitorMessage(deps, tx, tour, reg, now, message, 'request');
  });
  deps.outbox.nudge();
}

/**
 * A denied request goes to the broker again, marked as a repeat: pending again (the review
 * page decides it like any other), a review mail that says "Erneute Anfrage", the visitor's
 * confirmation as the tour has it, a logbook line. Undefined when the request is no longer
 * denied (someone else changed it in the meantime).
 */
async function askAgain(
  deps: Pick<GateDeps, 'env'>,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  opts: { via: 'registration' | 'link'; message?: string | undefined; landing?: Landing | undefined },
): Promise<Registration | undefined> {
  const again = await tx.transition(reg.id, ['denied'], 'pending', {
    decided_at: null,
    decided_by: null,
    updated_at: now,
    // Only the mailbox's owner (a link) moves where the next link lands.
    ...(opts.landing ? { page_url: opts.landing.pageUrl, viewpoint: opts.landing.viewpoint } : {}),
  });
  if (!again) return undefined;
  await tx.log(reg.id, tour.config.id, now, 'repeat-requested', {
    via: opts.via,
    deniedAt: reg.decided_at,
    deniedBy: reg.decided_by,
  });
  await requestReview(deps, tx, tour, again, now, false, {
    repeat: { deniedAt: reg.decided_at },
    message: opts.message,
  });
  return again;
}

/** `POST /v1/tours/:tour/repeat-requests`: "erneut anfragen" with a link token of the request. */
export async function repeatRequest(
  deps: GateDeps,
  tour: Tour,
  req: RepeatRequest,
  ip: string,
): Promise<RepeatResponse> {
  const { store, limits, clock } = deps;
  const t = tour.config;
  const now = clock();
  await enforce(deps.rateCounter, `repeat:ip:${clientKey(ip)}`, limits.registrationPerIp, now);
  const link = await store.findLinkByHash(hashToken(req.token));
  // Any unlock link of this tour proves the mailbox, expired or revoked (deny revokes them).
  if (link?.purpose !== 'unlock' || link.tour_id !== t.id) throw new GateError('LINK_INVALID');
  const known = await store.getRegistration(link.subject_id);
  if (!known) throw new GateError('LINK_INVALID');
  await enforce(deps.rateCounter, `repeat:reg:${known.id}`, limits.registrationPerEmail, now);
  await enforce(deps.rateCounter, `mailbox:${emailKey(limitEmail(known.email))}`, limits.mailPerMailbox, now);
  const message = req.message?.trim() || undefined;
  const pageUrl = landingPage(tour, req.pageUrl);
  const landing =
    pageUrl || req.viewpoint
      ? { pageUrl: pageUrl ?? known.page_url ?? null, viewpoint: req.viewpoint ?? known.viewpoint }
      : undefined;

  const request = await store.transaction(async (tx) => {
    const reg = await tx.getRegistration(known.id);
    if (!reg) throw new GateError('LINK_INVALID');
    refuseRepeat(tour, reg);
    const again = await askAgain(deps, tx, tour, reg, now, { via: 'link', message, landing });
    if (!again) {
      // Changed since it was read (a decision, or another repeat): say what it is now.
      refuseRepeat(tour, (await tx.getRegistration(reg.id)) ?? reg);
      throw new GateError('CONFLICT');
    }
    return issueRequestHandle(tx, tour, reg.id, now);
  });
  deps.outbox.nudge();
  return { status: 'awaiting-approval', request };
}

/** Throws the reason a repeat request can't be made for `reg`; returns for a denied one that may ask again. */
function refuseRepeat(tour: Tour, reg: Registration): void {
  switch (reg.status) {
    case 'pending':
      throw new GateError('ACCESS_PENDING');
    case 'granted':
    case 'released':
      throw new GateError('ALREADY_DECIDED');
    case 'revoked':
      throw new GateError('ACCESS_REVOKED');
    case 'denied':
      if (!tour.config.allowRepeatRequests) throw new GateError('REPEAT_NOT_ALLOWED');
  }
}

/**
 * The mask sent again for an address the tour knows. The answer is the same as for a new one,
 * so the state shows only in the mailbox and to the broker. The stored data and consent stay
 * as first confirmed (whoever knows an address can type it); a new `message` reaches the
 * broker in every state.
 * - released / granted: a fresh unlock link, landing where the mask was sent from;
 * - pending: no second review request while the broker holds a valid link (after it expired,
 *   a new one);
 * - denied: with `allowRepeatRequests`, the request goes to the broker again as a repeat; else
 *   the mailbox gets the deny notice again, with its link to the tour page;
 * - revoked: the mailbox gets a notice that access was withdrawn, with the broker's contact.
 */
export async function registeredAgain(
  deps: GateDeps,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  input: { landing: Landing; message: string | undefined },
): Promise<void> {
  const t = tour.config;
  // What this submission doesn't say (no page, no viewpoint), the registration does.
  const landing: Landing = {
    pageUrl: input.landing.pageUrl ?? reg.page_url ?? null,
    viewpoint: input.landing.viewpoint ?? reg.viewpoint,
  };
  const stored = decodeFields(reg.fields).message;
  const message = input.message && input.message !== stored ? input.message : undefined;
  await tx.log(reg.id, t.id, now, 'registered-again', { viewpoint: input.landing.viewpoint, status: reg.status });
  let messageSent = false;
  switch (reg.status) {
    case 'released':
    case 'granted':
      // Known visitor: a fresh link (the old one may be lost or expired).
      await issueUnlockLink(tx, tour, reg, now, 'registered', landing);
      break;
    case 'pending': {
      const issued = await requestReview(deps, tx, tour, reg, now, false, { message });
      messageSent = issued !== undefined;
      break;
    }
    case 'denied': {
      if (t.allowRepeatRequests) {
        // Undefined only if someone changed the request meanwhile; then the message goes on its own.
        messageSent = (await askAgain(deps, tx, tour, reg, now, { via: 'registration', message })) !== undefined;
        break;
      }
      // Repeat requests are off here, so the notice offers none.
      await queueDenyMail(tx, tour, reg, now, { landing, log: { detail: { reason: 'registered-again' } } });
      break;
    }
    case 'revoked': {
      const locale = localeOf(reg);
      await queueRegistrationMail(tx, {
        tour,
        reg,
        kind: 'revoked-notice',
        recipient: reg.email,
        replyTo: brokerReplyTo(tour),
        mail: renderRevokedNoticeMail({
          tour: t,
          broker: tour.broker,
          locale,
          name: visitorAddressName(reg, locale),
        }),
        now,
      });
      break;
    }
  }
  if (message && !messageSent) await queueVisitorMessage(deps, tx, tour, reg, now, message, 'registration');
}
