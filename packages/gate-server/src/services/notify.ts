/**
 * Mails about one registration, queued in the caller's transaction and logged in the visitor's
 * logbook; and the broker's per-lead notification in email-release mode (`notifications.broker:
 * each-lead`): one mail when a visitor registered, one when the visitor first opened the link.
 */
import type { Tour } from '../config/tours.ts';
import { type LeadEvent, renderBrokerNotificationMail } from '../mail/broker-notification-mail.ts';
import type { RenderedMail } from '../mail/layout.ts';
import { queueMail } from '../mail/queue.ts';
import type { ReplyTo } from '../mail/transport.ts';
import type { MailKind, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { visitorName } from './unlock-link.ts';

/**
 * Mails to the broker answer to the visitor. The visitor's name goes into a header only here,
 * as the display name of this address object, and only as a plain phrase: besides what the
 * transport strips (line ends, quotes, angle brackets), the characters that give an address
 * header its structure (`@ , ; : ( ) [ ] \`) are dropped, so no part of it reads as an address.
 */
export function visitorReplyTo(reg: Pick<Registration, 'fields' | 'email'>): ReplyTo {
  const name = visitorName(reg)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters
    .replace(/[\u0000-\u001f\u007f\u2028\u2029"<>@,;:()[\]\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { name, address: reg.email };
}

/** Mails to the visitor answer to the broker. */
export function brokerReplyTo(tour: Tour): ReplyTo | null {
  return tour.broker.email ? { name: tour.broker.name, address: tour.broker.email } : null;
}

export interface RegistrationMail {
  tour: Tour;
  reg: Pick<Registration, 'id'>;
  kind: MailKind;
  recipient: string;
  replyTo: ReplyTo | null;
  mail: RenderedMail;
  now: number;
}

/** Puts a mail about a registration into the outbox (same transaction as its cause). */
export function queueRegistrationMail(tx: StoreOps, m: RegistrationMail): Promise<string> {
  return queueMail(tx, { ...m, tourId: m.tour.config.id, registrationId: m.reg.id });
}

/**
 * Tells the broker about a lead, if the tour wants that (email release, `each-lead`). Returns
 * whether a mail was queued, so the caller can nudge the outbox after its commit.
 */
export async function notifyBroker(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  event: LeadEvent,
): Promise<boolean> {
  const t = tour.config;
  if (t.mode !== 'email' || t.notifications.broker !== 'each-lead') return false;
  const mail = renderBrokerNotificationMail({ tour: t, broker: tour.broker, event, registration: reg, at: now });
  await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'broker-notification',
    recipient: tour.broker.email,
    replyTo: visitorReplyTo(reg),
    mail,
    now,
  });
  await tx.log(reg.id, t.id, now, 'broker-notified', { event, mail: 'broker-notification' });
  return true;
}
