/**
 * How a broker gets into the dashboard: a login link mailed to the broker's address (single
 * use, 15 minutes), which a POST from its page turns into a session. Session tokens are 256
 * random bits; the database holds only their SHA-256.
 */
import { randomBytes } from 'node:crypto';
import type { BrokerConfig } from '@tour-gate/shared/config';
import { renderLoginMail } from '../mail/login-mail.ts';
import { hashToken, isLinkToken } from '../security/tokens.ts';
import { inEvenTime } from '../util/even-time.ts';
import type { GateDeps } from './deps.ts';
import { issueLink, loginUrl } from './links.ts';
import { queueMail } from './mail.ts';
import { clientKey, emailKey, enforce, limitEmail } from './rate-limit.ts';

const LOGIN_LINK_TTL_MS = 15 * 60_000;
const SESSION_TTL_MS = 12 * 60 * 60_000;
/** The least time the part of a sign-in request after its rate limits takes. */
const LOGIN_MIN_MS = 200;

/**
 * Mails a login link to every broker with this address. Whether or not the address is a
 * broker's, the caller answers the same.
 */
export async function requestLogin(deps: GateDeps, email: string, ip: string): Promise<void> {
  const now = deps.clock();
  const address = email.trim().toLowerCase().slice(0, 254);
  await enforce(deps.rateCounter, `login:ip:${clientKey(ip)}`, deps.limits.linkPerIp, now);
  await enforce(deps.rateCounter, `login:email:${emailKey(limitEmail(address))}`, deps.limits.linkPerEmail, now);
  // A broker's address gets a transaction and a mail, anyone else's nothing: both take the same
  // least time, so the answer's timing doesn't tell which addresses have a dashboard.
  const sent = await inEvenTime(LOGIN_MIN_MS, () => mailLoginLinks(deps, address, now));
  if (sent) deps.outbox.nudge();
}

async function mailLoginLinks(deps: GateDeps, address: string, now: number): Promise<boolean> {
  const brokers = deps.tours.brokers().filter((b) => b.email.toLowerCase() === address);
  if (!brokers.length) return false;
  await deps.store.transaction(async (tx) => {
    for (const broker of brokers) {
      const { token } = await issueLink(tx, {
        purpose: 'login',
        tourId: null,
        subjectId: broker.id,
        now,
        validMs: LOGIN_LINK_TTL_MS,
      });
      await queueMail(tx, {
        tourId: null,
        registrationId: null,
        kind: 'login',
        recipient: broker.email,
        replyTo: null,
        mail: renderLoginMail(broker, loginUrl(deps.env, token)),
        now,
      });
    }
  });
  return true;
}

/** Whether a login link still works, without using it (GET of its page). */
export async function loginLinkValid(deps: GateDeps, token: string): Promise<boolean> {
  return isLinkToken(token) && (await deps.store.peekLink(hashToken(token), 'login', deps.clock())).ok;
}

/** Uses a login link and opens a session: the session token, or undefined when the link is spent. */
export async function redeemLogin(
  deps: GateDeps,
  token: string,
): Promise<{ token: string; maxAgeMs: number } | undefined> {
  if (!isLinkToken(token)) return undefined;
  const now = deps.clock();
  const outcome = await deps.store.consumeOne(hashToken(token), 'login', now);
  if (!outcome.ok || !deps.tours.broker(outcome.link.subject_id)) return undefined;
  const session = randomBytes(32).toString('base64url');
  await deps.store.accounts.insertSession({
    token_hash: hashToken(session),
    broker_id: outcome.link.subject_id,
    created_at: now,
    expires_at: now + SESSION_TTL_MS,
  });
  // Housekeeping on the way: ended sessions are of no use.
  await deps.store.accounts.sweepSessions(now);
  return { token: session, maxAgeMs: SESSION_TTL_MS };
}

/** The broker a session token belongs to, or undefined (unknown, expired, or broker removed). */
export async function sessionBroker(deps: GateDeps, token: string): Promise<BrokerConfig | undefined> {
  if (token.length > 100) return undefined;
  const row = await deps.store.accounts.findSession(hashToken(token));
  if (!row || row.expires_at <= deps.clock()) return undefined;
  // As the broker appears (the profile applied): the dashboard greets them by that name.
  return deps.tours.shownBroker(row.broker_id);
}

export function endSession(deps: GateDeps, token: string): Promise<void> {
  return deps.store.accounts.deleteSession(hashToken(token));
}
