/**
 * The mail that asks the broker to review a request (manual release): the visitor's details,
 * all escaped, and the one review link. Nothing the visitor typed goes into the subject.
 */
import { countryName, isStandardFieldKey, marketingConsentText, viewpointLabel } from '@tour-gate/shared';
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { decodeFields, marketingOf } from '../store/codecs.ts';
import type { Registration } from '../store/schema.ts';
import type { Html } from '../util/html.ts';
import { formatDate } from '../util/time.ts';
import { brokerMail, button, linkFallback, paragraph, plainLink, type RenderedMail } from './layout.ts';
import { brokerAddressName } from './salutation.ts';
import { type MailStrings, mailStrings } from './strings.ts';

export interface DetailRow {
  label: string;
  value: string;
}

/** What `visitorDetails` reads of a registration: the visitor's fields and the consent record. */
export type VisitorRecord = Pick<
  Registration,
  | 'fields'
  | 'consent_at'
  | 'consent_version'
  | 'consent_marketing'
  | 'consent_marketing_offered'
  | 'consent_marketing_confirmed_at'
>;

/** A lead as the broker's mails show it: the visitor's details, address and the room asked for. */
export type LeadRecord = VisitorRecord & Pick<Registration, 'email' | 'viewpoint'>;

/**
 * The visitor's data as label/value rows in the tour's field order, then the consent record.
 * Values are returned raw; every renderer escapes them.
 */
export function visitorDetails(tour: TourConfig, reg: VisitorRecord, locale: 'de' | 'en'): DetailRow[] {
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
    else if (key === 'country') value = countryName(raw, locale);
    else value = field?.options?.find((o) => o.value === raw)?.label?.[locale] ?? raw;
    rows.push({ label, value });
  }
  rows.push({
    label: s.consentLabel,
    value: s.consentValue(formatDate(reg.consent_at, locale, true), reg.consent_version),
  });
  const confirmed = reg.consent_marketing_confirmed_at;
  rows.push({
    label: s.marketingLabel,
    value: marketingConsentText(
      marketingOf(reg, Boolean(tour.consent.marketing)),
      locale,
      confirmed === null ? undefined : formatDate(confirmed, locale, true),
    ),
  });
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
  registration: LeadRecord;
  requestedAt: number;
  link: string;
  expiresAt: number;
  /** The lead's page in the broker's dashboard. */
  leadLink: string;
  /** A denied visitor asks again ("erneut anfragen"): the mail says so, with the earlier denial's date. */
  repeat?: { deniedAt: number | null };
  /** A message the visitor sent with this request. */
  message?: string;
}

/** The repeat marker and the message row (issue 10); subject and first line say "Erneute Anfrage". */
const RETURNING = {
  de: {
    subject: (title: string) => `Erneute Anfrage: Zugang zum Rundgang „${title}“`,
    note: (deniedAt: string | undefined) =>
      `Erneute Anfrage – Sie hatten diese Anfrage${deniedAt ? ` am ${deniedAt}` : ''} abgelehnt.`,
    message: 'Neue Nachricht',
  },
  en: {
    subject: (title: string) => `Repeat request: access to the tour "${title}"`,
    note: (deniedAt: string | undefined) =>
      `Repeat request – you denied this request${deniedAt ? ` on ${deniedAt}` : ''}.`,
    message: 'New message',
  },
} as const;

/** "Erika Mustermann", else the visitor's email address: whom a broker's mail is about. */
export function visitorLabel(reg: Pick<Registration, 'fields' | 'email'>): string {
  const f = decodeFields(reg.fields);
  const name = [f.firstName, f.lastName].filter((v) => typeof v === 'string' && v.trim()).join(' ');
  return name || reg.email;
}

/** The room the visitor clicked, by its label in the broker's language, if the request has one. */
export function roomOf(
  tour: TourConfig,
  reg: Pick<Registration, 'viewpoint'>,
  locale: 'de' | 'en',
): string | undefined {
  return reg.viewpoint ? viewpointLabel(tour.viewpointLabels, reg.viewpoint, locale) : undefined;
}

/** In the broker's language (`broker.locale`). */
export function renderReviewRequestMail(input: ReviewRequestMailInput): RenderedMail {
  const locale = input.broker.locale;
  const s = mailStrings[locale];
  const r = s.reviewRequest;
  const visitor = visitorLabel(input.registration);
  const room = roomOf(input.tour, input.registration, locale);
  const again = RETURNING[locale];
  const rows = [
    { label: r.requestedAt, value: formatDate(input.requestedAt, locale, true) },
    ...(room ? [{ label: s.viewpointLabel, value: room }] : []),
    ...(input.message ? [{ label: again.message, value: input.message }] : []),
    ...visitorDetails(input.tour, input.registration, locale),
  ];
  const until = formatDate(input.expiresAt, locale, true);
  const repeat = input.repeat
    ? again.note(input.repeat.deniedAt ? formatDate(input.repeat.deniedAt, locale, true) : undefined)
    : undefined;
  const intro = `${repeat ? `${repeat} ` : ''}${r.intro(visitor, input.tour.title, room)}`;
  return brokerMail({
    strings: s,
    lang: locale,
    broker: input.broker,
    greetingName: brokerAddressName(input.broker, locale),
    subject: input.repeat ? again.subject(input.tour.title) : r.subject(input.tour.title),
    htmlMiddle: html`${paragraph(intro)}
      <p style="margin:18px 0 8px;font-weight:600">${r.dataHeading}</p>
      ${detailsTable(rows)}
      ${button(input.link, r.button)}
      ${paragraph(r.validity(until))}
      ${linkFallback(r.linkFallback, input.link)}
      ${plainLink(input.leadLink, s.dashboardLinkHtml)}
      ${paragraph(r.replyHint(visitor))}`,
    textBlocks: [
      intro,
      `${r.dataHeading}:\n${detailsText(rows)}`,
      `${r.linkText}\n${input.link}`,
      r.validity(until),
      `${s.dashboardLinkText}\n${input.leadLink}`,
      r.replyHint(visitor),
    ],
  });
}
