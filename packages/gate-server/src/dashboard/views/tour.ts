/**
 * One tour: the requests waiting for a decision first, then the period's figures — funnel with
 * the share that went on at each step (and the period before, to compare), the requests by
 * state, registrations per day, per viewpoint, median release time — and the exports. Every
 * count that stands for leads links to the leads list filtered to them.
 */
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { Registration } from '../../store/schema.ts';
import { FUNNEL, type FunnelKey, STATUSES, type TourStats } from '../../store/statistics.ts';
import type { Html } from '../../util/html.ts';
import { registrationsChart } from '../chart.ts';
import type { DashLocale, DashStrings } from '../strings.ts';
import { csrfInput, dayLabel, duration, nameOf, num, percent, shortDay, viewpointName, when } from './format.ts';

export const PERIODS = [7, 30, 90, 365] as const;

export interface TourViewInput {
  s: DashStrings;
  locale: DashLocale;
  tour: Tour;
  stats: TourStats;
  /** The period of the same length before, when comparing. */
  previous?: TourStats | undefined;
  pending: Registration[];
  csrf: string;
  days: number | undefined;
  /** Today (Berlin): the last day of the chart of all time. */
  today?: string | undefined;
  notice?: string | undefined;
}

const leadsBase = (v: TourViewInput) => `/dashboard/tours/${v.tour.config.id}/leads`;

/** The leads list filtered to the period (and a state). */
function leadsLink(v: TourViewInput, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (v.stats.period.from) p.set('from', v.stats.period.from);
  if (v.stats.period.to && v.days) p.set('to', v.stats.period.to);
  for (const [k, val] of Object.entries(extra)) p.set(k, val);
  const q = p.toString();
  return `${leadsBase(v)}${q ? `?${q}` : ''}`;
}

/** Funnel steps that are leads in a state: their count links to that list. */
const STEP_STATUS: Partial<Record<FunnelKey, string>> = {
  released: 'released',
  granted: 'granted',
  denied: 'denied',
  revoked: 'revoked',
};

function periodNav(v: TourViewInput, compare: boolean): Html {
  const base = `/dashboard/tours/${v.tour.config.id}`;
  const href = (d: number | undefined, cmp: boolean) => {
    const p = new URLSearchParams();
    if (d) p.set('days', String(d));
    if (cmp && d) p.set('compare', '1');
    const q = p.toString();
    return q ? `${base}?${q}` : base;
  };
  const link = (d: number | undefined, label: string) =>
    d === v.days
      ? html`<strong aria-current="page">${label}</strong>`
      : html`<a href="${href(d, compare)}">${label}</a>`;
  const { from, to } = v.stats.period;
  return html`<nav class="card periods" aria-label="${v.s.tour.period}">
    <span>${v.s.tour.period}:</span> ${link(undefined, v.s.tour.all)}
    ${PERIODS.map((d) => html` · ${link(d, v.s.tour.days(d))}`)}
    ${
      v.days && from && to
        ? html`<span class="muted">(${v.s.tour.periodRange(dayLabel(from, v.locale), dayLabel(to, v.locale))})</span>
          <a href="${href(v.days, !compare)}">${compare ? v.s.tour.compareOff : v.s.tour.compare}</a>`
        : ''
    }
  </nav>`;
}

function change(now: number, before: number, l: DashLocale, s: DashStrings): string {
  if (before === 0) return now === 0 ? '±0' : s.tour.newInPeriod;
  const r = (now - before) / before;
  const sign = r > 0 ? '+' : r < 0 ? '−' : '±';
  return `${sign}${percent(Math.abs(r), l)}`;
}

