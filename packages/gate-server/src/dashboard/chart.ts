/**
 * Registrations per day as a plain inline SVG bar chart: no script, no external request, so the
 * strict CSP holds. It draws exactly the period asked for ("letzte 7 Tage": 7 bars, the last
 * one today); all time runs from the first day with data. Periods longer than 92 days are
 * bucketed by week so a bar stays wide enough to see. Each bar has a `<title>` as its tooltip.
 *
 * The SVG holds only the bars and is stretched to the card's width at a fixed height; the axis
 * labels (largest count, first, middle and last day) are HTML text around it, so they keep the
 * page's font size on a 360 px phone instead of shrinking with the drawing.
 */
import { html } from 'hono/html';
import type { Html } from '../util/html.ts';
import { DAY_MS } from '../util/time.ts';

const W = 720;
const H = 160;
const MAX_BARS = 92;

const dayMs = (d: string): number => Date.parse(`${d}T00:00:00Z`);
const dayStr = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface ChartInput {
  perDay: { day: string; registrations: number }[];
  /** First day drawn (inclusive); without it, the first day with data. */
  from?: string | undefined;
  /** Last day drawn (inclusive); without it, the last day with data. */
  to?: string | undefined;
  /** A bar's tooltip, from its first day, its last day and its count. */
  label: (from: string, to: string, n: number) => string;
  /** A day on the axis ("17.11."). */
  axisDay: (day: string) => string;
  title: string;
}

interface Bucket {
  day: string;
  last: string;
  n: number;
}

/** The bars of a chart: one per day of the period, or one per week past 92 days. */
function chartBuckets(o: Pick<ChartInput, 'perDay' | 'from' | 'to'>): Bucket[] {
  const counts = new Map(o.perDay.map((p) => [p.day, p.registrations]));
  const first = o.from ?? o.perDay[0]?.day;
  const last = o.to ?? o.perDay[o.perDay.length - 1]?.day;
  if (!first || !last) return [];
  const start = dayMs(first);
  const end = dayMs(last);
  if (end < start) return [];
  const days = Math.round((end - start) / DAY_MS) + 1;
  const step = days > MAX_BARS ? 7 : 1;
  const buckets: Bucket[] = [];
  for (let t = start; t <= end; t += step * DAY_MS) {
    let n = 0;
    const lastT = Math.min(end, t + (step - 1) * DAY_MS);
    for (let u = t; u <= lastT; u += DAY_MS) n += counts.get(dayStr(u)) ?? 0;
    buckets.push({ day: dayStr(t), last: dayStr(lastT), n });
  }
  return buckets;
}

export function registrationsChart(o: ChartInput): Html {
  const buckets = chartBuckets(o);
  if (!buckets.length) return html``;
  const max = Math.max(1, ...buckets.map((b) => b.n));
  const bw = W / buckets.length;
  const gap = Math.min(2, bw * 0.2);
  const bars = buckets.map((b, i) => {
    const h = (b.n / max) * (H - 2);
    return html`<rect
      x="${(i * bw + gap / 2).toFixed(2)}"
      y="${(H - h).toFixed(2)}"
      width="${Math.max(0.5, bw - gap).toFixed(2)}"
      height="${h.toFixed(2)}"
      fill="#1f5f8b"><title>${o.label(b.day, b.last, b.n)}</title></rect>`;
  });
  const mid = buckets[Math.floor((buckets.length - 1) / 2)] as Bucket;
  const firstB = buckets[0] as Bucket;
  const lastB = buckets[buckets.length - 1] as Bucket;
  return html`<figure class="chart" data-bars="${buckets.length}">
  <div class="chart-y" aria-hidden="true"><span>${max}</span><span>0</span></div>
  <svg
    viewBox="0 0 ${W} ${H}" width="100%" height="${H}" preserveAspectRatio="none"
    role="img" aria-label="${o.title}" xmlns="http://www.w3.org/2000/svg">
    <line x1="0" y1="0.5" x2="${W}" y2="0.5" stroke="#eef1f4" vector-effect="non-scaling-stroke"/>
    ${bars}
    <line x1="0" y1="${H - 0.5}" x2="${W}" y2="${H - 0.5}" stroke="#c3ccd6" vector-effect="non-scaling-stroke"/>
  </svg>
  <div class="chart-x" aria-hidden="true">
    <span>${o.axisDay(firstB.day)}</span>
    ${buckets.length > 2 ? html`<span>${o.axisDay(mid.day)}</span>` : ''}
    <span>${o.axisDay(lastB.day)}</span>
  </div>
</figure>`;
}
