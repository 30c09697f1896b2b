/**
 * The mail that asks the broker to review a request (manual release): the visitor's details,
 * all escaped, and the one review link. Nothing the visitor typed goes into the subject.
 */
import { isStandardFieldKey } from '@tour-gate/shared';
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { decodeFields } from '../store/codecs.ts';
import type { Registration } from '../store/schema.ts';
import type { Html } from '../util/html.ts';
import { formatDate } from '../util/time.ts';
import { button, layout, linkFallback, paragraph, type RenderedMail } from './layout.ts';
import { type MailStrings, mailStrings } from './strings.ts';

export interface DetailRow {
  label: string;
  value: string;
}

/**
 * The visitor's data as label/value rows in the tour's field order, then the consent record.
 * Values are returned raw; every renderer escapes them.
 */
export function visitorDetails(
  tour: TourConfig,
  reg: Pick<Registration, 'fields' | 'consent_at' | 'consent_version' | 'consent_marketing'>,
  locale: 'de' | 'en',
): DetailRow[] {
  const s: MailStrings = mailStrings[locale];
  const values = decodeFields(reg.fields);
  const custom = new Map(tour.customFields.map((f) => [f.key, f]));
  const rows: DetailRow[] = [];
  const keys = [...Object.keys(values).filter(isStandardFieldKey), ...Object.keys(values).filter((k) => custom.has(k))];
  for (const key of keys) {
    const raw = values[key];
    if (raw === undefined || raw === '') continue;
    const field = custom.get(key);
    const label = field ? field.label[locale] : (s.fields[key] ?? key);
    let value: string;
    if (typeof raw === 'boolean') value = raw ? s.yes : s.no;
    else if (key === 'salutation') value = s.salutations[raw] ?? raw;
    else value = field?.options?.find((o) => o.value === raw)?.label?.[locale] ?? raw;
    rows.push({ label, value });
  }
  rows.push({
    label: s.consentLabel,
    value: s.consentValue(formatDate(reg.consent_at, locale, true), reg.consent_version),
  });
  rows.push({ label: s.marketingLabel, value: reg.consent_marketing ? s.yes : s.no });
  return rows;
}

const TH_STYLE =
  'text-align:left;vertical-align:top;padding:6px 12px 6px 0;color:#41505e;font-weight:600;white-space:nowrap';
// pre-wrap keeps the line breaks of a multi-line value (a message); nothing may pad the cell.
const TD_STYLE = 'padding:6px 0;white-space:pre-wrap;word-break:break-word';

export function detailsTable(rows: DetailRow[]): Html {
  return html`<table style="border-collapse:collapse;width:100%;margin:0 0 18px;font-size:14px">
    ${rows.map((r) => html`<tr><th style="${TH_STYLE}">${r.label}</th><td style="${TD_STYLE}">${r.value}</td></tr>`)}
  </table>`;
}

/** Plain-text rows; a multi-line value (a message) is indented under its label. */
export function detailsText(rows: DetailRow[]): string {
  return rows.map((r) => `${r.label}: ${r.value.replace(/\r\n?|\n/g, '\n    ')}`).join('\n');
}

export interface ReviewRequestMailInput {
  tour: TourConfig;
  broker: BrokerConfig;
  /** The visitor's registration (its fields are escaped here). */
  registration: Pick<Registration, 'fields' | 'consent_at' | 'consent_version' | 'consent_marketing'>;
  requestedAt: number;
  link: string;
  expiresAt: number;
}

/** In the broker's language (`broker.locale`). */
export function renderReviewRequestMail(input: ReviewRequestMailInput): RenderedMail {
  const locale = input.broker.locale;
  const s = mailStrings[locale];
  const rows = [
    { label: s.reviewRequest.requestedAt, value: formatDate(input.requestedAt, locale, true) },
    ...visitorDetails(input.tour, input.registration, locale),
  ];
  const until = formatDate(input.expiresAt, locale, true);
  const subject = s.reviewRequest.subject(input.tour.title);
  const body = html`${paragraph(s.brokerGreeting(input.broker.name))}
    ${paragraph(s.reviewRequest.intro(input.tour.title))}
    <p style="margin:18px 0 8px;font-weight:600">${s.reviewRequest.dataHeading}</p>
    ${detailsTable(rows)}
    ${button(input.link, s.reviewRequest.button)}
    ${paragraph(s.reviewRequest.validity(until))}
    ${linkFallback(s.reviewRequest.linkFallback, input.link)}
    ${paragraph(s.reviewRequest.replyHint)}`;
  const text = [
    s.brokerGreeting(input.broker.name),
    '',
    s.reviewRequest.intro(input.tour.title),
    '',
    `${s.reviewRequest.dataHeading}:`,
    detailsText(rows),
    '',
    `${s.reviewRequest.button}:`,
    input.link,
    '',
    s.reviewRequest.validity(until),
    '',
    s.reviewRequest.replyHint,
    '',
    '--',
    s.brokerAutomatedNote,
  ].join('\n');
  const strings = { ...s, automatedNote: s.brokerAutomatedNote };
  return { subject, text, html: layout({ lang: locale, title: subject, body, strings }) };
}
