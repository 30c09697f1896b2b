/** Small formatters shared by the dashboard views. */
import { html } from 'hono/html';
import type { Registration } from '../../store/schema.ts';
import type { Html } from '../../util/html.ts';
import { formatDate } from '../../util/time.ts';
import type { DashLocale, DashStrings } from '../strings.ts';

export const when = (ms: number | null, l: DashLocale): string => (ms === null ? '–' : formatDate(Number(ms), l, true));

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

export const csrfInput = (csrf: string): Html => html`<input type="hidden" name="csrf" value="${csrf}">`;
