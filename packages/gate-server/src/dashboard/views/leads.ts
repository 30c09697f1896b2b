/** The leads table: search, filters by state and period, pages of 50, export of the selection. */
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { LeadFilter } from '../../store/leads.ts';
import type { Registration } from '../../store/schema.ts';
import { STATUSES } from '../../store/statistics.ts';
import type { Html } from '../../util/html.ts';
import type { DashLocale, DashStrings } from '../strings.ts';
import { badge, nameOf, viewpointName, when } from './format.ts';
import { exportLinks } from './tour.ts';

export interface LeadsViewInput {
  s: DashStrings;
  locale: DashLocale;
  tour: Tour;
  filter: LeadFilter;
  rows: Registration[];
  total: number;
  page: number;
  pages: number;
  notice?: string | undefined;
}

function query(filter: LeadFilter, extra: Record<string, string>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({
    q: filter.q,
    status: filter.status,
    from: filter.from,
    to: filter.to,
    opened: filter.opened ? '1' : undefined,
    viewpoint: filter.viewpoint,
    ...extra,
  })) {
    if (v) p.set(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function leadsView(v: LeadsViewInput): Html {
  const { s, filter } = v;
  const base = `/dashboard/tours/${v.tour.config.id}`;
  const options = STATUSES.map(
    (st) => html`<option value="${st}" ${filter.status === st ? 'selected' : ''}>${s.status[st]}</option>`,
  );
  const form = html`<form class="row" method="get" action="${base}/leads">
  <div>
    <label for="q">${s.leads.search}</label>
    <input id="q" name="q" type="search" value="${filter.q ?? ''}" placeholder="${s.leads.searchPlaceholder}">
  </div>
  <div>
    <label for="status">${s.leads.status}</label>
    <select id="status" name="status"><option value="">${s.leads.anyStatus}</option>${options}</select>
  </div>
  <div>
    <label for="from">${s.leads.from}</label>
    <input id="from" name="from" type="date" value="${filter.from ?? ''}">
  </div>
  <div><label for="to">${s.leads.to}</label><input id="to" name="to" type="date" value="${filter.to ?? ''}"></div>
  ${
    filter.opened
      ? html`<div><label><input type="checkbox" name="opened" value="1" checked> ${s.leads.openedOnly}</label></div>`
      : ''
  }
  ${
    filter.viewpoint
      ? html`<div><label><input type="checkbox" name="viewpoint" value="${filter.viewpoint}" checked>
          ${s.lead.viewpoint}: ${viewpointName(v.tour, filter.viewpoint, v.locale)}</label></div>`
      : ''
  }
  <div><button class="plain" type="submit">${s.leads.apply}</button></div>
</form>`;
  // On a phone each row is a card: every cell with its column's name above (CSS in page.ts).
  const rows = v.rows.map(
    (r) => html`<tr>
      <th scope="row" data-label="${s.leads.name}"><a href="${base}/leads/${r.id}">${nameOf(r) || r.email}</a></th>
      <td data-label="${s.leads.email}" class="email">${r.email}</td>
      <td data-label="${s.leads.status}">${badge(r.status, s)}</td>
      <td data-label="${s.lead.viewpoint}">${viewpointName(v.tour, r.viewpoint, v.locale)}</td>
      <td data-label="${s.leads.created}">${when(r.created_at, v.locale)}</td>
    </tr>`,
  );
  const pageLink = (n: number, rel: 'prev' | 'next', text: string) =>
    html`<a href="${base}/leads${query(filter, { page: String(n) })}" rel="${rel}">${text}</a>`;
  const pager = html`<div class="pager">
    ${v.page > 1 ? pageLink(v.page - 1, 'prev', s.leads.prev) : ''}
    <span class="muted">${s.leads.page(v.page, v.pages)}</span>
    ${v.page < v.pages ? pageLink(v.page + 1, 'next', s.leads.next) : ''}
  </div>`;
  const table = html`<table class="cards">
    <thead><tr>
      <th>${s.leads.name}</th><th>${s.leads.email}</th><th>${s.leads.status}</th><th>${s.lead.viewpoint}</th>
      <th>${s.leads.created}</th>
    </tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
  const exp = (extra: Record<string, string>) => `${base}/export${query(filter, extra)}`;
  return html`<p><a href="${base}">← ${v.tour.config.title}</a></p>
<h1>${s.leads.heading}: ${v.tour.config.title}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<div class="card">${form}</div>
<div class="card">
  <p><strong data-metric="total">${s.leads.count(v.total)}</strong></p>
  ${rows.length ? html`${table}${pager}` : html`<p class="muted">${s.leads.none}</p>`}
</div>
<div class="card"><h2>${s.tour.export}</h2>${exportLinks(s, exp)}</div>`;
}