function funnel(v: TourViewInput): Html {
  const f = v.stats.funnel;
  const { s, locale: l } = v;
  const max = Math.max(1, ...FUNNEL.map(([k]) => f[k]));
  // Steps of the other release mode (and revocations) only while they have happened.
  const other = v.tour.config.mode === 'email' ? ['granted', 'denied', 'revoked'] : ['released', 'revoked'];
  const rates = new Map(v.stats.conversions.map((c) => [c.to, c.rate]));
  const prev = v.previous?.funnel;
  const rows = FUNNEL.filter(([k]) => !other.includes(k) || f[k] > 0 || (prev?.[k] ?? 0) > 0).map(([k]) => {
    const status = STEP_STATUS[k];
    const count = html`<span data-metric="${k}">${num(f[k], l)}</span>`;
    const linked =
      k === 'registrations'
        ? html`<a href="${leadsLink(v)}">${count}</a>`
        : k === 'opened'
          ? html`<a href="${leadsLink(v, { opened: '1' })}">${count}</a>`
          : status
            ? html`<a href="${leadsLink(v, { status })}">${count}</a>`
            : count;
    return html`<tr>
      <th scope="row" data-label="">${s.funnel[k]}</th>
      <td class="n" data-label="${s.tour.count}">${linked}</td>
      <td class="n" data-label="${s.tour.conversion}">${rates.has(k) ? percent(rates.get(k) ?? null, l) : ''}</td>
      ${
        prev
          ? html`<td class="n" data-label="${s.tour.previous}"><span data-previous="${k}">${num(prev[k], l)}</span>
              <span class="muted">${change(f[k], prev[k], l, s)}</span></td>`
          : ''
      }
      <td class="bar-cell" aria-hidden="true">
        <svg viewBox="0 0 100 10" width="100%" height="10" preserveAspectRatio="none">
          <rect
            width="${((f[k] / max) * 100).toFixed(2)}"
            height="10"
            rx="2"
            fill="${k === 'denied' || k === 'revoked' ? '#b4443c' : '#1f5f8b'}"/>
        </svg>
      </td>
    </tr>`;
  });
  return html`<div class="card"><h2>${s.funnel.heading}</h2>
  <table class="funnel">
    <thead><tr>
      <th><span class="sr">${s.funnel.heading}</span></th><th class="n">${s.tour.count}</th>
      <th class="n" title="${s.tour.conversionHint}">${s.tour.conversion}</th>
      ${prev ? html`<th class="n">${s.tour.previous}</th>` : ''}
      <th><span class="sr">${s.tour.chartAxis}</span></th>
    </tr></thead>
    <tbody>${rows}</tbody>
  </table>
  <p class="muted small">${s.tour.conversion}: ${s.tour.conversionHint}.</p>
</div>`;
}

function states(v: TourViewInput): Html {
  const st = v.stats.status;
  const items = STATUSES.filter((k) => st[k] > 0 || (k === 'pending' && v.tour.config.mode === 'manual')).map(
    (k) => html`<li><a href="${leadsLink(v, { status: k })}"
        ><span class="badge ${k}">${v.s.status[k]}</span> <strong data-state="${k}">${num(st[k], v.locale)}</strong></a></li>`,
  );
  return html`<div class="card">
    <h2>${v.s.tour.stateHeading}</h2>
    <ul class="states">${items}</ul>
    <p><a href="${leadsLink(v)}">${v.s.leads.count(st.total)} →</a></p>
  </div>`;
}

function viewpoints(v: TourViewInput): Html {
  const { s, locale: l } = v;
  const rows = v.stats.perViewpoint.map(
    (p) => html`<tr data-viewpoint="${p.viewpoint}">
      <th scope="row" data-label="${s.tour.viewpoint}">${viewpointName(v.tour, p.viewpoint, l)}</th>
      <td class="n" data-label="${s.tour.vpLockedClicks}" data-vp="lockedClicks">${num(p.lockedClicks, l)}</td>
      <td class="n" data-label="${s.tour.vpMasks}" data-vp="masksShown">${num(p.masksShown, l)}</td>
      <td class="n" data-label="${s.tour.vpRegistrations}" data-vp="registrations"
        ><a href="${leadsLink(v, { viewpoint: p.viewpoint })}">${num(p.registrations, l)}</a></td>
      <td class="n" data-label="${s.tour.vpViews}" data-vp="views">${num(p.views, l)}</td>
    </tr>`,
  );
  return html`<div class="card" id="viewpoints"><h2>${s.tour.viewpoints}</h2>
  ${
    rows.length
      ? html`<table class="cards">
        <thead><tr>
          <th>${s.tour.viewpoint}</th><th class="n">${s.tour.vpLockedClicks}</th><th class="n">${s.tour.vpMasks}</th>
          <th class="n">${s.tour.vpRegistrations}</th><th class="n">${s.tour.vpViews}</th>
        </tr></thead>
        <tbody>${rows}</tbody>
      </table>
      <p class="muted small">${s.tour.viewpointsHint}</p>`
      : html`<p class="muted">${s.tour.viewpointsNone}</p>`
  }
</div>`;
}

