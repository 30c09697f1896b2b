/**
 * Issue 9, "Must show", in Chromium: a broker signs in through the dev mailbox, sets up a tour in
 * the dashboard, makes the phone field required and adds a select field of its own (optional),
 * protects two viewpoints and allows the origin of a fresh page on another origin (through the
 * settings form; once the embed page with its origin check exists, that step moves there); a
 * visitor on that page sees exactly those fields and registers; the tour's change log shows each
 * change. Screenshots of the settings page at 360 and 1280 px go to test-output/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { maskIsOpen, register, screenshot, visitor } from './mask.ts';
import { newVisitor, SCREENSHOTS, type Stack, startStack, takePageErrors } from './stack.ts';

const BROKER = 'anna@mueller-immobilien.example';
const TOUR = 'haus-am-see';

let stack: Stack;
let pageServer: Server;
let pageOrigin: string;

/** A page built from the README's embedding snippet, served from an origin of its own. */
function embedPage(gateUrl: string): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Haus am See</title>
<script type="module" src="${gateUrl}/widget.js"></script></head>
<body>
<tour-gate server="${gateUrl}" tour="${TOUR}" lang="de"></tour-gate>
<button data-gate-viewpoint="wohnzimmer">Wohnzimmer</button>
<button data-gate-viewpoint="schlafzimmer">Schlafzimmer</button>
<button data-gate-viewpoint="bad">Bad</button>
</body></html>`;
}

beforeAll(async () => {
  stack = await startStack({ devMailbox: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(embedPage(stack.gateUrl));
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => pageServer?.close(resolve));
  await stack?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${stack.gateUrl}/dashboard/login?lang=de`);
  await page.fill('#email', BROKER);
  await page.click('button[type=submit]');
  await page.locator('.notice').waitFor();
  let link: string | undefined;
  await expect
    .poll(async () => {
      const mails = (await (await fetch(`${stack.gateUrl}/dev/mailbox.json`)).json()) as {
        kind: string;
        to: string;
        text: string;
      }[];
      const mail = mails.find((m) => m.kind === 'login' && m.to === BROKER);
      link = mail ? /https?:\/\/\S+\/dashboard\/login\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] : undefined;
      return link;
    })
    .toBeTruthy();
  await page.goto(link as string);
  await page.click('button[type=submit]');
  await page.waitForURL(`${stack.gateUrl}/dashboard`);
}

async function save(page: Page): Promise<void> {
  await page.locator('button[name="op"][value="save"]').first().click();
  await page.locator('.notice[role="status"]').waitFor();
}

