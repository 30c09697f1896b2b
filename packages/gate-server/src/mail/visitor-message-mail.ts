/**
 * A visitor's message about a request (issue 10, returning visitors): added on the widget's
 * pending screen or sent with the mask again. It goes to the broker whatever the request's
 * state, so the visitor's answer never depends on it; the mail names the state, with the
 * review link while the request is open. Nothing the visitor typed goes into the subject.
 */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import type { Registration, RegistrationStatus } from '../store/schema.ts';
import { formatDate } from '../util/time.ts';
import { brokerMail, button, linkFallback, paragraph, type RenderedMail } from './layout.ts';
import { detailsTable, detailsText, type VisitorRecord, visitorDetails, visitorLabel } from './review-request-mail.ts';
import { brokerAddressName } from './salutation.ts';
import { mailStrings } from './strings.ts';

const STRINGS = {
  de: {
    subject: (title: string) => `Neue Nachricht zu einer Anfrage: Rundgang „${title}“`,
    intro: (visitor: string, title: string, at: string) =>
      `${visitor} hat Ihnen zur Anfrage vom ${at} für den Rundgang „${title}“ eine Nachricht geschrieben:`,
    state: 'Stand der Anfrage',
    states: {
      pending: 'offen, noch nicht entschieden',
      released: 'freigeschaltet (E-Mail-Freigabe)',
      granted: 'freigegeben',
      denied: 'abgelehnt',
      revoked: 'Zugang zurückgezogen',
    } satisfies Record<RegistrationStatus, string>,
    dataHeading: 'Angaben des Interessenten',
    button: 'Anfrage prüfen',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    replyHint: (visitor: string) => `Eine Antwort auf diese E-Mail geht an ${visitor}.`,
  },
  en: {
    subject: (title: string) => `New message about a request: tour "${title}"`,
    intro: (visitor: string, title: string, at: string) =>
      `${visitor} has sent you a message about the request of ${at} for the tour "${title}":`,
    state: 'State of the request',
    states: {
      pending: 'open, not decided yet',
      released: 'unlocked (email release)',
      granted: 'granted',
      denied: 'denied',
      revoked: 'access revoked',
    } satisfies Record<RegistrationStatus, string>,
    dataHeading: "The visitor's details",
    button: 'Review the request',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    replyHint: (visitor: string) => `A reply to this email goes to ${visitor}.`,
  },
} as const;

export interface VisitorMessageMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  registration: VisitorRecord & Pick<Registration, 'email' | 'status' | 'created_at'>;
  message: string;
  /** The review link, while the request is open. */
  link?: string | undefined;
}

/** In the broker's language (`broker.locale`). */
export function renderVisitorMessageMail(input: VisitorMessageMailInput): RenderedMail {
  const locale = input.broker.locale;
  const s = mailStrings[locale];
  const m = STRINGS[locale];
  const visitor = visitorLabel(input.registration);
  const intro = m.intro(visitor, input.tour.title, formatDate(input.registration.created_at, locale, true));
  const state = `${m.state}: ${m.states[input.registration.status]}`;
  const rows = visitorDetails(input.tour, input.registration, locale);
  const link = input.link;
  return brokerMail({
    strings: s,
    lang: locale,
    broker: input.broker,
    greetingName: brokerAddressName(input.broker, locale),
    subject: m.subject(input.tour.title),
    htmlMiddle: html`${paragraph(intro)}
      <p style="margin:0 0 14px;padding:10px 14px;border-left:3px solid #c9d2db;white-space:pre-wrap;word-break:break-word">${input.message}</p>
      ${paragraph(state)}
      ${link ? html`${button(link, m.button)}${linkFallback(m.linkFallback, link)}` : ''}
      <p style="margin:18px 0 8px;font-weight:600">${m.dataHeading}</p>
      ${detailsTable(rows)}
      ${paragraph(m.replyHint(visitor))}`,
    textBlocks: [
      intro,
      input.message.replace(/\r\n?/g, '\n'),
      state,
      ...(link ? [`${m.button}:\n${link}`] : []),
      `${m.dataHeading}:\n${detailsText(rows)}`,
      m.replyHint(visitor),
    ],
  });
}
