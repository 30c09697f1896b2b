/**
 * The registration mask as a visitor uses it, through Playwright (whose CSS locators reach into
 * the widget's open shadow roots).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREENSHOTS } from './stack.ts';

export interface Visitor {
  firstName: string;
  lastName: string;
  email: string;
  postalCode: string;
  phone?: string;
}

export function visitor(email: string, extra: Partial<Visitor> = {}): Visitor {
  return { firstName: 'Erika', lastName: 'Mustermann', email, postalCode: '50667', ...extra };
}

export const dialog = (page: Page) => page.locator('[role="dialog"]');
export const screenTitle = (page: Page) => page.locator('[part~="screen-title"]');

/** Waits until the mask shows its form. */
export async function maskIsOpen(page: Page): Promise<void> {
  await dialog(page).waitFor({ state: 'visible' });
  await page.locator('[name="email"]').waitFor({ state: 'visible' });
}

/** Fills the mask, gives consent and sends it; resolves with the outcome screen's title. */
export async function register(page: Page, who: Visitor): Promise<string> {
  await maskIsOpen(page);
  await page.locator('[name="firstName"]').fill(who.firstName);
  await page.locator('[name="lastName"]').fill(who.lastName);
  await page.locator('[name="email"]').fill(who.email);
  await page.locator('[name="postalCode"]').fill(who.postalCode);
  if (who.phone) await page.locator('[name="phone"]').fill(who.phone);
  await page.locator('[name="tg-consent-privacy"]').check();
  await page.locator('form [part~="submit-button"]').click();
  await screenTitle(page).waitFor({ state: 'visible' });
  return (await screenTitle(page).textContent())?.trim() ?? '';
}

/**
 * Writes `test-output/screenshots/<name>.png`; `pnpm screenshots` copies them to
 * `docs/screenshots/`, which the README shows.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let the mask's opening transition finish (animations in shadow trees count too; endless
  // ones, like a spinner, never finish).
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Number.POSITIVE_INFINITY),
  );
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The page shows `scene`, and its panorama came from the gate server's assets route when `asset` is named. */
export async function sceneLoaded(page: Page, scene: string): Promise<void> {
  await page.locator(`body[data-scene="${scene}"]`).waitFor({ timeout: 20_000 });
  expect(await page.evaluate(() => document.body.dataset.scene)).toBe(scene);
}

/** Resolves with the status of the next response for a protected file of `tour`. */
export function nextAsset(page: Page, tour: string, file: string): Promise<number> {
  return page
    .waitForResponse((response) => response.url().includes(`/v1/tours/${tour}/assets/${file}`), { timeout: 20_000 })
    .then((response) => response.status());
}
