/**
 * Links that act for someone: unlock links (a visitor's way in), review links (the broker's
 * decision page) and login links (the dashboard). One `issueLink` writes every one of them,
 * inside the caller's transaction; the token itself leaves only in the mail that carries it.
 */
import { PAGE_URL_MAX, UNLOCK_FRAGMENT_KEY, UNLOCK_VIEWPOINT_KEY } from '@tour-gate/shared';
import type { ServerEnv } from '../config/env.ts';
import type { Tour } from '../config/tours.ts';
import { renderDenyMail } from '../mail/deny-mail.ts';
import { visitorAddressName } from '../mail/salutation.ts';
import { renderUnlockMail } from '../mail/unlock-mail.ts';
import { hashToken, newLinkToken } from '../security/tokens.ts';
import type { LinkPurpose, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { DAY_MS } from '../util/time.ts';
import { queueRegistrationMail, type RegistrationMail } from './mail.ts';
import { brokerReplyTo, localeOf } from './registration.ts';

export interface LinkToIssue {
  purpose: LinkPurpose;
  /** The tour the link belongs to (none for a broker's login link). */
  tourId: string | null;
  /** Whom it acts for: a registration id, or a broker id for login links. */
  subjectId: string;
  now: number;
  validMs: number;
  /** Stored as revoked from the start: it shows a state and proves the mailbox, but never unlocks. */
  revoked?: boolean;
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
    revoked_at: l.revoked ? l.now : null,
    last_used_at: null,
  });
  return { token, expiresAt };
}

/** Where an unlock link lands: the page the visitor was on (null: the tour's `pageUrl`) and the viewpoint asked for. */
export interface Landing {
  pageUrl: string | null;
  viewpoint: string | null;
}

/**
 * The page a visitor's links may return to: an http(s) URL without credentials whose origin is
 * allowed for the tour (checked again when a link is issued: a tour's origins can change), at
 * most `PAGE_URL_MAX` long, without its fragment (the link's own goes there). Anything else is
 * null, which means the tour's `pageUrl`: a link never leads to a page the tour doesn't name.
 */
export function landingPage(tour: Tour, raw: string | null | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return null;
  if (!tour.origins.includes(url.origin)) return null;
  url.hash = '';
  return url.href.length <= PAGE_URL_MAX ? url.href : null;
}

/**
 * The landing page with the token in the fragment, which never reaches a server log, and the
 * viewpoint next to it: `<page>#tour-gate-unlock=<token>&tour-gate-viewpoint=<id>`.
 */
