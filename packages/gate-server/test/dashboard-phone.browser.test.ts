/**
 * The dashboard and the review page on a 360 px phone and a 1280 px desktop, in the system
 * Chromium (playwright-core; no browser is downloaded). Every dashboard page reachable by a
 * link from the home page (crawled, so pages added later are measured too), in German and in
 * English, and the broker's review page: the document is no wider than the viewport and no
 * element's right edge passes it (test/layout-probe.ts). On the way: pending requests come
 * first, "letzte 7 Tage" draws 7 bars, the chart's labels are page text of a readable size,
 * visitor data is not in a monospace font, dates read like "17.11.2026, 14:05". Screenshots
 * of each page at both widths go to the untracked `test-output/screenshots/`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { measureLayout } from './layout-probe.ts';
import { reviewTokenFromOutbox } from './manual-helpers.ts';
import { events, register, seedHistory, visitor } from './seed.ts';

// Browser globals the page functions use (this project compiles without the DOM library).
declare const document: {
  createRange(): {
    setStart(node: unknown, offset: number): void;
    setEnd(node: unknown, offset: number): void;
    getClientRects(): ArrayLike<{ top: number }>;
  };
};
declare const getComputedStyle: (e: unknown) => { fontSize: string; fontFamily: string };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));
const WIDTHS = [360, 1280] as const;
const LONG_EMAIL = 'dieter.dennenmoser-langenfeld@beispiel-hausverwaltung-rheinland.example.org';

/** A page's name for its screenshot: `/dashboard/tours/x/leads?status=pending` → `tours-x-leads-status`. */
function shotName(url: string): string {
  const u = new URL(url);
  const path = u.pathname
    .replace(/^\/dashboard\/?/, 'dashboard/')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'lead')
    .replace(/\/review\/[A-Za-z0-9_-]+/, 'review')
    .replace(/[/]+/g, '-')
    .replace(/-$/, '');
  const q = [...u.searchParams.keys()].filter((k) => k !== 'lang').join('-');
  return `${path || 'review'}${q ? `-${q}` : ''}`;
}

/** Pages of the same kind (another lead, another page number) are measured once. */
function kindOf(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
  return `${path}?${[...u.searchParams.keys()].sort().join('&')}`;
}

const SKIP = /\/export|\/openimmo|\/logout|[?&]lang=|\/dev\//;

/**
 * Where the browser broke the lines of the element holding `text`: the character before each
 * break. An address broken "dieter.denne / nmoser" shows a letter there.
 */
async function lineBreaks(page: Page, selector: string, text: string): Promise<string[]> {
  return page.$$eval(
    selector,
    (els, t) => {
      const el = els.find((e) => e.textContent?.includes(t));
      const node = el && [...el.childNodes].find((n) => n.nodeType === 3 && n.textContent?.includes(t));
      if (!node) return ['not found'];
      const start = node.textContent!.indexOf(t);
      const range = document.createRange();
      const out: string[] = [];
      let top: number | undefined;
      for (let i = 0; i < t.length; i++) {
        range.setStart(node, start + i);
        range.setEnd(node, start + i + 1);
        const r = range.getClientRects()[0];
        if (!r) continue;
        if (top !== undefined && r.top > top + 2) out.push(t[i - 1]!);
        top = r.top;
      }
      return out;
    },
    text,
  );
}

