/** One tour: funnel, registrations per day, median release time, pending requests, export. */
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { Registration } from '../../store/schema.ts';
import { FUNNEL, type TourStats } from '../../store/statistics.ts';
import type { Html } from '../../util/html.ts';
import { registrationsChart } from '../chart.ts';
import type { DashLocale, DashStrings } from '../strings.ts';
import { csrfInput, duration, nameOf, when } from './format.ts';

export const PERIODS = [7, 30, 90, 365] as const;

export interface TourViewInput {
  s: DashStrings;
  locale: DashLocale;
  tour: Tour;
  stats: TourStats;
  pending: Registration[];
  csrf: string;
  days: number | undefined;
  notice?: string | undefined;
}

function periodNav(v: TourViewInput): Html {
  const base = `/dashboard/tours/${v.tour.config.id}`;
  const link = (d: number | undefined, label: string) =>
    d === v.days ? html`<strong>${label}</strong>` : html`<a href="${d ? `${base}?days=${d}` : base}">${label}</a>`;
  return html`<p class="row">
    ${v.s.tour.period}: ${link(undefined, v.s.tour.all)}
    ${PERIODS.map((d) => html` · ${link(d, v.s.tour.days(d))}`)}
  </p>`;
}

function funnel(v: TourViewInput): Html {
  const f = v.stats.funnel;
  const max = Math.max(1, ...FUNNEL.map(([k]) => f[k]));
  // Steps of the other release mode (and revocations) only while they have happened.
  const other = v.tour.config.mode === 'email' ? ['granted', 'denied', 'revoked'] : ['released', 'revoked'];
  const rows = FUNNEL.filter(([k]) => !other.includes(k) || f[k] > 0).map(
    ([k]) => html`<tr>
      <th scope="row">${v.s.funnel[k]}</th>
      <td class="n" data-metric="${k}">${f[k]}</td>
      <td width="45%">
        <svg viewBox="0 0 100 10" width="100%" height="10" preserveAspectRatio="none" aria-hidden="true">
          <rect
            width="${((f[k] / max) * 100).toFixed(2)}"
            height="10"
            rx="2"
            fill="${k === 'denied' || k === 'revoked' ? '#b4443c' : '#1f5f8b'}"/>
        </svg>
      </td>
    </tr>`,
  );
  return html`<div class="card"><h2>${v.s.funnel.heading}</h2><table class="funnel">${rows}</table></div>`;
}

function pendingList(v: TourViewInput): Html {
  if (v.tour.config.mode !== 'manual' && !v.pending.length) return html``;
  const base = `/dashboard/tours/${v.tour.config.id}/leads`;
  const decide = (r: Registration, decision: 'grant' | 'deny', cls: string, text: string) =>
    html`<form class="inline" method="post" action="${base}/${r.id}/decide">
      ${csrfInput(v.csrf)}
      <input type="hidden" name="decision" value="${decision}">
      <button class="${cls}" type="submit">${text}</button>
    </form>`;
  const items = v.pending.map(
    (r) => html`<tr>
      <td><a href="${base}/${r.id}">${nameOf(r) || r.email}</a><br><span class="muted">${r.email}</span></td>
      <td>${when(r.created_at, v.locale)}</td>
      <td>
        ${decide(r, 'grant', 'primary', v.s.lead.grant)}
        ${decide(r, 'deny', 'danger', v.s.lead.deny)}
      </td>
    </tr>`,
  );
  return html`<div class="card" id="pending">
  <h2>${v.s.tour.pending} <span class="badge pending" data-metric="pending">${v.stats.status.pending}</span></h2>
  ${items.length ? html`<table>${items}</table>` : html`<p class="muted">${v.s.tour.noPending}</p>`}
</div>`;
}

export function tourView(v: TourViewInput): Html {
  const id = v.tour.config.id;
  const chart = v.stats.perDay.length
    ? registrationsChart({
        perDay: v.stats.perDay,
        from: v.stats.period.from ?? undefined,
        to: v.stats.period.to ?? undefined,
        label: v.s.tour.chartLabel,
        title: v.s.tour.perDay,
      })
    : html`<p class="muted">${v.s.tour.chartEmpty}</p>`;
  const exp = `/dashboard/tours/${id}/export`;
  const median = v.stats.medianReleaseMs;
  return html`<p><a href="/dashboard">← ${v.s.nav.tours}</a></p>
<h1>${v.tour.config.title} <span class="badge">${v.s.modes[v.tour.config.mode]}</span></h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${periodNav(v)}
<div class="grid">
  ${funnel(v)}
  <div>
    <div class="card">
      <h2>${v.s.tour.median}</h2>
      <p class="big" data-metric="medianReleaseMs" data-value="${median ?? ''}">${duration(median, v.s)}</p>
    </div>
    <div class="card">
      <h2>${v.s.tour.leads}</h2>
      <p><a href="/dashboard/tours/${id}/leads">${v.s.leads.count(v.stats.status.total)} →</a></p>
      <h2>${v.s.tour.export}</h2>
      <p><a href="${exp}?format=csv&amp;separator=%3B">${v.s.leads.csvSemicolon}</a> ·
        <a href="${exp}?format=csv">${v.s.leads.csv}</a> ·
        <a href="${exp}?format=json">${v.s.leads.json}</a> ·
        <a href="${exp}?format=openimmo">${v.s.leads.openimmo}</a></p>
    </div>
  </div>
</div>
<div class="card"><h2>${v.s.tour.perDay}</h2>${chart}</div>
${pendingList(v)}`;
}
