/**
 * Manual release, end to end, with the Pannellum example (tour gartenweg-3): the visitor's
 * request reaches the broker by mail, the broker decides on the review page in a browser, and
 * the visitor gets the unlock link — or the polite notice, after which no link of the request
 * opens the tour.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskIsOpen, nextAsset, register, sceneLoaded, screenshot, screenTitle, visitor } from './mask.ts';
import {
  linkIn,
  mailTo,
  newVisitor,
  REVIEW_LINK,
  type Stack,
  startStack,
  takePageErrors,
  UNLOCK_LINK,
} from './stack.ts';

const TOUR = 'gartenweg-3';
const BROKER = 'anna@mueller-immobilien.example';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});
// No page of any example may throw: a broken adapter or viewer setup shows here first.
afterEach(() => {
  expect(takePageErrors()).toEqual([]);
});

/** The visitor asks for access from the Pannellum tour; resolves once the outcome screen shows. */
async function requestAccess(email: string, shot?: string) {
  const { context, page } = await newVisitor(stack);
  await page.goto(`${stack.examples.url}/pannellum/`);
  await sceneLoaded(page, 'eingang');
  // The hotspot into the protected room carries the adapter's lock; the room buttons too.
  await page.locator('.pnlm-hotspot-base.to-wohnzimmer.tour-gate-locked').waitFor();
  expect(await page.locator('nav.rooms .tour-gate-locked').count()).toBe(3);
  // Pannellum's own hotspot, rewritten by the adapter to ask the gate first.
  await page.locator('.pnlm-hotspot-base.to-wohnzimmer').click();
  await maskIsOpen(page);
  expect(await register(page, visitor(email, { phone: '+49 228 555 0199' }))).toBe('Anfrage gesendet');
  if (shot) await screenshot(page, shot);
  return { context, page };
}

/** The broker opens the review link from the mail about `email` in their own browser. */
async function openReview(email: string, shot?: string) {
  const mail = await mailTo(stack.smtp, BROKER, 'review-request', email);
  const broker = await newVisitor(stack, 1000, 900);
  await broker.page.goto(linkIn(mail, REVIEW_LINK));
  await broker.page.locator('button.grant').waitFor();
  if (shot) await screenshot(broker.page, shot);
  return broker;
}

describe('manual release in a browser', () => {
  it('pannellum: hotspot → mask → awaiting approval → review page → grant → visitor mail → the link opens the protected scene', async () => {
    const email = 'max.grant@example.org';
    const { context, page } = await requestAccess(email, 'outcome-awaiting-approval');
    expect(await page.locator('body').getAttribute('data-scene')).toBe('eingang');

    const broker = await openReview(email, 'review-page');
    expect(await broker.page.locator('body').textContent()).toContain(email);
    await broker.page.locator('button.grant').click();
    await broker.page.locator('button.grant').waitFor({ state: 'detached' });
    await broker.context.close();

    const link = linkIn(await mailTo(stack.smtp, email, 'unlock'), UNLOCK_LINK);
    expect(link.startsWith(`${stack.examples.url}/pannellum/#tour-gate-unlock=`)).toBe(true);
    await page.goto('about:blank');
    await page.goto(link);
    await page.locator('body[data-state="unlocked"]').waitFor();
    await sceneLoaded(page, 'eingang');
    // Unlocked: no lock left on any hotspot or room button.
    await page.locator('.pnlm-hotspot-base.to-wohnzimmer:not(.tour-gate-locked)').waitFor();
    expect(await page.locator('.tour-gate-locked').count()).toBe(0);

    const asset = nextAsset(page, TOUR, 'wohnzimmer.jpg');
    await page.locator('.pnlm-hotspot-base.to-wohnzimmer').click();
    expect(await asset).toBe(200);
    await sceneLoaded(page, 'wohnzimmer');
    await context.close();
  });

  it('deny: the visitor gets the polite notice, and a link of the denied request shows the denied screen', async () => {
    const email = 'dora.deny@example.org';
    const { context, page } = await requestAccess(email);

    const broker = await openReview(email);
    // Deny asks first: a second step that says what will happen, and only its form denies.
    await broker.page.locator('button.deny').click();
    await broker.page.locator('[data-confirm="deny"] button.deny').click();
    await broker.page.locator('[data-status="denied"]').waitFor();
    await broker.context.close();

    const notice = await mailTo(stack.smtp, email, 'deny');
    expect(notice.parsed.text).toContain('bewohnte Immobilie');
    // The notice carries a link of its own, which never unlocks: opened, it shows that the broker
    // said no (and offers to ask again where the tour allows it).
    const link = linkIn(notice, UNLOCK_LINK);
    await page.goto('about:blank');
    await page.goto(link);
    await screenTitle(page).waitFor();
    expect(await screenTitle(page).textContent()).toContain('Zugang nicht freigegeben');
    await screenshot(page, 'outcome-access-denied');
    expect(await page.locator('body').getAttribute('data-state')).toBe('locked');
    await context.close();
  });
});
