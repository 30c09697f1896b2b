/**
 * The demo as a newcomer uses it: no mail server — the gate's dev mailbox holds every mail, and
 * its links work. Email release clicked through with the dev mailbox alone.
 */

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskIsOpen, register, sceneLoaded, visitor } from './mask.ts';
import { newVisitor, type Stack, startStack, takePageErrors } from './stack.ts';

/** Opens the dev mailbox, finds the mail of `kind` whose summary names `who`, clicks its link; resolves with the new tab. */
async function clickMailLink(
  context: BrowserContext,
  gateUrl: string,
  kind: string,
  who: string,
  link: string,
): Promise<Page> {
  const mailbox = await context.newPage();
  await mailbox.goto(`${gateUrl}/dev/mailbox`);
  const mail = mailbox
    .locator('details')
    .filter({ has: mailbox.locator('summary', { hasText: who }) })
    .filter({ has: mailbox.locator('.kind', { hasText: new RegExp(`^${kind}$`) }) });
  await mail.evaluate((details) => {
    (details as HTMLDetailsElement).open = true;
  });
  // Links in the mailbox open in a new tab, like from a mail client.
  const opened = context.waitForEvent('page');
  await mail.frameLocator('iframe').locator(`a[href*="${link}"]`).first().click();
  const tab = await opened;
  await tab.waitForLoadState();
  await mailbox.close();
  return tab;
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ devMailbox: true });
});
afterAll(async () => {
  await stack?.close();
});
// No page of any example may throw: a broken adapter or viewer setup shows here first.
afterEach(() => {
  expect(takePageErrors()).toEqual([]);
});

describe('the demo with the dev mailbox', () => {
  it('the start page links every example; the email release clicks through with the dev mailbox alone', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/`);
    expect(await page.locator('a.card').count()).toBe(5);
    expect(await page.locator('a[href$="/dev/mailbox"]').getAttribute('href')).toBe(`${stack.gateUrl}/dev/mailbox`);

    await page.locator('a.card[href="/photo-sphere-viewer/"]').click();
    await sceneLoaded(page, 'wohnzimmer');
    await page.locator('.psv-virtual-tour-link.to-schlafzimmer').click();
    await maskIsOpen(page);
    const erika = visitor('erika.demo@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');

    // The dev mailbox, in another tab: the visitor's unlock mail, and the link in it.
    const tourTab = await clickMailLink(context, stack.gateUrl, 'unlock', erika.email, 'tour-gate-unlock=');
    await tourTab.locator('body[data-state="unlocked"]').waitFor();

    // The tab the visitor registered in moves on to the room asked for.
    await sceneLoaded(page, 'schlafzimmer');
    await context.close();
  });

  it('manual release: the broker’s mail in the dev mailbox leads to the review page; the grant mails the link', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/pannellum/`);
    await sceneLoaded(page, 'eingang');
    await page.locator('button[data-room="garten"]').click();
    await maskIsOpen(page);
    const max = visitor('max.demo@example.org', { phone: '+49 228 555 0123' });
    expect(await register(page, max)).toBe('Anfrage gesendet');

    const review = await clickMailLink(
      context,
      stack.gateUrl,
      'review-request',
      'anna@mueller-immobilien.example',
      '/review/',
    );
    await review.locator('button.grant').click();
    await review.locator('button.grant').waitFor({ state: 'detached' });

    const tourTab = await clickMailLink(context, stack.gateUrl, 'unlock', max.email, 'tour-gate-unlock=');
    await tourTab.locator('body[data-state="unlocked"]').waitFor();
    // The first tab, still on the tour, shows the room that was asked for.
    await sceneLoaded(page, 'garten');
    await context.close();
  });
});
