import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { formatDate } from '../util/time.ts';
import { button, linkFallback, paragraph, type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings } from './strings.ts';

export interface UnlockMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** Visitor's name for the greeting (escaped here, never put in a header). */
  name: string;
  link: string;
  expiresAt: number;
}

/** The mail with the one unlock link (email release, and a broker's grant). */
export function renderUnlockMail(input: UnlockMailInput): RenderedMail {
  const s = mailStrings[input.locale];
  const until = formatDate(input.expiresAt, input.locale, true);
  const subject = s.unlock.subject(input.tour.title);
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject,
    htmlMiddle: html`${paragraph(s.unlock.intro(input.tour.title))}
      ${button(input.link, s.unlock.button)}
      ${paragraph(s.unlock.validity(until))}
      ${linkFallback(s.unlock.linkFallback, input.link)}
      ${paragraph(s.unlock.notYou)}`,
    textParagraphs: [
      s.unlock.intro(input.tour.title),
      `${s.unlock.button}:\n${input.link}`,
      s.unlock.validity(until),
      s.unlock.notYou,
    ],
  });
}
