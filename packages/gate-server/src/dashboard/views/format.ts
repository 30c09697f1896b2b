/**
 * Small formatters shared by the dashboard views: dates and times in the brokers' time zone
 * (Europe/Berlin) in the page's language — German pages "17.11.2026, 14:05", English pages
 * "17 Nov 2026, 14:05" —, display names for every stored code (status, salutation, viewpoint,
 * mail kind), never the code itself.
 */
import { SALUTATION_LABELS, viewpointLabel } from '@tour-gate/shared';
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import { decodeDetail } from '../../store/codecs.ts';
import type { LogEntry, Registration } from '../../store/schema.ts';
import type { Html } from '../../util/html.ts';
import type { DashLocale, DashStrings } from '../strings.ts';

const ZONE = 'Europe/Berlin';

const dateTime: Record<DashLocale, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: ZONE,
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: ZONE,
  }),
};

const dateOnly: Record<DashLocale, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
};

const dayMonth: Record<DashLocale, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
};

/** A moment, to the minute, in Berlin time: "17.11.2026, 14:05" / "17 Nov 2026, 14:05". */
export const when = (ms: number | null, l: DashLocale): string =>
  ms === null || ms === undefined ? '–' : dateTime[l].format(new Date(Number(ms)));

/** A calendar day `YYYY-MM-DD` (already a Berlin day): "17.11.2026" / "17 Nov 2026". */
export const dayLabel = (day: string, l: DashLocale): string => dateOnly[l].format(new Date(`${day}T00:00:00Z`));

/** A calendar day without the year: "17.11." / "17 Nov". */
export const shortDay = (day: string, l: DashLocale): string => {
  const s = dayMonth[l].format(new Date(`${day}T00:00:00Z`));
  return l === 'de' && !s.endsWith('.') ? `${s}.` : s;
};

/** A share as a percentage: "42 %" / "42%"; "–" without a base. */
export function percent(rate: number | null, l: DashLocale): string {
  if (rate === null) return '–';
  const n = new Intl.NumberFormat(l === 'de' ? 'de-DE' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: rate < 0.1 && rate > 0 ? 1 : 0,
  });
  return n.format(rate);
}

/** A whole number with the language's grouping: "1.234" / "1,234". */
export const num = (n: number, l: DashLocale): string =>
  new Intl.NumberFormat(l === 'de' ? 'de-DE' : 'en-GB').format(n);

export function duration(ms: number | null, s: DashStrings): string {
  if (ms === null) return s.tour.noMedian;
  if (ms < 60_000) return s.tour.immediate;
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} ${s.units.min}`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} ${s.units.h} ${min % 60} ${s.units.min}`;
  return `${(min / 1440).toFixed(1)} ${s.units.d}`;
}

/** The visitor's name as the core writes it in mails. */
export { visitorName as nameOf } from '../../core/registration.ts';

export const badge = (status: Registration['status'], s: DashStrings): Html =>
  html`<span class="badge ${status}">${s.status[status]}</span>`;

/** The salutation's word ("Frau", "Ms"); any other value as it was typed. */
export function salutationName(value: unknown, l: DashLocale): string {
  const v = String(value ?? '');
  const labels = SALUTATION_LABELS[l] as Record<string, string>;
  return Object.hasOwn(labels, v) ? (labels[v] as string) : v;
}

/** A viewpoint by its name for people (the tour's label, else the id made readable). */
export const viewpointName = (tour: Tour | undefined, id: string | null, l: DashLocale): string =>
  id === null || id === undefined ? '–' : viewpointLabel(tour?.config.viewpointLabels, id, l);

/** A logbook line: the event, with the mail's kind or who decided, in words. */
export function logText(e: Pick<LogEntry, 'kind' | 'detail'>, s: DashStrings): string {
  let detail: Record<string, unknown> = {};
  try {
    detail = decodeDetail(e.detail) as Record<string, unknown>;
  } catch {
    detail = {};
  }
  // A grant after a denial or a revocation says so ("doch freigegeben", "wieder freigegeben").
  const after = e.kind === 'granted' && (detail.after === 'denied' || detail.after === 'revoked') ? detail.after : null;
  const base = after ? s.grantedAfter[after] : (s.log[e.kind] ?? e.kind);
  const mail = typeof detail.mail === 'string' ? detail.mail : undefined;
  if (mail) return `${base}: ${(s.mailKinds as Record<string, string>)[mail] ?? mail}`;
  return typeof detail.by === 'string' ? `${base} (${detail.by})` : base;
}

export const csrfInput = (csrf: string): Html => html`<input type="hidden" name="csrf" value="${csrf}">`;
