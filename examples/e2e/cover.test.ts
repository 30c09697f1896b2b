/**
 * Cover mode and the embed that explains itself, end to end (issue 9), in Chromium against a
 * real gate-server and SMTP server:
 * - the cover example (tour lindenallee-7): before unlock no response the browser receives and
 *   no DOM node (shadow roots included) holds the tour's embed URL; after unlock the iframe
 *   loads it;
 * - the three failing embeds (origin not allowed, unknown tour, server away) each show their
 *   sentence, emit their code and write one console line.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskIsOpen, register, screenshot, visitor } from './mask.ts';
import { linkIn, mailTo, newVisitor, type Stack, startStack, takePageErrors, UNLOCK_LINK } from './stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});
afterEach(() => {
  expect(takePageErrors()).toEqual([]);
});

/** Every response body the context receives, read in full (reads still under way are awaited by `all()`). */
function recordBodies(context: BrowserContext): { all(): Promise<{ url: string; body: string }[]> } {
  const reads: Promise<{ url: string; body: string }>[] = [];
  context.on('response', (response) => {
    reads.push(
      response
        .body()
        .then((body) => ({ url: response.url(), body: body.toString('utf8') }))
        // A redirect has no body to read.
        .catch(() => ({ url: response.url(), body: '' })),
    );
  });
  return { all: () => Promise.all(reads) };
}

/** The page's whole DOM as text, every open shadow root included (iframes' address attributes too). */
const domText = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      parts.push(root instanceof Document ? root.documentElement.outerHTML : root.innerHTML);
      for (const element of Array.from(root.querySelectorAll('*'))) {
        if (element.shadowRoot) walk(element.shadowRoot);
        if (element instanceof HTMLIFrameElement) parts.push(element.src);
      }
    };
    walk(document);
    return parts.join('\n');
  });

describe('cover mode', () => {
  it('shows the cover; no response or DOM node holds the embed URL before unlock; after unlock the iframe loads it', async () => {
    const { context, page } = await newVisitor(stack);
    const bodies = recordBodies(context);
    const embedUrl = `${stack.examples.url}/cover/viewer/`;
    await page.goto(`${stack.examples.url}/cover/`);

    const button = page.locator('tour-gate-cover [part~="cover-button"]');
    await button.waitFor({ state: 'visible' });
    expect((await page.locator('tour-gate-cover h2').textContent())?.trim()).toBe('Lindenallee 7, Köln');
    expect((await page.locator('[part="cover-broker"]').textContent())?.trim()).toBe(
      'Anna Müller · Müller Immobilien GmbH',
    );
    expect((await button.textContent())?.trim()).toBe('Rundgang ansehen');
    await screenshot(page, 'cover-de-desktop');

    await button.click();
    await maskIsOpen(page);
    const erika = visitor('erika.cover@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    const link = linkIn(await mailTo(stack.smtp, erika.email, 'unlock'), UNLOCK_LINK);
    expect(link.startsWith(`${stack.examples.url}/cover/#tour-gate-unlock=`)).toBe(true);

    // Up to here: every answer the browser got, and everything in the page, without the address.
    const before = await bodies.all();
    expect(before.length).toBeGreaterThan(5);
    expect(before.some((r) => r.url.includes('/v1/tours/lindenallee-7/gate'))).toBe(true);
    expect(before.filter((r) => r.body.includes('/cover/viewer')).map((r) => r.url)).toEqual([]);
    expect(before.some((r) => r.url.includes('/embed'))).toBe(false);
    expect(await domText(page)).not.toContain('/cover/viewer');

    await page.goto(link);
    const frame = page.locator('tour-gate-cover iframe');
    await frame.waitFor({ state: 'attached', timeout: 15_000 });
    expect(await frame.getAttribute('src')).toBe(embedUrl);
    expect(await frame.getAttribute('allow')).toContain('fullscreen');
    await page.frameLocator('tour-gate-cover iframe').locator('body[data-viewer="ready"]').waitFor();
    const embedAnswer = (await bodies.all()).find((r) => r.url.endsWith('/v1/tours/lindenallee-7/embed'));
    expect(JSON.parse(embedAnswer?.body ?? '{}')).toEqual({ url: embedUrl });
    await screenshot(page, 'cover-unlocked-desktop');
    await context.close();
  });

  it('looks right on a phone (360 px)', async () => {
    const { context, page } = await newVisitor(stack, 360, 740);
    await page.goto(`${stack.examples.url}/cover/`);
    await page.locator('tour-gate-cover [part~="cover-button"]').waitFor({ state: 'visible' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'cover-de-phone');
    await context.close();
  });
});

/**
 * A page as a broker builds it from the README's snippet (`broker-page.html`, served by the
 * examples server at `origin`), naming `server` and `tour`; collects the widget's console lines.
 */
async function brokerPage(page: Page, origin: string, { server, tour }: { server?: string; tour: string }) {
  const lines: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('tour-gate:')) lines.push(message.text());
  });
  const query = new URLSearchParams({ tour, ...(server ? { server } : {}) });
  await page.goto(`${origin}/e2e/broker-page.html?${query}`);
  await page.waitForFunction(() => customElements.get('tour-gate'));
  return { lines };
}

