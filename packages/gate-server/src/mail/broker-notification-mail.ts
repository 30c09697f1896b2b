import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { brokerMail, paragraph, plainLink, type RenderedMail } from './layout.ts';
import {
  detailsTable,
  detailsText,
  type LeadRecord,
  roomOf,
  visitorDetails,
  visitorLabel,
} from './review-request-mail.ts';
import { brokerAddressName } from './salutation.ts';
import { mailStrings } from './strings.ts';

/**
 * What the broker hears of at once. A visitor's first opening of the link is not mailed one by
 * one: it goes into the optional daily digest (`digest-mail.ts`).
 */
export type LeadEvent = 'registered' | 'opened';

export interface BrokerNotificationMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  registration: LeadRecord;
  /** The lead's page in the broker's dashboard. */
  leadLink?: string;
}

/**
 * Email release, `notifications.broker: each-lead`: one short mail to the broker per lead,
 * naming the room the visitor asked for and linking to the lead. In the broker's language;
 * the visitor's data only in the body (escaped), never in the subject.
 */
export function renderBrokerNotificationMail(input: BrokerNotificationMailInput): RenderedMail {
  const locale = input.broker.locale;
  const s = mailStrings[locale];
  const n = s.brokerNotification;
  const visitor = visitorLabel(input.registration);
  const room = roomOf(input.tour, input.registration, locale);
  const intro = n.introRegistered(visitor, input.tour.title, room);
  const rows = [
    ...(room ? [{ label: s.viewpointLabel, value: room }] : []),
    ...visitorDetails(input.tour, input.registration, locale),
  ];
  return brokerMail({
    strings: s,
    lang: locale,
    broker: input.broker,
    greetingName: brokerAddressName(input.broker, locale),
    subject: n.subjectRegistered(input.tour.title),
    htmlMiddle: html`${paragraph(intro)}
      ${detailsTable(rows)}
      ${input.leadLink ? plainLink(input.leadLink, s.dashboardLinkHtml) : ''}
      ${paragraph(n.replyHint(visitor))}`,
    textBlocks: [
      intro,
      detailsText(rows),
      ...(input.leadLink ? [`${s.dashboardLinkText}\n${input.leadLink}`] : []),
      n.replyHint(visitor),
    ],
  });
}
