/**
 * Registrations per day as a plain inline SVG bar chart: no script, no external request, so the
 * strict CSP holds. Days without registrations are drawn as gaps; long periods are bucketed by
 * week so a bar stays wide enough to see. Each bar has a `<title>` as its tooltip.
 */
import { html } from 'hono/html';
import type { Html } from '../util/html.ts';
import { DAY_MS } from '../util/time.ts';

const W = 720;
const H = 180;
const PAD = { left: 34, right: 8, top: 10, bottom: 24 };
const MAX_BARS = 92;

const dayMs = (d: string): number => Date.parse(`${d}T00:00:00Z`);
const dayStr = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface ChartInput {
  perDay: { day: string; registrations: number }[];
  from?: string | undefined;
  to?: string | undefined;
  label: (day: string, n: number) => string;
  title: string;
}

export function registrationsChart(o: ChartInput): Html {
  const counts = new Map(o.perDay.map((p) => [p.day, p.registrations]));
  const first = o.from ?? o.perDay[0]?.day;
  const last = o.to ?? o.perDay[o.perDay.length - 1]?.day;
  if (!first || !last) return html``;
  let start = dayMs(first);
  const end = dayMs(last);
  if ((end - start) / DAY_MS < 13) start = end - 13 * DAY_MS;
  const days = Math.round((end - start) / DAY_MS) + 1;
  const step = days > MAX_BARS ? 7 : 1;
  const buckets: { day: string; n: number }[] = [];
  for (let t = start; t <= end; t += step * DAY_MS) {
    let n = 0;
    for (let i = 0; i < step; i++) n += counts.get(dayStr(t + i * DAY_MS)) ?? 0;
    buckets.push({ day: dayStr(t), n });
  }
  const max = Math.max(1, ...buckets.map((b) => b.n));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / buckets.length;
  const bars = buckets.map((b, i) => {
    const h = (b.n / max) * plotH;
    const x = PAD.left + i * bw;
    return html`<rect
      x="${x.toFixed(1)}"
      y="${(PAD.top + plotH - h).toFixed(1)}"
      width="${Math.max(1, bw - 1).toFixed(1)}"
      height="${h.toFixed(1)}"
      fill="#1f5f8b"><title>${o.label(b.day, b.n)}</title></rect>`;
  });
  const baseY = PAD.top + plotH;
  const right = W - PAD.right;
  return html`<svg
  viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${o.title}" xmlns="http://www.w3.org/2000/svg">
<line x1="${PAD.left}" y1="${baseY}" x2="${right}" y2="${baseY}" stroke="#c3ccd6"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${right}" y2="${PAD.top}" stroke="#eef1f4"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>
<text x="${PAD.left - 6}" y="${baseY}" text-anchor="end">0</text>
${bars}
<text x="${PAD.left}" y="${H - 6}">${buckets[0]?.day}</text>
<text x="${right}" y="${H - 6}" text-anchor="end">${buckets[buckets.length - 1]?.day}</text>
</svg>`;
}
