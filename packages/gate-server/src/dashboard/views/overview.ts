/** The tours overview: one row per tour of the signed-in broker. */
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { TourStats } from '../../store/statistics.ts';
import type { Html } from '../../util/html.ts';
import type { DashStrings } from '../strings.ts';

export function overviewView(s: DashStrings, rows: { tour: Tour; stats: TourStats }[]): Html {
  if (!rows.length) return html`<h1>${s.overview.heading}</h1><p class="card">${s.overview.none}</p>`;
  const body = rows.map(
    ({ tour, stats }) => html`<tr>
      <td>
        <a href="/dashboard/tours/${tour.config.id}">${tour.config.title}</a><br>
        <span class="muted">${tour.config.id}</span>
      </td>
      <td>${s.modes[tour.config.mode]}</td>
      <td class="n" data-metric="registrations">${stats.funnel.registrations}</td>
      <td class="n" data-metric="pending">${stats.status.pending}</td>
      <td class="n" data-metric="opened">${stats.funnel.opened}</td>
    </tr>`,
  );
  return html`<h1>${s.overview.heading}</h1>
<div class="card">
  <table>
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
