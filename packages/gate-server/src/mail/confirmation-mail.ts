import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from '../util/html.ts';
import { layout, paragraph, type RenderedMail, textContact } from './layout.ts';
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
  const body = html`${paragraph(s.greeting(input.name))}${paragraph(intro)}${paragraph(s.confirmation.spamHint)}${paragraph(s.confirmation.notYou)}<p style="margin:0">${s.signoff}<br>${input.broker.name}</p>`;
  const text = [
    s.greeting(input.name),
    '',
    intro,
    '',
    s.confirmation.spamHint,
    '',
    s.confirmation.notYou,
    '',
    s.signoff,
    input.broker.name,
    '',
    '--',
    textContact(s, input.broker),
    '',
    s.automatedNote,
  ].join('\n');
  return {
    subject,
    text,
    html: layout({ lang: input.locale, title: subject, body, strings: s, broker: input.broker }),
  };
}
