/**
 * The columns of a lead export. Two shapes:
 *
 * - `leadRecord`: the machine form (JSON export, webhooks): stored codes, ISO times in UTC.
 * - `exportColumns`: the people form (CSV and XLSX): headers in the broker's language, display
 *   values (the glossary's state, "Frau" for `ms`, "Deutschland" for `DE`, the viewpoint's
 *   name, "Ja"/"Nein"), times as Berlin wall-clock times. Each column says what kind of value
 *   it holds, so the XLSX writes real date cells and text cells, and the CSV knows which cells
 *   are postal codes and phone numbers.
 *
 * Fixed before the first row, so a streamed file has one header for every page.
 */
import {
  countryName,
  FIELD_LABELS,
  MARKETING_CONSENT_LABELS,
  type MarketingConsent,
  SALUTATION_LABELS,
  STANDARD_FIELD_KEYS,
  statusLabel,
  viewpointLabel,
} from '@tour-gate/shared';
import type { TourConfig } from '@tour-gate/shared/config';
import { decodeFields, marketingOf } from '../../store/codecs.ts';
import type { Registration } from '../../store/schema.ts';

type Locale = 'de' | 'en';

const iso = (ms: number | null): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export interface LeadRecord {
  id: string;
  tour: string;
  status: string;
  createdAt: string;
  releasedAt: string | null;
  decidedAt: string | null;
  firstOpenedAt: string | null;
  locale: string;
  viewpoint: string | null;
  fields: Record<string, unknown>;
  consent: {
    at: string;
    version: string;
    privacy: boolean;
    /** Marketing consent that counts: given, and the address confirmed by a mailed link (double opt-in). */
    marketing: boolean;
    /** How it was asked and answered: `not-asked` (the tour has no box), `declined`, `unconfirmed`, `confirmed`. */
    marketingState: MarketingConsent;
    /** When the visitor confirmed the address by opening a mailed link; null before. */
    marketingConfirmedAt: string | null;
  };
}

/** `tour`: the lead's tour, for records older than the question whether its marketing box was offered. */
export function leadRecord(r: Registration, tour: TourConfig | undefined): LeadRecord {
  const marketingState = marketingOf(r, Boolean(tour?.consent.marketing));
  return {
    id: r.id,
    tour: r.tour_id,
    status: r.status,
    createdAt: iso(r.created_at) as string,
    releasedAt: iso(r.released_at),
    decidedAt: iso(r.decided_at),
    firstOpenedAt: iso(r.first_opened_at),
    locale: r.locale,
    viewpoint: r.viewpoint,
    fields: decodeFields(r.fields),
    consent: {
      at: iso(r.consent_at) as string,
      version: r.consent_version,
      privacy: Boolean(Number(r.consent_privacy)),
      marketing: marketingState === 'confirmed',
      marketingState,
      marketingConfirmedAt: iso(r.consent_marketing_confirmed_at),
    },
  };
}

/** Field keys of a tour (all standard keys when the tour is unknown, e.g. deleted). */
function fieldKeys(tour: TourConfig | undefined): string[] {
  if (!tour) return [...STANDARD_FIELD_KEYS];
  const standard = STANDARD_FIELD_KEYS.filter((k) => k === 'email' || tour.fields[k] !== 'hidden');
  return [...standard, ...tour.customFields.map((f) => f.key)];
}

/**
 * What a column holds: `date` a moment (a Date whose UTC fields are the Berlin wall-clock
 * time, as spreadsheets have no time zones), `postal` and `phone` text that must stay text
 * (leading zeros, `+`), `text` anything else.
 */
type ColumnKind = 'text' | 'date' | 'postal' | 'phone';

export interface ExportColumn {
  header: string;
  kind: ColumnKind;
  /** Characters wide, for the XLSX. */
  width: number;
  value(r: Registration, fields: Record<string, unknown>): string | Date | null;
}

const WORDS = {
  de: {
    id: 'Interessenten-ID',
    created: 'Registriert am',
    status: 'Status',
    viewpoint: 'Angefragter Standpunkt',
    released: 'Freigegeben am',
    decided: 'Entschieden am',
    decidedBy: 'Entschieden von',
    opened: 'Link erstmals geöffnet am',
    language: 'Sprache',
    consentAt: 'Einwilligung erteilt am',
    consentVersion: 'Version der Einwilligungstexte',
    consentPrivacy: 'Datenschutzhinweise akzeptiert',
    consentMarketing: 'Werbeeinwilligung',
    marketingConfirmedAt: 'Werbeeinwilligung bestätigt am',
    yes: 'Ja',
    no: 'Nein',
    languages: { de: 'Deutsch', en: 'Englisch' } as Record<string, string>,
  },
  en: {
    id: 'Lead ID',
    created: 'Registered',
    status: 'Status',
    viewpoint: 'Viewpoint asked for',
    released: 'Released',
    decided: 'Decided',
    decidedBy: 'Decided by',
    opened: 'Link first opened',
    language: 'Language',
    consentAt: 'Consent given',
    consentVersion: 'Version of the consent texts',
    consentPrivacy: 'Privacy notice accepted',
    consentMarketing: 'Marketing consent',
    marketingConfirmedAt: 'Marketing consent confirmed',
    yes: 'Yes',
    no: 'No',
    languages: { de: 'German', en: 'English' } as Record<string, string>,
  },
} as const;

