import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings } from './strings.ts';

export interface DenyMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** Visitor's name for the greeting (escaped here, never put in a header). */
  name: string;
}

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
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject,
    // pre-line: a single line break inside one of the broker's paragraphs stays a line break.
    htmlMiddle: html`${paragraphs.map((p) => html`<p style="margin:0 0 14px;white-space:pre-line">${p}</p>`)}`,
    textParagraphs: paragraphs,
  });
}
