/**
 * Issue 9, "Must show", in Chromium: a broker signs in through the dev mailbox, sets up a tour in
 * the dashboard, makes the phone field required and adds a select field of its own (optional),
 * protects two viewpoints, copies the plain-HTML snippet from the tour's embed page (its copy
 * button, through the clipboard) into a fresh page served from another origin, where the widget
 * is refused once; the embed page's origin check lists that origin as refused and allows it with
 * one click; a visitor on that page sees exactly those fields and registers; the tour's change
 * log shows each change. Screenshots of the settings, embed and profile pages at 360 and 1280 px
 * go to test-output/screenshots/.
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
/** What the broker pasted from the embed page: the body of the page on the other origin. */
let pasted = '';

/** The broker's page on an origin of its own, with the snippet copied from the embed page. */
function embedPage(): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Haus am See</title></head>
<body>
<h1>Haus am See</h1>
${pasted}
</body></html>`;
}

beforeAll(async () => {
  stack = await startStack({ devMailbox: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(embedPage());
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

  // Nothing saved: the field goes back to empty.
  await page.fill('#s-allowedOrigins', '');
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

  // The embed page, linked from the settings: the plain-HTML snippet copied with its button.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.gateUrl });
  await page.click(`a[href="/dashboard/tours/${TOUR}/embed"]`);
  await page.waitForURL(`${stack.gateUrl}/dashboard/tours/${TOUR}/embed`);
  const copy = page.locator('#snippet-plain').locator('xpath=preceding-sibling::button');
  await copy.click();
  await expect.poll(() => copy.textContent()).toBe('Kopiert');
  pasted = await page.evaluate(() => navigator.clipboard.readText());
  expect(pasted).toBe(await page.locator('#snippet-plain').textContent());
  expect(pasted).toContain(`<tour-gate server="${stack.gateUrl}" tour="${TOUR}" lang="de"></tour-gate>`);
  expect(pasted).toContain('data-gate-viewpoint="schlafzimmer"');
  // The preview shows the tour's fields as set.
  expect(await page.locator('.mask label[for="pv-phone"]').textContent()).toBe('Telefon *');
  expect(await page.locator('.mask select#pv-finanzierung').count()).toBe(1);

  // The pasted page on the other origin: the tour doesn't allow it yet, so the widget is refused
  // and says so on a locked click.
  const { context: visitorContext, page: visitorPage } = await newVisitor(stack);
  const refusal = visitorPage.waitForEvent('console', (m) => m.type() === 'error' && m.text().includes(pageOrigin));
  await visitorPage.goto(`${pageOrigin}/`);
  await refusal;
  await visitorPage.locator('[data-gate-viewpoint="schlafzimmer"]').click();
  const notice = visitorPage.locator('dialog.tour-gate-notice');
  await notice.waitFor({ state: 'visible' });
  expect((await notice.locator('p').textContent())?.trim()).toBe('Die Räume können hier gerade nicht geöffnet werden.');

  // The embed page's check lists the origin as refused; one click allows it.
  await page.reload();
  const row = page.locator('table.origins tr', { has: page.locator(`code:text-is("${pageOrigin}")`) });
  await row.waitFor();
  expect(await row.locator('.badge').textContent()).toBe('nicht zugelassen');
  for (const [w, h] of [
    [1280, 900],
    [360, 800],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-embed-${w}.png` });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-embed-${w}-full.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await row.locator('button[type=submit]').click();
  await page.locator('.notice[role="status"]').waitFor();
  expect(await page.locator('.notice[role="status"]').textContent()).toContain(`${pageOrigin} ist jetzt zugelassen`);
  expect(await row.locator('.badge').textContent()).toBe('zugelassen');

  // The broker's profile: the contact person is a woman, and a logo (a PNG Chromium encodes).
  await page.goto(`${stack.gateUrl}/dashboard`);
  await page.click('a[href="/dashboard/profile"]');
  const png = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 120;
    canvas.height = 40;
    const g = canvas.getContext('2d') as CanvasRenderingContext2D;
    g.fillStyle = '#1f5f8b';
    g.fillRect(0, 0, 120, 40);
    g.fillStyle = '#ffffff';
    g.font = 'bold 18px sans-serif';
    g.fillText('Müller', 14, 27);
    return canvas.toDataURL('image/png').split(',')[1] ?? '';
  });
  await page.check('input[name="salutation"][value="ms"]');
  await page.setInputFiles('#p-logo', { name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await page.click('form.profile button[type=submit]');
  await page.locator('.notice[role="status"]').waitFor();
  expect(await page.locator('.logo-now img').getAttribute('src')).toMatch(/\/logos\/[\w-]+\/[\w-]{22}\.png$/);
  for (const [w, h] of [
    [1280, 900],
    [360, 800],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-profile-saved-${w}.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // The visitor's page on the other origin: a click on a protected room opens the mask with the
  // tour's fields, exactly.
  const gate = (await (
    await fetch(`${stack.gateUrl}/v1/tours/${TOUR}/gate`, { headers: { origin: pageOrigin } })
  ).json()) as {
    fields: { key: string; required: boolean; type: string }[];
  };
  await visitorPage.reload();
  await visitorPage.locator('[data-gate-viewpoint="schlafzimmer"]').click();
  await maskIsOpen(visitorPage);
  // The broker's logo from the profile, in the mask's header.
  const logo = visitorPage.locator('img[part="logo"]');
  expect(await logo.getAttribute('src')).toMatch(new RegExp(`^${stack.gateUrl}/logos/[\\w-]+/[\\w-]{22}\\.png$`));
  await expect.poll(() => logo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(120);
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
