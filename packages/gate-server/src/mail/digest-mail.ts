/**
 * The broker's daily digest: the visitors who first opened their unlock link on one day, per
 * tour, each with the room asked for and a link to the lead. In the broker's language.
 */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import type { Registration } from '../store/schema.ts';
import { brokerMail, paragraph, type RenderedMail } from './layout.ts';
import { roomOf, visitorLabel } from './review-request-mail.ts';
import { brokerAddressName } from './salutation.ts';
import { mailStrings } from './strings.ts';

export interface DigestSection {
  tour: TourConfig;
  /** The leads whose first opening falls on the day, oldest first. */
  opened: Pick<Registration, 'id' | 'fields' | 'email' | 'viewpoint' | 'first_opened_at'>[];
  /** The dashboard page of a lead. */
  leadLink: (registrationId: string) => string;
}

function timeOf(ms: number, locale: 'de' | 'en'): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(ms));
}

/** `day` is the day as people read it ("29. November 2026"). */
export function renderDigestMail(broker: BrokerConfig, day: string, sections: DigestSection[]): RenderedMail {
  const locale = broker.locale;
  const s = mailStrings[locale];
  const d = s.digest;
  const total = sections.reduce((n, sec) => n + sec.opened.length, 0);
  const lines = sections.map((sec) => ({
    heading: d.tourHeading(sec.tour.title),
    rows: sec.opened.map((r) => ({
      text: d.line(timeOf(Number(r.first_opened_at), locale), visitorLabel(r), roomOf(sec.tour, r, locale)),
      link: sec.leadLink(r.id),
    })),
  }));
  return brokerMail({
    strings: s,
    lang: locale,
    broker,
    greetingName: brokerAddressName(broker, locale),
    subject: d.subject(day),
    htmlMiddle: html`${paragraph(d.intro(day, total))}
      ${lines.map(
        (sec) => html`<p style="margin:18px 0 6px;font-weight:600">${sec.heading}</p>
          <ul style="margin:0 0 14px;padding-left:20px">
            ${sec.rows.map((r) => html`<li style="margin:0 0 6px"><a href="${r.link}" style="color:#1f5f8b">${r.text}</a></li>`)}
          </ul>`,
      )}
      ${paragraph(d.why)}`,
    textBlocks: [
      d.intro(day, total),
      ...lines.map((sec) => [sec.heading, ...sec.rows.map((r) => `- ${r.text}\n  ${r.link}`)].join('\n')),
      d.why,
    ],
  });
}
