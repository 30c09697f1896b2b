import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { button, paragraph, type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings } from './strings.ts';

export interface DenyMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** Visitor's name for the greeting (escaped here, never put in a header). */
  name: string;
  /**
   * An unlock link of the request (issue 10): it opens the tour page, where the widget learns
   * of the denial and, where the tour allows it (`repeat`), offers to ask again.
   */
  link?: { url: string; repeat: boolean } | undefined;
}

const LINK_STRINGS = {
  de: {
    repeat: 'Möchten Sie erneut anfragen? Auf der Seite des Rundgangs geht das mit einem Klick:',
    view: 'Die frei zugänglichen Räume des Rundgangs können Sie weiterhin ansehen:',
    button: 'Zum Rundgang',
  },
  en: {
    repeat: "Would you like to ask again? You can do so with one click on the tour's page:",
    view: "You can still view the tour's freely accessible rooms:",
    button: 'Open the tour',
  },
} as const;

/**
 * The polite notice a denied visitor gets. The broker may replace the main text per tour
 * (`denyText`); it is plain text, and its blank lines become paragraphs.
 */
export function renderDenyMail(input: DenyMailInput): RenderedMail {
  const s = mailStrings[input.locale];
  const main = input.tour.denyText?.[input.locale] ?? s.deny.text(input.tour.title);
  const paragraphs = main
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const subject = s.deny.subject(input.tour.title);
  const l = LINK_STRINGS[input.locale];
  const link = input.link;
  const lead = link?.repeat ? l.repeat : l.view;
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject,
    // pre-line: a single line break inside one of the broker's paragraphs stays a line break.
    htmlMiddle: html`${paragraphs.map((p) => html`<p style="margin:0 0 14px;white-space:pre-line">${p}</p>`)}
    ${link ? html`${paragraph(lead)}${button(link.url, l.button)}` : ''}`,
    textParagraphs: link ? [...paragraphs, `${lead}\n${link.url}`] : paragraphs,
  });
}
