import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { formatDate } from '../util/time.ts';
import { button, linkFallback, paragraph, type RenderedMail, visitorMail } from './layout.ts';
import { mailStrings, type UnlockOccasion } from './strings.ts';

export interface UnlockMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  locale: 'de' | 'en';
  /** The greeting name ("Frau Mustermann", see `salutation.ts`; escaped here, never put in a header). */
  name: string;
  link: string;
  expiresAt: number;
  /**
   * Why the link comes: the email release (default), the broker's grant ("Ihre Anfrage wurde
   * freigegeben"), a grant after a denial, or access granted again after a revocation.
   */
  occasion?: UnlockOccasion;
}

/** The mail with the one unlock link (email release, a broker's grant, a new link). */
export function renderUnlockMail(input: UnlockMailInput): RenderedMail {
  const s = mailStrings[input.locale];
  const occasion = input.occasion ?? 'released';
  const until = formatDate(input.expiresAt, input.locale, true);
  const subject = s.unlock.subject[occasion](input.tour.title);
  const intro = s.unlock.intro[occasion](input.tour.title, input.broker.name);
  return visitorMail({
    strings: s,
    lang: input.locale,
    broker: input.broker,
    name: input.name,
    subject,
    htmlMiddle: html`${paragraph(intro)}
      ${paragraph(s.unlock.openHtml)}
      ${button(input.link, s.unlock.button)}
      ${paragraph(s.unlock.validity(until))}
      ${linkFallback(s.unlock.linkFallback, input.link)}
      ${paragraph(s.unlock.notYou)}`,
    textParagraphs: [intro, `${s.unlock.openText}\n${input.link}`, s.unlock.validity(until), s.unlock.notYou],
  });
}
