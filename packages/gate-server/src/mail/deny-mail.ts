import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from '../util/html.ts';
import { layout, paragraph, type RenderedMail, textContact } from './layout.ts';
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
  const body = html`${paragraph(s.greeting(input.name))}${paragraphs.map((p) => html`<p style="margin:0 0 14px;white-space:pre-line">${p}</p>`)}<p style="margin:0">${s.signoff}<br>${input.broker.name}</p>`;
  const text = [
    s.greeting(input.name),
    '',
    paragraphs.join('\n\n'),
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
