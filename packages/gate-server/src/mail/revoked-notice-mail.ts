/**
 * To an address whose access to a tour was revoked, when the mask is sent again with it
 * (issue 10): the registration's answer is the same as for anyone, so the truth goes to the
 * mailbox. Worded for whoever reads the mailbox, who need not be who sent the mask.
 */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { paragraph, type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings } from './strings.ts';

const STRINGS = {
  de: {
    subject: (title: string) => `Ihr Zugang zum Rundgang „${title}“`,
    text: (title: string, broker: string) => [
      `mit Ihrer E-Mail-Adresse ist eine neue Anfrage für den Rundgang „${title}“ eingegangen.`,
      `Ihr Zugang zu diesem Rundgang wurde von ${broker} zurückgezogen; eine neue Anfrage ändert daran nichts. Wenn Sie Fragen dazu haben, wenden Sie sich bitte direkt an ${broker}.`,
    ],
  },
  en: {
    subject: (title: string) => `Your access to the tour "${title}"`,
    text: (title: string, broker: string) => [
      `A new request for the tour "${title}" was sent with your email address.`,
      `${broker} has revoked your access to this tour, and a new request does not change that. If you have any questions, please contact ${broker} directly.`,
    ],
  },
} as const;

export interface RevokedNoticeMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** Visitor's name for the greeting (escaped here, never put in a header). */
  name: string;
}

export function renderRevokedNoticeMail(input: RevokedNoticeMailInput): RenderedMail {
  const s = mailStrings[input.locale];
  const n = STRINGS[input.locale];
  const paragraphs = n.text(input.tour.title, input.broker.name);
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject: n.subject(input.tour.title),
    htmlMiddle: html`${paragraphs.map((p) => paragraph(p))}`,
    textParagraphs: [...paragraphs],
  });
}
