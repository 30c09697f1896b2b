/**
 * Mails leave through the outbox: queued inside the caller's transaction, so a mail is sent if
 * and only if what caused it (a registration, a decision, a sign-in) was stored. A mail about
 * a registration is also written to the visitor's logbook, in the same transaction.
 */
import type { Tour } from '../config/tours.ts';
import type { RenderedMail } from '../mail/layout.ts';
import { encodeAttachments, encodeReplyTo, type MailAttachment, type ReplyTo } from '../store/codecs.ts';
import type { LogKind, MailKind, Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';

export interface MailToQueue {
  tourId: string | null;
  registrationId: string | null;
  kind: MailKind;
  recipient: string;
  replyTo: ReplyTo | null;
  mail: RenderedMail;
  now: number;
  /** Files sent with the mail (sealed in the outbox, dropped once an SMTP server took it). */
  attachments?: readonly MailAttachment[];
}

/** Puts a mail into the outbox. */
export function queueMail(tx: StoreOps, m: MailToQueue): Promise<string> {
  return tx.enqueueMail({
    tour_id: m.tourId,
    registration_id: m.registrationId,
    kind: m.kind,
    recipient: m.recipient,
    reply_to: encodeReplyTo(m.replyTo),
    subject: m.mail.subject,
    text_body: m.mail.text,
    html_body: m.mail.html,
    attachments: encodeAttachments(m.attachments),
    next_attempt_at: m.now,
    locked_until: null,
    last_error: null,
    created_at: m.now,
    sent_at: null,
  });
}

export interface RegistrationMail extends Omit<MailToQueue, 'tourId' | 'registrationId'> {
  tour: Tour;
  reg: Pick<Registration, 'id'>;
  /** The logbook entry: `mail-queued` unless said otherwise; `detail` adds to `{ mail: kind }`. */
  log?: { kind?: LogKind; detail?: Record<string, unknown> };
}

/** Queues a mail about a registration and writes it to the visitor's logbook. */
export async function queueRegistrationMail(tx: StoreOps, m: RegistrationMail): Promise<string> {
  const t = m.tour.config;
  const id = await queueMail(tx, { ...m, tourId: t.id, registrationId: m.reg.id });
  await tx.log(m.reg.id, t.id, m.now, m.log?.kind ?? 'mail-queued', { mail: m.kind, ...m.log?.detail });
  return id;
}