/** Berlin wall-clock time as a Date whose UTC fields show it (what a spreadsheet cell holds). */
const berlinParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
function berlinWallClock(ms: number | null): Date | null {
  if (ms === null || ms === undefined) return null;
  const p = Object.fromEntries(berlinParts.formatToParts(new Date(Number(ms))).map((x) => [x.type, x.value]));
  return new Date(Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!));
}

/** A mask value as people read it: salutation and country by name, options by label, Ja/Nein. */
function displayValue(tour: TourConfig | undefined, key: string, value: unknown, l: Locale): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? WORDS[l].yes : WORDS[l].no;
  const v = String(value);
  if (key === 'salutation') {
    const labels = SALUTATION_LABELS[l] as Record<string, string>;
    return Object.hasOwn(labels, v) ? (labels[v] as string) : v;
  }
  if (key === 'country' && /^[A-Z]{2}$/.test(v)) return countryName(v, l);
  const custom = tour?.customFields.find((f) => f.key === key);
  if (custom?.type === 'checkbox') return v === 'true' || v === 'on' || v === '1' ? WORDS[l].yes : WORDS[l].no;
  const option = custom?.options?.find((o) => o.value === v);
  return option?.label?.[l] ?? v;
}

/** The columns of a CSV or XLSX export, in the broker's language. */
export function exportColumns(tour: TourConfig | undefined, l: Locale): ExportColumn[] {
  const w = WORDS[l];
  const date = (header: string, get: (r: Registration) => number | null): ExportColumn => ({
    header,
    kind: 'date',
    width: 18,
    value: (r) => berlinWallClock(get(r)),
  });
  const fieldColumns = fieldKeys(tour).map((key): ExportColumn => {
    const custom = tour?.customFields.find((f) => f.key === key);
    const header =
      custom?.label[l] ?? (FIELD_LABELS[l] as Record<string, string>)[key] ?? key.replace(/([A-Z])/g, ' $1');
    const kind: ColumnKind =
      key === 'postalCode' ? 'postal' : key === 'phone' || custom?.type === 'tel' ? 'phone' : 'text';
    const width = key === 'message' || custom?.type === 'textarea' ? 40 : key === 'email' ? 30 : 16;
    return { header, kind, width, value: (_r, f) => displayValue(tour, key, f[key], l) };
  });
  return [
    date(w.created, (r) => r.created_at),
    { header: w.status, kind: 'text', width: 22, value: (r) => statusLabel(r.status, l) },
    ...fieldColumns,
    {
      header: w.viewpoint,
      kind: 'text',
      width: 20,
      value: (r) => (r.viewpoint ? viewpointLabel(tour?.viewpointLabels, r.viewpoint, l) : null),
    },
    date(w.released, (r) => r.released_at),
    date(w.decided, (r) => r.decided_at),
    { header: w.decidedBy, kind: 'text', width: 24, value: (r) => r.decided_by ?? null },
    date(w.opened, (r) => r.first_opened_at),
    { header: w.language, kind: 'text', width: 10, value: (r) => w.languages[r.locale] ?? r.locale },
    date(w.consentAt, (r) => r.consent_at),
    { header: w.consentVersion, kind: 'text', width: 12, value: (r) => r.consent_version },
    {
      header: w.consentPrivacy,
      kind: 'text',
      width: 12,
      value: (r) => (Number(r.consent_privacy) ? w.yes : w.no),
    },
    {
      header: w.consentMarketing,
      kind: 'text',
      width: 22,
      // A cell of its own, like the Ja/Nein beside it: capitalised.
      value: (r) => capitalised(MARKETING_CONSENT_LABELS[l][marketingOf(r, Boolean(tour?.consent.marketing))]),
    },
    date(w.marketingConfirmedAt, (r) => r.consent_marketing_confirmed_at),
    { header: w.id, kind: 'text', width: 38, value: (r) => r.id },
  ];
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One registration's cells, in the order of `columns`. */
export function exportValues(columns: readonly ExportColumn[], r: Registration): (string | Date | null)[] {
  const fields = decodeFields(r.fields);
  return columns.map((c) => c.value(r, fields));
}
