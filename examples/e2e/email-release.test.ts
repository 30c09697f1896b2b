/**
 * Email release, end to end, for the plain, Photo Sphere Viewer and Marzipano examples (tour
 * musterstrasse-12): a locked click opens the mask, the mail arrives at a real SMTP server, its
 * link unlocks the tour, and the protected room loads — its panorama from the gate server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialog, maskIsOpen, nextAsset, register, sceneLoaded, screenshot, visitor } from './mask.ts';
import { linkIn, mailTo, newVisitor, type Stack, startStack, takePageErrors, UNLOCK_LINK } from './stack.ts';

const TOUR = 'musterstrasse-12';
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

describe('email release in a browser', () => {
  it('plain: locked click → mask → mail → the link unlocks the page and the protected room loads from the gate', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/plain/`);
    await page.locator('body[data-state="locked"]').waitFor();

    await page.locator('button[data-room="schlafzimmer"]').click();
    await maskIsOpen(page);
    expect(await page.locator('body').getAttribute('data-scene')).toBe('wohnzimmer');
    await screenshot(page, 'mask-de-desktop');

    const erika = visitor('erika.plain@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    await screenshot(page, 'outcome-check-email');

    const mail = await mailTo(stack.smtp, erika.email, 'unlock');
    const link = linkIn(mail, UNLOCK_LINK);
    expect(link.startsWith(`${stack.examples.url}/plain/#tour-gate-unlock=`)).toBe(true);

    // The link pasted into the tab that shows the tour: only the fragment changes (no reload);
    // the widget redeems it, and the page shows the room that was asked for.
    const asked = nextAsset(page, TOUR, 'schlafzimmer.jpg');
    await page.goto(link);
    await page.locator('body[data-state="unlocked"]').waitFor();
    // The token leaves the address bar at once.
    expect(page.url()).not.toContain('tour-gate-unlock');
    expect(await asked).toBe(200);
    await sceneLoaded(page, 'schlafzimmer');

    // Every protected room now opens at a click, from the gate server.
    const bath = nextAsset(page, TOUR, 'bad.jpg');
    await page.locator('button[data-room="bad"]').click();
    expect(await bath).toBe(200);
    await sceneLoaded(page, 'bad');
    expect(await dialog(page).count()).toBe(0);
    await context.close();
  });

  it('photo-sphere-viewer: locked arrow → mask → mail → link opened in another tab → the tour moves on to the protected node', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/photo-sphere-viewer/`);
    await sceneLoaded(page, 'wohnzimmer');

    // Arrows into protected nodes carry the adapter's lock, arrows into free ones don't.
    await page.locator('.psv-virtual-tour-link.to-schlafzimmer.tour-gate-locked').waitFor();
    expect(await page.locator('.psv-virtual-tour-link.to-kueche.tour-gate-locked').count()).toBe(0);
    await page.locator('.psv-virtual-tour-link.to-schlafzimmer').click();
    await maskIsOpen(page);
    // The locked node was neither loaded nor preloaded.
    expect(await page.locator('body').getAttribute('data-scene')).toBe('wohnzimmer');

    const erika = visitor('erika.psv@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    const link = linkIn(await mailTo(stack.smtp, erika.email, 'unlock'), UNLOCK_LINK);

    // The visitor opens the link from the mail client: a new tab. The tour tab unlocks with it
    // and shows the node that was asked for.
    const asset = nextAsset(page, TOUR, 'schlafzimmer.jpg');
    const mailTab = await context.newPage();
    await mailTab.goto(link);
    await mailTab.locator('body[data-state="unlocked"]').waitFor();
    expect(await asset).toBe(200);
    await sceneLoaded(page, 'schlafzimmer');
    expect(await page.locator('.tour-gate-locked').count()).toBe(0);

    // A deep link to another protected node now opens straight away.
    const deep = await context.newPage();
    await deep.goto(`${stack.examples.url}/photo-sphere-viewer/#scene=bad`);
    await sceneLoaded(deep, 'bad');
    await context.close();
  });

  it('marzipano: locked hotspot → mask → mail → the link unlocks the tour and the protected scene loads', async () => {
    const { context, page } = await newVisitor(stack);
    await page.goto(`${stack.examples.url}/marzipano/`);
    await sceneLoaded(page, 'wohnzimmer');

    await page.locator('.hotspot.to-schlafzimmer.tour-gate-locked').waitFor();
    expect(await page.locator('.hotspot.to-kueche.tour-gate-locked').count()).toBe(0);
    await page.locator('.hotspot.to-schlafzimmer').click();
    await maskIsOpen(page);
    expect(await page.locator('body').getAttribute('data-scene')).toBe('wohnzimmer');

    const erika = visitor('erika.marzipano@example.org');
    expect(await register(page, erika)).toBe('Bitte sehen Sie in Ihr Postfach');
    const link = linkIn(await mailTo(stack.smtp, erika.email, 'unlock'), UNLOCK_LINK);

    // The link lands on this page (only its fragment differs): the tour unlocks in place and moves
    // on to the scene the visitor asked for, its panorama from the gate.
    const asset = nextAsset(page, TOUR, 'schlafzimmer.jpg');
    await page.goto(link);
    await page.locator('body[data-state="unlocked"]').waitFor();
    await page.locator('.hotspot.to-schlafzimmer:not(.tour-gate-locked)').waitFor({ state: 'attached' });
    expect(await page.locator('.tour-gate-locked').count()).toBe(0);
    expect(await asset).toBe(200);
    await sceneLoaded(page, 'schlafzimmer');

    // The page's own hotspots go on working through the gate.
    await page.locator('.hotspot.to-kinderzimmer').click();
    await sceneLoaded(page, 'kinderzimmer');
    await context.close();
  });

  it('a deep link to a protected scene shows the mask and starts the viewer on a free scene', async () => {
    for (const [example, free] of [
      ['photo-sphere-viewer', 'wohnzimmer'],
      ['marzipano', 'wohnzimmer'],
      ['pannellum', 'eingang'],
    ] as const) {
      const { context, page } = await newVisitor(stack);
      const assets: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/assets/')) assets.push(request.url());
      });
      await page.goto(`${stack.examples.url}/${example}/#scene=${example === 'pannellum' ? 'garten' : 'bad'}`);
      await maskIsOpen(page);
      await sceneLoaded(page, free);
      expect(assets, `${example} asked for a protected file`).toEqual([]);
      await context.close();
    }
  });

  it('protected panoramas: the examples server refuses them, the gate hands them out only with access', async () => {
    const direct = await fetch(`${stack.examples.url}/panoramas/protected/${TOUR}/bad.jpg`);
    expect(direct.status).toBe(403);
    const anonymous = await fetch(`${stack.gateUrl}/v1/tours/${TOUR}/assets/bad.jpg`);
    expect(anonymous.status).toBe(401);
  });

  it('screenshots: the mask in German and English, desktop and 375 px wide', async () => {
    for (const [lang, width, height] of [
      ['de', 375, 812],
      ['en', 1280, 800],
      ['en', 375, 812],
    ] as const) {
      const { context, page } = await newVisitor(stack, width, height);
      await page.goto(`${stack.examples.url}/plain/`);
      await page.locator('body[data-state="locked"]').waitFor();
      await page.evaluate((value) => document.querySelector('tour-gate')?.setAttribute('lang', value), lang);
      await page.locator('button[data-room="bad"]').click();
      await maskIsOpen(page);
      await screenshot(page, `mask-${lang}-${width === 375 ? 'mobile' : 'desktop'}`);
      await context.close();
    }
  });
});
