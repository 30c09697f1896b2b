import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import type { Registration } from '../store/schema.ts';
import { formatDate } from '../util/time.ts';
import { layout, paragraph, type RenderedMail } from './layout.ts';
import { detailsTable, detailsText, visitorDetails } from './review-request-mail.ts';
import { mailStrings } from './strings.ts';

export type LeadEvent = 'registered' | 'opened';

export interface BrokerNotificationMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  event: LeadEvent;
  registration: Pick<Registration, 'fields' | 'consent_at' | 'consent_version' | 'consent_marketing'>;
  at: number;
}

/**
 * Email release, `notifications.broker: each-lead`: a short mail to the broker when a visitor
 * registered, and when the visitor first opened the link. In the broker's language; the
 * visitor's data only in the body (escaped), never in the subject.
 */
export function renderBrokerNotificationMail(input: BrokerNotificationMailInput): RenderedMail {
  const locale = input.broker.locale;
  const s = mailStrings[locale];
  const n = s.brokerNotification;
  const subject =
    input.event === 'registered' ? n.subjectRegistered(input.tour.title) : n.subjectOpened(input.tour.title);
  const intro =
    input.event === 'registered'
      ? n.introRegistered(input.tour.title)
      : n.introOpened(input.tour.title, formatDate(input.at, locale, true));
  const rows = visitorDetails(input.tour, input.registration, locale);
  const body = html`${paragraph(s.brokerGreeting(input.broker.name))}
    ${paragraph(intro)}
    ${detailsTable(rows)}
    ${paragraph(n.replyHint)}`;
  const text = [
    s.brokerGreeting(input.broker.name),
    '',
    intro,
    '',
    detailsText(rows),
    '',
    n.replyHint,
    '',
    '--',
    s.brokerAutomatedNote,
  ].join('\n');
  const strings = { ...s, automatedNote: s.brokerAutomatedNote };
  return { subject, text, html: layout({ lang: locale, title: subject, body, strings }) };
}
