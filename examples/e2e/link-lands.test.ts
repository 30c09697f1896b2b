/**
 * The link lands where the visitor was (issue 10), end to end on the Photo Sphere Viewer page: a
 * visitor asks for a locked room by its arrow; the link from the mail, opened in a fresh browser
 * profile (another device, say), lands on that page, in that room, unlocked, with the confirmation
 * shown. Real gate server, real SMTP, Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskIsOpen, nextAsset, register, sceneLoaded, screenshot, visitor } from './mask.ts';
import { linkIn, mailTo, newVisitor, type Stack, startStack, takePageErrors } from './stack.ts';

const TOUR = 'musterstrasse-12';
/** An unlock link with the viewpoint next to the token. */
const UNLOCK_LINK_WITH_VIEWPOINT = /https?:\/\/\S+#tour-gate-unlock=[A-Za-z0-9_-]+&tour-gate-viewpoint=[^\s&]+/;

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

/** The confirmation's text, as a Playwright locator reaches into the gate's shadow roots. */
const confirmation = (page: Page) => page.locator('[part~="toast-text"][role="status"]');

describe('the unlock link lands where the visitor was', () => {
  it('photo-sphere-viewer: the Schlafzimmer asked for by its arrow opens from the mail in a fresh browser, unlocked and confirmed', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/photo-sphere-viewer/`);
    await sceneLoaded(page, 'wohnzimmer');
    await page.locator('.psv-virtual-tour-link.to-schlafzimmer.tour-gate-locked').click();
    await maskIsOpen(page);

    const erika = visitor('erika.lands@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    const link = linkIn(await mailTo(stack.smtp, erika.email, 'unlock'), UNLOCK_LINK_WITH_VIEWPOINT);
    // The page the visitor registered on, and the room asked for.
    expect(link.startsWith(`${stack.examples.url}/photo-sphere-viewer/#tour-gate-unlock=`)).toBe(true);
    expect(new URLSearchParams(new URL(link).hash.slice(1)).get('tour-gate-viewpoint')).toBe('schlafzimmer');
    await context.close();

    // A fresh browser profile: nothing stored, no tab open on the tour. Desktop and phone.
    for (const [width, height, name] of [
      [1280, 800, 'unlocked-confirmation-desktop'],
      [360, 740, 'unlocked-confirmation-mobile'],
    ] as const) {
      const fresh = await newVisitor(stack, width, height);
      const asset = nextAsset(fresh.page, TOUR, 'schlafzimmer.jpg');
      await fresh.page.goto(link);
      await fresh.page.locator('body[data-state="unlocked"]').waitFor();
      // In the room asked for, its panorama from the gate; no lock left on any arrow or button.
      expect(await asset).toBe(200);
      await sceneLoaded(fresh.page, 'schlafzimmer');
      expect(await fresh.page.locator('.tour-gate-locked').count()).toBe(0);
      // The token and the viewpoint left the address bar (the page keeps its own #scene).
      expect(fresh.page.url()).not.toContain('tour-gate-unlock');
      expect(fresh.page.url()).not.toContain('tour-gate-viewpoint');
      // The confirmation, read out politely, in the page's language; the focus stays on the page.
      await expect
        .poll(() => confirmation(fresh.page).textContent(), { timeout: 10_000 })
        .toBe('Alle Räume sind jetzt freigeschaltet.');
      expect(await confirmation(fresh.page).getAttribute('aria-live')).toBe('polite');
      expect(await fresh.page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
      // The whole confirmation fits the screen.
      const box = await fresh.page.locator('[part~="toast"]').boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
      await screenshot(fresh.page, name);

      // It goes with its ✕; the tour goes on working.
      await fresh.page.locator('[part~="toast-close"]').click();
      await confirmation(fresh.page).waitFor({ state: 'detached' });
      await fresh.context.close();
    }
  });

  it('plain: a page of its own shows the room the link names (event.viewpoint) in a fresh browser, with the confirmation', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/plain/`);
    await page.locator('body[data-state="locked"]').waitFor();
    await page.locator('button[data-room="bad"]').click();
    await maskIsOpen(page);
    const erika = visitor('erika.lands.plain@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    const link = linkIn(await mailTo(stack.smtp, erika.email, 'unlock'), UNLOCK_LINK_WITH_VIEWPOINT);
    expect(link.startsWith(`${stack.examples.url}/plain/#tour-gate-unlock=`)).toBe(true);
    await context.close();

    const fresh = await newVisitor(stack, 360, 740);
    const asset = nextAsset(fresh.page, TOUR, 'bad.jpg');
    await fresh.page.goto(link);
    await fresh.page.locator('body[data-state="unlocked"]').waitFor();
    expect(await asset).toBe(200);
    await sceneLoaded(fresh.page, 'bad');
    await expect
      .poll(() => confirmation(fresh.page).textContent(), { timeout: 10_000 })
      .toBe('Alle Räume sind jetzt freigeschaltet.');
    await fresh.context.close();
  });
});
