/**
 * Links that act for someone: unlock links (a visitor's way in), review links (the broker's
 * decision page) and login links (the dashboard). One `issueLink` writes every one of them,
 * inside the caller's transaction; the token itself leaves only in the mail that carries it.
 */
import { UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';
import type { ServerEnv } from '../config/env.ts';
import type { Tour } from '../config/tours.ts';
import { renderUnlockMail } from '../mail/unlock-mail.ts';
import { hashToken, newLinkToken } from '../security/tokens.ts';
import type { LinkPurpose, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { DAY_MS } from '../util/time.ts';
import { queueRegistrationMail } from './mail.ts';
import { brokerReplyTo, localeOf, visitorName } from './registration.ts';

export interface LinkToIssue {
  purpose: LinkPurpose;
  /** The tour the link belongs to (none for a broker's login link). */
  tourId: string | null;
  /** Whom it acts for: a registration id, or a broker id for login links. */
  subjectId: string;
  now: number;
  validMs: number;
}

/** Stores a new link (its hash only) and returns the token with its end of validity. */
export async function issueLink(tx: StoreOps, l: LinkToIssue): Promise<{ token: string; expiresAt: number }> {
  const token = newLinkToken();
  const expiresAt = l.now + l.validMs;
  await tx.insertLink({
    token_hash: hashToken(token),
    purpose: l.purpose,
    tour_id: l.tourId,
    subject_id: l.subjectId,
    created_at: l.now,
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
  });
  return { token, expiresAt };
}

/** The tour page with the token in the fragment, which never reaches a server log. */
function unlockUrl(tour: Tour, token: string): string {
  const url = new URL(tour.config.pageUrl);
  url.hash = `${UNLOCK_FRAGMENT_KEY}=${token}`;
  return url.toString();
}

/**
 * The review link in the broker's mail. The token may sit in the path: GET and HEAD of the
 * review page never change anything (only the page's POST forms, with their nonce, decide), so
 * a mail scanner that fetches or "clicks" the link does no harm.
 */
export function reviewUrl(env: Pick<ServerEnv, 'publicUrl'>, token: string): string {
  return `${env.publicUrl}/review/${token}`;
}

/** The dashboard's sign-in link; like the review link, only a POST from its page uses it. */
export function loginUrl(env: Pick<ServerEnv, 'publicUrl'>, token: string): string {
  return `${env.publicUrl}/dashboard/login/${token}`;
}

/**
 * Issues an unlock link for a registration and queues the mail that carries it. Used by email
 * release, by a broker's grant and by "send me a new link".
 */
export async function issueUnlockLink(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  reason: 'registered' | 'granted' | 'requested',
): Promise<{ token: string; expiresAt: number; mailId: string }> {
  const { token, expiresAt } = await issueLink(tx, {
    purpose: 'unlock',
    tourId: tour.config.id,
    subjectId: reg.id,
    now,
    validMs: tour.config.linkValidityDays * DAY_MS,
  });
  const mail = renderUnlockMail({
    tour: tour.config,
    broker: tour.broker,
    locale: localeOf(reg),
    name: visitorName(reg),
    link: unlockUrl(tour, token),
    expiresAt,
  });
  const mailId = await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'unlock',
    recipient: reg.email,
    replyTo: brokerReplyTo(tour),
    mail,
    now,
    log: { detail: { reason, validUntil: expiresAt } },
  });
  return { token, expiresAt, mailId };
}
