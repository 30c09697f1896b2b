/**
 * Manual release, first step: a new request gets one review link (bound to this registration,
 * valid `reviewValidityDays`), the broker gets it by mail with the visitor's data, and the
 * visitor optionally gets a confirmation. All in the caller's transaction.
 */
import type { Tour } from '../config/tours.ts';
import { renderConfirmationMail } from '../mail/confirmation-mail.ts';
import { renderReviewRequestMail } from '../mail/review-request-mail.ts';
import { visitorAddressName } from '../mail/salutation.ts';
import type { LinkToken, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import type { GateDeps } from './deps.ts';
import { openImmoAttachment } from './export/openimmo.ts';
import { issueReviewToken, leadUrl, reviewUrl } from './links.ts';
import { queueRegistrationMail } from './mail.ts';
import { brokerReplyTo, localeOf, visitorReplyTo } from './registration.ts';

/** What a review request carries beyond the registration (issue 10, returning visitors). */
export interface ReviewExtra {
  /** A denied visitor asks again: the mail is marked as a repeat, and always goes out. */
  repeat?: { deniedAt: number | null };
  /** A message the visitor sent with this request. */
  message?: string | undefined;
}

/**
 * Asks the broker to review a pending registration. A visitor who sends the mask again while
 * the broker still holds a valid review link causes no second mail (the broker's page shows
 * the latest data); after that link expired, a new one goes out. A repeat request after a
 * denial always gets its own mail, marked as a repeat.
 * Returns the review token when one was issued.
 */
export async function requestReview(
  deps: Pick<GateDeps, 'env'>,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  isNew: boolean,
  extra: ReviewExtra = {},
): Promise<{ token: string; expiresAt: number } | undefined> {
  const t = tour.config;
  if (!isNew && !extra.repeat && (await tx.hasActiveLink(reg.id, 'review', now))) return undefined;
  const reason = extra.repeat ? 'repeat' : isNew ? 'registered' : 'registered-again';
  const issued = await issueReviewLink(deps, tx, tour, reg, now, reason, extra);

  if (t.notifications.visitorConfirmation) {
    const locale = localeOf(reg);
    const confirmation = renderConfirmationMail({
      tour: t,
      broker: tour.broker,
      locale,
      name: visitorAddressName(reg, locale),
    });
    await queueRegistrationMail(tx, {
      tour,
      reg,
      kind: 'confirmation',
      recipient: reg.email,
      replyTo: brokerReplyTo(tour),
      mail: confirmation,
      now,
    });
  }
  return issued;
}

/** A review link for one registration and the broker's mail that carries it. */
async function issueReviewLink(
  deps: Pick<GateDeps, 'env'>,
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  reason: 'registered' | 'registered-again' | 'repeat' | 'renewed',
  extra: ReviewExtra = {},
): Promise<{ token: string; expiresAt: number }> {
  const t = tour.config;
  const { token, expiresAt } = await issueReviewToken(tx, tour, reg.id, now);
  const review = renderReviewRequestMail({
    tour: t,
    broker: tour.broker,
    registration: reg,
    // A renewed link belongs to the request as it first came in; otherwise the request is now.
    requestedAt: reason === 'renewed' ? reg.created_at : now,
    link: reviewUrl(deps.env, token),
    expiresAt,
    leadLink: leadUrl(deps.env, t.id, reg.id),
    ...(extra.repeat ? { repeat: extra.repeat } : {}),
    ...(extra.message ? { message: extra.message } : {}),
  });
  await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'review-request',
    recipient: tour.broker.email,
    replyTo: visitorReplyTo(reg),
    mail: review,
    now,
    // The request as OpenImmo-Feedback for the broker's CRM; a renewed link is the same
    // request again, so its mail carries no second copy.
    ...(t.notifications.openimmoAttachment && reason !== 'renewed'
      ? { attachments: [openImmoAttachment(t, tour.broker, reg)] }
      : {}),
    log: { detail: { reason, validUntil: expiresAt } },
  });
  return { token, expiresAt };
}

/**
 * The expired review page's button: a fresh review link for the same request, mailed to the
 * broker's own address (never to whoever holds the old link), and only while the request has
 * no valid review link. Returns whether a mail was queued.
 */
export async function renewReviewLink(deps: GateDeps, expired: LinkToken): Promise<boolean> {
  const tour = expired.tour_id ? deps.tours.find(expired.tour_id) : undefined;
  if (!tour || expired.purpose !== 'review') return false;
  const now = deps.clock();
  const sent = await deps.store.transaction(async (tx) => {
    const reg = await tx.getRegistration(expired.subject_id);
    if (!reg || reg.tour_id !== tour.config.id) return false;
    if (await tx.hasActiveLink(reg.id, 'review', now)) return false;
    await issueReviewLink(deps, tx, tour, reg, now, 'renewed');
    return true;
  });
  if (sent) deps.outbox.nudge();
  return sent;
}