function pendingList(v: TourViewInput): Html {
  if (v.tour.config.mode !== 'manual' && !v.pending.length) return html``;
  const base = leadsBase(v);
  const decide = (r: Registration, decision: 'grant' | 'deny', cls: string, text: string) =>
    html`<form class="inline" method="post" action="${base}/${r.id}/decide">
      ${csrfInput(v.csrf)}
      <input type="hidden" name="decision" value="${decision}">
      <button class="${cls}" type="submit">${text}</button>
    </form>`;
  const items = v.pending.map(
    (r) => html`<tr>
      <td data-label="${v.s.leads.name}"><a href="${base}/${r.id}">${nameOf(r) || r.email}</a><br>
        <span class="muted">${r.email}</span></td>
      <td data-label="${v.s.leads.created}">${when(r.created_at, v.locale)}</td>
      <td class="actions">
        ${decide(r, 'grant', 'primary', v.s.lead.grant)}
        ${decide(r, 'deny', 'danger', v.s.lead.deny)}
      </td>
    </tr>`,
  );
  return html`<div class="card" id="pending">
  <h2>${v.s.tour.pending}
    <a class="badge pending" href="${base}?status=pending" data-metric="pending">${num(v.stats.status.pending, v.locale)}</a></h2>
  ${items.length ? html`<table class="cards">${items}</table>` : html`<p class="muted">${v.s.tour.noPending}</p>`}
</div>`;
}

export function exportLinks(s: DashStrings, href: (extra: Record<string, string>) => string): Html {
  return html`<ul class="exports">
    <li><a href="${href({ format: 'xlsx' })}">${s.leads.xlsx}</a></li>
    <li><a href="${href({ format: 'csv', separator: ';' })}">${s.leads.csvSemicolon}</a></li>
    <li><a href="${href({ format: 'csv' })}">${s.leads.csv}</a></li>
    <li><a href="${href({ format: 'json' })}">${s.leads.json}</a></li>
    <li><a href="${href({ format: 'openimmo' })}">${s.leads.openimmo}</a></li>
  </ul>`;
}

export function tourView(v: TourViewInput, compare = false): Html {
  const id = v.tour.config.id;
  const { s, locale: l } = v;
  const chart = v.stats.perDay.length
    ? registrationsChart({
        perDay: v.stats.perDay,
        from: v.stats.period.from ?? undefined,
        to: v.stats.period.to ?? v.today,
        label: (from, to, n) =>
          s.tour.chartLabel(from === to ? dayLabel(from, l) : `${dayLabel(from, l)} – ${dayLabel(to, l)}`, n),
        axisDay: (d) => shortDay(d, l),
        title: s.tour.perDay,
      })
    : html`<p class="muted">${s.tour.chartEmpty}</p>`;
  const exp = (extra: Record<string, string>) => {
    const p = new URLSearchParams(extra);
    if (v.days && v.stats.period.from) p.set('from', v.stats.period.from);
    if (v.days && v.stats.period.to) p.set('to', v.stats.period.to);
    return `/dashboard/tours/${id}/export?${p}`;
  };
  const median = v.stats.medianReleaseMs;
  return html`<p><a href="/dashboard">← ${s.nav.tours}</a></p>
<h1>${v.tour.config.title} <span class="badge">${s.modes[v.tour.config.mode]}</span></h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${pendingList(v)}
${periodNav(v, compare)}
<div class="grid">
  ${funnel(v)}
  <div>
    ${states(v)}
    <div class="card">
      <h2>${s.tour.median}</h2>
      <p class="big" data-metric="medianReleaseMs" data-value="${median ?? ''}">${duration(median, s)}</p>
    </div>
  </div>
</div>
<div class="card"><h2>${s.tour.perDay}</h2>${chart}</div>
${viewpoints(v)}
<div class="card">
  <h2>${s.tour.export}</h2>
  ${exportLinks(s, exp)}
</div>`;
}
