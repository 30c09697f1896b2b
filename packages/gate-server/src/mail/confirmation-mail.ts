import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { paragraph, type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings } from './strings.ts';

export interface ConfirmationMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** Visitor's name for the greeting (escaped here, never put in a header). */
  name: string;
}

/** Manual release: tells the visitor the request arrived and the broker will check it. No link. */
export function renderConfirmationMail(input: ConfirmationMailInput): RenderedMail {
  const s = mailStrings[input.locale];
  const subject = s.confirmation.subject(input.tour.title);
  const intro = s.confirmation.intro(input.tour.title, input.broker.name);
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject,
    htmlMiddle: html`${paragraph(intro)}
      ${paragraph(s.confirmation.spamHint)}
      ${paragraph(s.confirmation.notYou)}`,
    textParagraphs: [intro, s.confirmation.spamHint, s.confirmation.notYou],
  });
}