async function expectExplained(page: Page, lines: string[], code: string, mention: string[]): Promise<void> {
  await page.waitForFunction((c) => (window as unknown as { codes: string[] }).codes.includes(c), code, {
    timeout: 15_000,
  });
  await expect.poll(() => lines.length, { timeout: 10_000 }).toBe(1);
  for (const text of mention) expect(lines[0]).toContain(text);
  await page.locator('button[data-gate-viewpoint="schlafzimmer"]').click();
  const notice = page.locator('dialog.tour-gate-notice');
  await notice.waitFor({ state: 'visible' });
  expect((await notice.locator('p').textContent())?.trim()).toBe('Die Räume können hier gerade nicht geöffnet werden.');
  expect(await page.locator('[role="dialog"] [name="email"]').count()).toBe(0);
  expect(lines).toHaveLength(1);
}

describe('an embed that explains itself', () => {
  it('origin not allowed: widget.js loads on any origin, the sentence, ORIGIN_NOT_ALLOWED, one console line', async () => {
    const { context, page } = await newVisitor(stack);
    // The examples server under another name: an origin the tour does not list.
    const stranger = stack.examples.url.replace('127.0.0.1', 'localhost');
    const { lines } = await brokerPage(page, stranger, { tour: 'musterstrasse-12' });
    await expectExplained(page, lines, 'ORIGIN_NOT_ALLOWED', [stranger, 'allowedOrigins', 'Allowed origins']);
    await screenshot(page, 'embed-refused-desktop');
    // The refusal is counted for the embed page.
    await stack.gate.deps.embedOrigins.flush();
    const seen = await stack.gate.store.embedOrigins.recent('musterstrasse-12', '2000-01-01');
    expect(seen.find((o) => o.origin === stranger)?.refused).toBeGreaterThanOrEqual(1);
    await context.close();
  });

  it('unknown tour: the sentence, TOUR_NOT_FOUND, one console line naming the tour', async () => {
    const { context, page } = await newVisitor(stack);
    const { lines } = await brokerPage(page, stack.examples.url, { tour: 'no-such-tour' });
    await expectExplained(page, lines, 'TOUR_NOT_FOUND', ['"no-such-tour"']);
    await context.close();
  });

  it('server away: the sentence, NETWORK, one console line naming the server', async () => {
    const { context, page } = await newVisitor(stack);
    // Nothing listens on port 9 of this machine.
    const away = 'http://127.0.0.1:9';
    const { lines } = await brokerPage(page, stack.examples.url, { server: away, tour: 'musterstrasse-12' });
    await expectExplained(page, lines, 'NETWORK', [away, 'could not be reached']);
    await context.close();
  });
});
