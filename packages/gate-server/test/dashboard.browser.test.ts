/**
 * The dashboard in a real browser (the system Chromium through playwright-core; no browser is
 * downloaded): a broker asks for a sign-in link, takes it from the dev mailbox
 * (`/dev/mailbox.json`), presses the button, and looks at tours, funnel, chart, pending
 * requests, leads and one lead. The pages must render without a single CSP violation; the
 * screenshots (taken on SQLite) go to the untracked `test-output/screenshots/dashboard-*.png`,
 * which `pnpm screenshots` copies to `docs/screenshots/` for the README.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import type { TestServer } from './harness.ts';
import { seedHistory } from './seed.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));

forEachBackend('dashboard in Chromium', (backend) => {
  if (!existsSync(CHROMIUM)) {
    it.skip(`needs Chromium at ${CHROMIUM}`, () => {});
    return;
  }
  let server: TestServer;
  /** The README's screenshots come from one backend; the other runs the same steps. */
  const shoot = async (name: string, fullPage = false) => {
    if (backend.kind === 'sqlite') await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage });
  };
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await backend.start({
      limits: {
        registrationPerIp: { max: 1e6, windowMs: 60_000 },
        registrationPerTour: { max: 1e6, windowMs: 60_000 },
        registrationPerNetwork: { max: 1e6, windowMs: 60_000 },
      },
    });
    await seedHistory(server);
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
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
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in through the dev mailbox and screenshots the dashboard', async () => {
    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('#email', 'anna@mueller-immobilien.example');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('.notice').count()).toBe(1);

    // The link from the mail, as the dev mailbox shows it (its host is the public URL).
    const mails = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as {
      kind: string;
      text: string;
      html: string;
    }[];
    const mail = mails.find((m) => m.kind === 'login');
    const link = /https?:\/\/\S+\/dashboard\/login\/[A-Za-z0-9_-]+/.exec(mail?.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(mail?.html).toContain(new URL(link!).pathname);
    await page.goto(`${base}${new URL(link!).pathname}`);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/dashboard`);
    await shoot('dashboard-overview');
    expect(await page.locator('[data-metric=registrations]').first().textContent()).toMatch(/^\d+$/);

    await page.click('a[href="/dashboard/tours/musterstrasse-12"]');
    await page.waitForURL(`${base}/dashboard/tours/musterstrasse-12`);
    expect(await page.locator('svg[role=img] rect').count()).toBeGreaterThanOrEqual(14);
    await shoot('dashboard-tour', true);

    await page.goto(`${base}/dashboard/tours/gartenweg-3`);
    expect(await page.locator('#pending form').count()).toBe(6); // 3 pending × grant/deny
    await shoot('dashboard-pending', true);
    // Grant from the page: the browser posts the form with its CSRF token.
    await page.locator('#pending button.primary').first().click();
    await page.waitForURL(/done=grant/);
    await shoot('dashboard-lead', true);

    await page.goto(`${base}/dashboard/tours/musterstrasse-12/leads?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await shoot('dashboard-leads-en', true);

    expect(problems).toEqual([]);
  }, 120_000);
});
