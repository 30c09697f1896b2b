/**
 * The broker's per-lead notification in email-release mode (`notifications.broker:
 * each-lead`, the default): one mail when a visitor registered, naming the room asked for and
 * linking to the lead. First openings are not mailed one by one; they go into the optional
 * daily digest (`core/digest.ts`, `notifications.digest`).
 */
import type { Tour } from '../config/tours.ts';
import { type LeadEvent, renderBrokerNotificationMail } from '../mail/broker-notification-mail.ts';
import type { Registration } from '../store/schema.ts';
import type { StoreOps } from '../store/store.ts';
import type { GateDeps } from './deps.ts';
import { openImmoAttachment } from './export/openimmo.ts';
import { leadUrl } from './links.ts';
import { queueRegistrationMail } from './mail.ts';
import { visitorReplyTo } from './registration.ts';

/**
 * Tells the broker about a new lead, if the tour wants that (email release, `each-lead`).
 * Returns whether a mail was queued, so the caller can nudge the outbox after its commit.
 * `opened` queues nothing: the daily digest reports it.
 */
export async function notifyBroker(
  tx: StoreOps,
  tour: Tour,
  reg: Registration,
  now: number,
  event: LeadEvent,
  deps?: Pick<GateDeps, 'env'>,
): Promise<boolean> {
  const t = tour.config;
  if (event !== 'registered' || t.mode !== 'email' || t.notifications.broker !== 'each-lead') return false;
  const mail = renderBrokerNotificationMail({
    tour: t,
    broker: tour.broker,
    registration: reg,
    ...(deps ? { leadLink: leadUrl(deps.env, t.id, reg.id) } : {}),
  });
  await queueRegistrationMail(tx, {
    tour,
    reg,
    kind: 'broker-notification',
    recipient: tour.broker.email,
    replyTo: visitorReplyTo(reg),
    mail,
    now,
    // The lead as OpenImmo-Feedback for the broker's CRM.
    ...(t.notifications.openimmoAttachment ? { attachments: [openImmoAttachment(t, tour.broker, reg)] } : {}),
    log: { kind: 'broker-notified', detail: { event } },
  });
  return true;
}