it('a broker sets up a tour in the dashboard and a visitor on another origin registers with exactly its fields', async () => {
  const { context, page } = await newVisitor(stack, 1280, 900);
  await signIn(page);

  // A new tour: title, tour page, privacy notice, id.
  await page.click('a[href="/dashboard/new-tour"]');
  await page.fill('#s-id', TOUR);
  await page.fill('#s-title', 'Haus am See, Potsdam');
  await page.fill('#s-pageUrl', 'https://makler.example/haus-am-see');
  await page.fill('#s-consent-privacyUrl', 'https://makler.example/datenschutz');
  await page.locator('button[name="op"][value="save"]').first().click();
  await page.locator('.notice[role="status"], #error-summary').first().waitFor();
  expect(await page.locator('#error-summary').count(), (await page.locator('main').textContent()) ?? '').toBe(0);
  expect(new URL(page.url()).pathname).toBe(`/dashboard/tours/${TOUR}/settings`);

  // Phone required; a select field of one's own, optional.
  await page.selectOption('#s-fields-phone', 'required');
  await page.fill('#s-cf-new-labelDe', 'Finanzierung');
  await page.fill('#s-cf-new-labelEn', 'Financing');
  await page.selectOption('#s-cf-new-type', 'select');
  await page.selectOption('#s-cf-new-requirement', 'optional');
  await page.fill('#s-cf-new-options', 'Gesichert | Secured\nIn Klärung | Being arranged');
  await save(page);

  // Two protected viewpoints (typed: no page has reported any yet), only those.
  await page.check('input[name="vp.protect"][value="list"]');
  await page.fill('#s-vp-typed', 'schlafzimmer\nbad');
  await save(page);
  expect(await page.locator('input[name^="vp."][name$=".on"]:checked').count()).toBe(2);

  // A refused entry shows its reason at the field (and the summary links to it).
  await page.fill('#s-allowedOrigins', `${pageOrigin}/pfad`);
  await page.locator('button[name="op"][value="save"]').first().click();
  await page.locator('#error-summary').waitFor();
  expect(await page.getAttribute('#s-allowedOrigins', 'aria-invalid')).toBe('true');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.screenshot({ path: `${SCREENSHOTS}/dashboard-settings-error-360.png` });
  await page.setViewportSize({ width: 1280, height: 900 });

  // The page's origin allowed (later: from the embed page's origin check).
  await page.fill('#s-allowedOrigins', pageOrigin);
  await save(page);

  // For the README: the registration form's section in the window; the whole page too.
  for (const [width, height] of [
    [1280, 900],
    [360, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.locator('#sec-fields').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('sec-fields')?.scrollIntoView());
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-settings-${width}.png` });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-settings-${width}-full.png`, fullPage: true });
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 900 });

  // The visitor's page on the other origin: a click on a protected room opens the mask with the
  // tour's fields, exactly.
  const gate = (await (
    await fetch(`${stack.gateUrl}/v1/tours/${TOUR}/gate`, { headers: { origin: pageOrigin } })
  ).json()) as {
    fields: { key: string; required: boolean; type: string }[];
  };
  const { context: visitorContext, page: visitorPage } = await newVisitor(stack);
  await visitorPage.goto(`${pageOrigin}/`);
  await visitorPage.locator('button[data-gate-viewpoint="schlafzimmer"]').click();
  await maskIsOpen(visitorPage);
  const shown = await visitorPage
    .locator('form [name]:not([name^="tg-"])')
    .evaluateAll((els) =>
      els.map((e) => ({ key: e.getAttribute('name'), required: (e as HTMLInputElement).required, tag: e.tagName })),
    );
  expect(shown.map((f) => f.key).sort()).toEqual(gate.fields.map((f) => f.key).sort());
  expect(shown.find((f) => f.key === 'phone')?.required).toBe(true);
  expect(shown.find((f) => f.key === 'finanzierung')).toEqual({ key: 'finanzierung', required: false, tag: 'SELECT' });
  expect(shown.some((f) => f.key === 'company')).toBe(false);
  await screenshot(visitorPage, 'settings-mask');
  expect(await register(visitorPage, visitor('erika.settings@example.org', { phone: '+49 170 1234567' }))).toBe(
    'Bitte sehen Sie in Ihr Postfach',
  );
  await visitorContext.close();

  // The change log on the tour's page: each change, by the broker, in words.
  await page.goto(`${stack.gateUrl}/dashboard/tours/${TOUR}`);
  const log = page.locator('#change-log');
  await log.waitFor();
  const text = ((await log.textContent()) ?? '').replace(/\s+/g, ' ');
  expect(text).toContain('Rundgang angelegt');
  expect(text).toContain('Feld „Telefon“: freiwillig → Pflichtfeld');
  expect(text).toContain('Eigene Felder: – → Finanzierung (Auswahlliste, freiwillig, Gesichert, In Klärung)');
  expect(text).toContain('Geschützte Standpunkte: alle Standpunkte → nur: schlafzimmer, bad');
  expect(text).toContain(`Weitere Webadressen, die den Rundgang einbinden dürfen: – → ${pageOrigin}`);
  expect(text).toContain(BROKER);
  expect(takePageErrors()).toEqual([]);
  await context.close();
});
