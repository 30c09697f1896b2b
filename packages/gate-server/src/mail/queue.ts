import type { MailKind } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import type { RenderedMail } from './layout.ts';
import type { ReplyTo } from './transport.ts';

export interface MailToQueue {
  tourId: string | null;
  registrationId: string | null;
  kind: MailKind;
  recipient: string;
  replyTo: ReplyTo | null;
  mail: RenderedMail;
  now: number;
}

/**
 * Puts a mail into the outbox, inside the caller's transaction: it is sent if and only if
 * what caused it (a registration, a decision, a sign-in) was stored.
 */
export function queueMail(tx: StoreOps, m: MailToQueue): Promise<string> {
  return tx.enqueueMail({
    tour_id: m.tourId,
    registration_id: m.registrationId,
    kind: m.kind,
    recipient: m.recipient,
    reply_to: m.replyTo ? JSON.stringify(m.replyTo) : null,
    subject: m.mail.subject,
    text_body: m.mail.text,
    html_body: m.mail.html,
    next_attempt_at: m.now,
    locked_until: null,
    last_error: null,
    created_at: m.now,
    sent_at: null,
  });
}