describe.skipIf(!existsSync(CHROMIUM) || !BACKENDS.includes('sqlite'))('dashboard on a phone and a desktop', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let reviewPath: string;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      limits: {
        registrationPerIp: { max: 1e6, windowMs: 60_000 },
        registrationPerTour: { max: 1e6, windowMs: 60_000 },
        registrationPerNetwork: { max: 1e6, windowMs: 60_000 },
        eventsPerIp: { max: 1e6, windowMs: 60_000 },
        eventsPerTourClient: { max: 1e6, windowMs: 60_000 },
      },
    });
    await seedHistory(server);
    // The cases that broke the phone layout: a long address, a salutation, a room asked for.
    await register(server, 'gartenweg-3', {
      ...visitor('gartenweg-3', 900, {
        email: LONG_EMAIL,
        firstName: 'Dieter',
        lastName: 'Dennenmoser-Langenfeld',
        salutation: 'mr',
        postalCode: '01067',
        phone: '+49 351 98765432',
      }),
      viewpoint: 'wohnzimmer-mit-kamin',
    });
    await events(server, 'musterstrasse-12', ['tour-view', 'tour-view', 'tour-view']);
    reviewPath = `/review/${await reviewTokenFromOutbox(server, LONG_EMAIL)}`;
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    const client = await loginAs(server, 'anna@mueller-immobilien.example');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    await context.addCookies([{ name: 'tg_session', value: client.cookies.get('tg_session')!, url: base }]);
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Every dashboard page a link leads to from the home page, one of each kind. */
  async function crawl(): Promise<string[]> {
    const seen = new Map<string, string>();
    const queue = [`${base}/dashboard`];
    while (queue.length && seen.size < 40) {
      const url = queue.shift()!;
      if (seen.has(kindOf(url))) continue;
      const res = await page.goto(url);
      if (res?.status() !== 200 || !new URL(page.url()).pathname.startsWith('/dashboard')) continue;
      seen.set(kindOf(url), url);
      const links = await page.$$eval('a[href]:not([download])', (as) =>
        as.map((a) => (a as unknown as { href: string }).href),
      );
      for (const l of links) {
        if (l.startsWith(`${base}/dashboard`) && !SKIP.test(l) && !seen.has(kindOf(l))) queue.push(l.split('#')[0]!);
      }
    }
    return [...seen.values()];
  }

  it('keeps every page within 360 px and 1280 px, and shows what comes first on a phone', async () => {
    const pages = await crawl();
    // The pages this issue is about are among them.
    const kinds = pages.map(kindOf);
    for (const k of [
      '/dashboard?',
      '/dashboard/tours/gartenweg-3?',
      '/dashboard/tours/musterstrasse-12?days',
      '/dashboard/tours/musterstrasse-12/leads?',
      '/dashboard/tours/gartenweg-3/leads/:id?',
    ]) {
      expect(
        kinds.some((x) => x.startsWith(k.replace(/\?$/, '?')) || x === k),
        k,
      ).toBe(true);
    }
    const all = [
      ...pages,
      `${base}/dashboard/tours/musterstrasse-12?days=7&compare=1`,
      `${base}${reviewPath}`,
      // English: the switch is remembered, so these come last.
      `${base}/dashboard?lang=en`,
      `${base}/dashboard/tours/musterstrasse-12?days=30&compare=1&lang=en`,
      `${base}/dashboard/tours/gartenweg-3/leads?lang=en`,
    ];
    const report: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      for (const url of all) {
        await page.goto(url);
        if (url.includes('lang=en')) expect(await page.locator('html').getAttribute('lang')).toBe('en');
        const m = await measureLayout(page);
        const name = `${shotName(url)}${url.includes('lang=en') ? '-en' : ''}-${width}`;
        report.push(`${name}: scrollWidth ${m.scrollWidth} / viewport ${m.viewport}`);
        expect(m.overflowing, `${url} at ${width} px`).toEqual([]);
        expect(m.scrollWidth, `${url} at ${width} px`).toBeLessThanOrEqual(m.viewport);
        await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
      }
      await page.goto(`${base}/dashboard?lang=de`);
    }
    console.log(`layout:\n  ${report.join('\n  ')}`);
    expect(problems).toEqual([]);
  }, 300_000);

  it('puts pending requests first, draws the period asked for, and writes for people', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    // Home: the requests waiting for a decision come before the tours.
    await page.goto(`${base}/dashboard?lang=de`);
    const order = await page.$$eval('main > h1, main > .card', (els) => els.map((e) => e.id || e.tagName));
    expect(order.slice(0, 2)).toEqual(['H1', 'pending']);
    expect(await page.locator('#pending').textContent()).toContain('Dieter Dennenmoser-Langenfeld');
    // Tour page: pending first, before the period and the funnel.
    await page.goto(`${base}/dashboard/tours/gartenweg-3`);
    const first = await page.$$eval('main > .card, main > nav, main > .grid', (els) => els[0]?.id);
    expect(first).toBe('pending');
    // Every count on the home page is a link to its list.
    await page.goto(`${base}/dashboard`);
    const counts = await page.$$eval('[data-metric]', (els) => els.map((e) => e.closest('a')?.getAttribute('href')));
    expect(counts.length).toBeGreaterThan(0);
    for (const href of counts) expect(href).toMatch(/^\/dashboard\/tours\//);

    // "letzte 7 Tage" draws 7 days, "letzte 30 Tage" 30; the axis labels are page text.
    for (const days of [7, 30]) {
      await page.goto(`${base}/dashboard/tours/musterstrasse-12?days=${days}`);
      expect(await page.locator('figure.chart').getAttribute('data-bars')).toBe(String(days));
      expect(await page.locator('figure.chart svg rect').count()).toBe(days);
      const size = await page.$eval('.chart-x span', (e) => Number.parseFloat(getComputedStyle(e).fontSize));
      expect(size).toBeGreaterThanOrEqual(12);
      expect(await page.locator('.chart-x span').first().textContent()).toMatch(/^\d{2}\.\d{2}\.$/);
    }
    // Per viewpoint: the room by its name, not its id.
    await page.goto(`${base}/dashboard/tours/gartenweg-3`);
    expect(await page.locator('#viewpoints').textContent()).toContain('Wohnzimmer mit kamin');

    // The lead: salutation and viewpoint by name, German dates, not in monospace, whole email.
    await page.goto(`${base}/dashboard/tours/gartenweg-3/leads?q=dennenmoser`);
    await page.locator('table.cards a').first().click();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Herr');
    expect(text).not.toMatch(/\bmr\b/);
    expect(text).toContain('Wohnzimmer mit kamin');
    expect(text).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).toContain(LONG_EMAIL);
    // The address wraps only after a hyphen, a dot or the @, never inside a word.
    const breaks = await lineBreaks(page, 'dd pre', LONG_EMAIL);
    expect(breaks.length).toBeGreaterThan(0);
    for (const b of breaks) expect(b).toMatch(/[-.@]/);
    const fonts = await page.$$eval('dd pre', (els) => els.map((e) => getComputedStyle(e).fontFamily));
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f).not.toMatch(/mono/i);
    // The review page: the same, in its value column.
    await page.goto(`${base}${reviewPath}`);
    const reviewBreaks = await lineBreaks(page, 'td', LONG_EMAIL);
    expect(reviewBreaks.length).toBeGreaterThan(0);
    for (const b of reviewBreaks) expect(b).toMatch(/[-.@]/);
    await page.goto(`${base}/dashboard/tours/gartenweg-3/leads?q=dennenmoser`);
    await page.locator('table.cards a').first().click();
    // The logbook names the mails.
    expect(text).toContain('Prüf-Link an Sie');
    expect(text).not.toMatch(/\((review-request|confirmation|unlock)\)/);
    expect(problems).toEqual([]);
  }, 120_000);
});
