/**
 * The broker's per-lead notification in email-release mode (`notifications.broker:
 * each-lead`): one mail when a visitor registered, one when the visitor first opened the link.
 */
import type { Tour } from '../config/tours.ts';
import { type LeadEvent, renderBrokerNotificationMail } from '../mail/broker-notification-mail.ts';
import type { Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import { openImmoAttachment } from './export/openimmo.ts';
import { queueRegistrationMail } from './mail.ts';
import { visitorReplyTo } from './registration.ts';

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
    // The lead as OpenImmo-Feedback for the broker's CRM, with the registration only: the
    // mail about the first opening is no new inquiry.
    ...(t.notifications.openimmoAttachment && event === 'registered'
      ? { attachments: [openImmoAttachment(t, tour.broker, reg)] }
      : {}),
    log: { kind: 'broker-notified', detail: { event } },
  });
  return true;
}
