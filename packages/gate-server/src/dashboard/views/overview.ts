/**
 * The tours overview: first the requests waiting for the broker's decision (across all tours),
 * then one row per tour of the signed-in broker, every count a link to its leads list. On a
 * phone the rows stand as cards (label above value), so the page never scrolls sideways.
 */
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { Registration } from '../../store/schema.ts';
import type { TourStats } from '../../store/statistics.ts';
import type { Html } from '../../util/html.ts';
import type { DashLocale, DashStrings } from '../strings.ts';
import { nameOf, num, when } from './format.ts';

export interface OverviewRow {
  tour: Tour;
  stats: TourStats;
  /** The newest requests waiting for a decision (manual release). */
  pending: Registration[];
}

function pendingCard(s: DashStrings, l: DashLocale, rows: OverviewRow[]): Html {
  const manual = rows.filter((r) => r.tour.config.mode === 'manual' || r.pending.length);
  if (!manual.length) return html``;
  const items = manual.flatMap(({ tour, pending }) =>
    pending.map(
      (r) => html`<li>
        <a href="/dashboard/tours/${tour.config.id}/leads/${r.id}">${nameOf(r) || r.email}</a>
        <span class="muted">${s.overview.pendingIn(tour.config.title)} · ${when(r.created_at, l)}</span>
      </li>`,
    ),
  );
  return html`<div class="card" id="pending">
  <h2>${s.overview.pendingHeading}</h2>
  ${items.length ? html`<ul class="plain">${items}</ul>` : html`<p class="muted">${s.overview.pendingNone}</p>`}
</div>`;
}

export function overviewView(s: DashStrings, rows: OverviewRow[], l: DashLocale = 'de'): Html {
  if (!rows.length) return html`<h1>${s.overview.heading}</h1><p class="card">${s.overview.none}</p>`;
  const body = rows.map(({ tour, stats }) => {
    const leads = `/dashboard/tours/${tour.config.id}/leads`;
    return html`<tr>
      <th scope="row" data-label="${s.overview.tour}">
        <a href="/dashboard/tours/${tour.config.id}">${tour.config.title}</a>
      </th>
      <td data-label="${s.overview.mode}">${s.modes[tour.config.mode]}</td>
      <td class="n" data-label="${s.overview.registrations}">
        <a href="${leads}" data-metric="registrations">${num(stats.funnel.registrations, l)}</a>
      </td>
      <td class="n" data-label="${s.overview.pending}">
        <a href="${leads}?status=pending" data-metric="pending">${num(stats.status.pending, l)}</a>
      </td>
      <td class="n" data-label="${s.overview.opened}">
        <a href="${leads}?opened=1" data-metric="opened">${num(stats.funnel.opened, l)}</a>
      </td>
    </tr>`;
  });
  return html`<h1>${s.overview.heading}</h1>
${pendingCard(s, l, rows)}
<div class="card">
  <table class="cards">
    <thead><tr>
      <th>${s.overview.tour}</th>
      <th>${s.overview.mode}</th>
      <th class="n">${s.overview.registrations}</th>
      <th class="n">${s.overview.pending}</th>
      <th class="n">${s.overview.opened}</th>
    </tr></thead>
    <tbody>${body}</tbody>
  </table>
</div>`;
}