function unlockUrl(tour: Tour, token: string, landing: Partial<Landing> = {}): string {
  const url = new URL(landingPage(tour, landing.pageUrl) ?? tour.config.pageUrl);
  const params = new URLSearchParams({ [UNLOCK_FRAGMENT_KEY]: token });
  if (landing.viewpoint) params.set(UNLOCK_VIEWPOINT_KEY, landing.viewpoint);
  url.hash = params.toString();
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

/** A lead's page in the broker's dashboard (behind the dashboard's sign-in). */
export function leadUrl(env: Pick<ServerEnv, 'publicUrl'>, tourId: string, registrationId: string): string {
  return `${env.publicUrl}/dashboard/tours/${encodeURIComponent(tourId)}/leads/${encodeURIComponent(registrationId)}`;
}

/** The dashboard's sign-in link; like the review link, only a POST from its page uses it. */
export function loginUrl(env: Pick<ServerEnv, 'publicUrl'>, token: string): string {
  return `${env.publicUrl}/dashboard/login/${token}`;
}

/** An unlock link for `reg`, landing where the visitor registered unless `landing` says otherwise. */
async function issueUnlockToken(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  landing?: Landing,
): Promise<{ token: string; expiresAt: number; url: string }> {
  const { token, expiresAt } = await issueLink(tx, {
    purpose: 'unlock',
    tourId: tour.config.id,
    subjectId: reg.id,
    now,
    validMs: tour.config.linkValidityDays * DAY_MS,
  });
  const url = unlockUrl(tour, token, landing ?? { pageUrl: reg.page_url ?? null, viewpoint: reg.viewpoint });
  return { token, expiresAt, url };
}

/**
 * The link in a deny notice (issue 10): an unlock link of the request, revoked from the start,
 * so it never opens the tour, not even after a later grant. Opened, it lands on the visitor's
 * page, where `POST /v1/unlock` answers with the request's state (`ACCESS_DENIED`), and it
 * proves the mailbox for "erneut anfragen" (`POST …/repeat-requests`).
 */
async function issueStatusLink(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  landing?: Landing,
): Promise<string> {
  const { token } = await issueLink(tx, {
    purpose: 'unlock',
    tourId: tour.config.id,
    subjectId: reg.id,
    now,
    validMs: tour.config.linkValidityDays * DAY_MS,
    revoked: true,
  });
  return unlockUrl(tour, token, landing ?? { pageUrl: reg.page_url ?? null, viewpoint: reg.viewpoint });
}

/**
 * A review link for one registration (the broker's decision page), valid the tour's
 * `reviewValidityDays`. The caller mails it.
 */
export async function issueReviewToken(
  tx: StoreOps,
  tour: Tour,
  registrationId: string,
  now: number,
): Promise<{ token: string; expiresAt: number }> {
  return issueLink(tx, {
    purpose: 'review',
    tourId: tour.config.id,
    subjectId: registrationId,
    now,
    validMs: tour.config.reviewValidityDays * DAY_MS,
  });
}

/**
 * The deny notice to the visitor with its status link (`issueStatusLink`); it offers "erneut
 * anfragen" where the tour allows repeat requests.
 */
export async function queueDenyMail(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  opts: { landing?: Landing; log?: RegistrationMail['log'] } = {},
): Promise<void> {
  const locale = localeOf(reg);
  const url = await issueStatusLink(tx, tour, reg, now, opts.landing);
  await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'deny',
    recipient: reg.email,
    replyTo: brokerReplyTo(tour),
    mail: renderDenyMail({
      tour: tour.config,
      broker: tour.broker,
      locale,
      name: visitorAddressName(reg, locale),
      link: { url, repeat: tour.config.allowRepeatRequests },
    }),
    now,
    ...(opts.log ? { log: opts.log } : {}),
  });
}

/**
 * A registration's request handle (the `request` of a registration answer): a link token of
 * purpose `request` that no one opens; the widget sends it back to add a message or to ask for
 * a new link. Valid as long as the longer of the tour's link and review validity.
 */
export async function issueRequestHandle(tx: StoreOps, tour: Tour, registrationId: string, now: number) {
  const t = tour.config;
  const { token } = await issueLink(tx, {
    purpose: 'request',
    tourId: t.id,
    subjectId: registrationId,
    now,
    validMs: Math.max(t.linkValidityDays, t.reviewValidityDays) * DAY_MS,
  });
  return token;
}

/**
 * Issues an unlock link for a registration and queues the mail that carries it. Used by email
 * release, by a broker's grant and by "send me a new link". The link lands on the page the
 * visitor registered on (or `landing`, the page of this request), at the viewpoint asked for.
 */
export async function issueUnlockLink(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  reason: 'registered' | 'granted' | 'granted-after-deny' | 'granted-again' | 'requested',
  landing?: Landing,
): Promise<{ token: string; expiresAt: number; mailId: string }> {
  const { token, expiresAt, url } = await issueUnlockToken(tx, tour, reg, now, landing);
  const mail = renderUnlockMail({
    tour: tour.config,
    broker: tour.broker,
    locale: localeOf(reg),
    name: visitorAddressName(reg, localeOf(reg)),
    link: url,
    expiresAt,
    // A grant says the broker approved; a new link or the email release says nothing of that.
    occasion: reason === 'registered' || reason === 'requested' ? 'released' : reason,
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
