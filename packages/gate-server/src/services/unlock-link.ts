/**
 * Issues an unlock link for a registration and queues the mail that carries it — inside the
 * caller's transaction, so the link, the mail and the logbook entry land together or not at
 * all. Used by email release, by a broker's grant and by "send me a new link".
 */
import { UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { queueMail } from '../mail/queue.ts';
import { renderUnlockMail } from '../mail/unlock-mail.ts';
import { hashToken, newLinkToken } from '../security/tokens.ts';
import type { Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { DAY_MS } from '../util/time.ts';

export function unlockUrl(tour: Tour, token: string): string {
  const url = new URL(tour.config.pageUrl);
  url.hash = `${UNLOCK_FRAGMENT_KEY}=${token}`;
  return url.toString();
}

export function visitorName(reg: Pick<Registration, 'fields'>): string {
  const f = JSON.parse(reg.fields) as Record<string, unknown>;
  return [f.firstName, f.lastName].filter((v) => typeof v === 'string' && v).join(' ');
}

export function localeOf(reg: Pick<Registration, 'locale'>): 'de' | 'en' {
  return reg.locale === 'en' ? 'en' : 'de';
}

export async function issueUnlockLink(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  reason: 'registered' | 'granted' | 'requested',
): Promise<{ token: string; expiresAt: number; mailId: string }> {
  const token = newLinkToken();
  const expiresAt = now + tour.config.linkValidityDays * DAY_MS;
  await tx.insertLink({
    token_hash: hashToken(token),
    purpose: 'unlock',
    tour_id: tour.config.id,
    subject_id: reg.id,
    created_at: now,
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
  });
  const mail = renderUnlockMail({
    tour: tour.config,
    broker: tour.broker,
    locale: localeOf(reg),
    name: visitorName(reg),
    link: unlockUrl(tour, token),
    expiresAt,
  });
  const mailId = await queueMail(tx, {
    tourId: tour.config.id,
    registrationId: reg.id,
    kind: 'unlock',
    recipient: reg.email,
    replyTo: tour.broker.email ? { name: tour.broker.name, address: tour.broker.email } : null,
    mail,
    now,
  });
  await tx.log(reg.id, tour.config.id, now, 'mail-queued', { mail: 'unlock', reason, validUntil: expiresAt });
  return { token, expiresAt, mailId };
}
