/**
 * The link lands where the visitor was: an unlock link names the viewpoint the visitor asked for
 * (`#tour-gate-unlock=<token>&tour-gate-viewpoint=<id>`); the gate reads it, clears both from the
 * address bar, carries it on `gate-unlocked` and keeps it as `linkViewpoint`; the adapters'
 * navigation goes there.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { UNLOCK_FRAGMENT_KEY, UNLOCK_VIEWPOINT_KEY } from '@tour-gate/shared';
import { cleanUp, linkToken, mountGate, openMask, serveTour, uniqueTour, unlockRequests } from '../test/harness.ts';
import { gatedNavigation } from './adapters/navigation.ts';
import { gatedPannellum, type PannellumTourConfig } from './adapters/pannellum.ts';
import type { GateUnlockedEvent } from './events.ts';

const link = (token: string, viewpoint: string) =>
  `${UNLOCK_FRAGMENT_KEY}=${token}&${UNLOCK_VIEWPOINT_KEY}=${encodeURIComponent(viewpoint)}`;

function arriveWith(fragment: string): void {
  history.replaceState(null, '', `${location.pathname}${location.search}#${fragment}`);
}

/** Collects the `gate-unlocked` events of the page until `stop()`. */
function unlockedEvents(): { events: GateUnlockedEvent[]; stop(): void } {
  const events: GateUnlockedEvent[] = [];
  const on = (event: Event) => events.push(event as GateUnlockedEvent);
  document.addEventListener('gate-unlocked', on);
  return { events, stop: () => document.removeEventListener('gate-unlocked', on) };
}

describe('the unlock link’s viewpoint', () => {
  afterEach(cleanUp);

  it('is read, cleared from the address bar with the token, and carried on gate-unlocked', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(`scene=hall&${link(token, 'bedroom')}`);
    const seen = unlockedEvents();
    try {
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      // Gone from the address bar at once, before the server has answered; the page's own stay.
      expect(location.hash).to.equal('#scene=hall');
      expect(gate.linkViewpoint).to.equal('bedroom');
      await waitUntil(() => gate.unlocked, 'did not unlock');
      expect(seen.events.map((e) => [e.viewpoint, e.detail.viewpoint, e.cancelable])).to.deep.equal([
        ['bedroom', 'bedroom', true],
      ]);
      // The server gets the token alone.
      const sent = (await unlockRequests()).filter((r) => (r.body as { token?: string }).token === token);
      expect(sent.map((r) => r.body)).to.deep.equal([{ token }]);
    } finally {
      seen.stop();
    }
  });

  it('leaves no fragment behind when the link’s two parameters were all of it; a viewpoint with a space survives the trip', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(link(token, 'Zimmer 2'));
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    expect(location.href.endsWith('#')).to.equal(false);
    expect(location.hash).to.equal('');
    expect(gate.linkViewpoint).to.equal('Zimmer 2');
    await waitUntil(() => gate.unlocked, 'did not unlock');
  });

  it('is undefined for a link without one and for another tab’s unlock', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    const seen = unlockedEvents();
    try {
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      await waitUntil(() => gate.unlocked, 'did not unlock');
      expect(gate.linkViewpoint).to.equal(undefined);
      expect(seen.events.map((e) => e.viewpoint)).to.deep.equal([undefined]);
    } finally {
      seen.stop();
    }
  });
});

describe('navigation after an unlock link', () => {
  afterEach(cleanUp);

  it('starts on the link’s scene on a page the link opened, whether the adapter comes before the unlock or after', async () => {
    for (const late of [false, true]) {
      const tour = uniqueTour();
      await serveTour(tour);
      const token = await linkToken(tour);
      arriveWith(link(token, 'bedroom'));
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      // A page whose script runs after the unlock has gone by (a heavy viewer loading).
      if (late) await waitUntil(() => gate.unlocked, 'did not unlock');
      const shown: string[] = [];
      const navigation = gatedNavigation(gate, (id) => shown.push(id));
      const first = await navigation.start('living', 'living');
      expect(first, late ? 'late' : 'early').to.equal('bedroom');
      expect(gate.unlocked).to.equal(true);
      // `start` hands the first scene to the viewer; nothing else was shown on the way.
      expect(shown).to.deep.equal([]);
      navigation.dispose();
      cleanUp();
    }
  });

  it('on a running page (the link opened in the same tab) goes to the link’s scene when nothing waits', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const shown: string[] = [];
    const navigation = gatedNavigation(gate, (id) => shown.push(id));
    expect(await navigation.start('living', 'living')).to.equal('living');
    location.hash = link(await linkToken(tour), 'bedroom');
    await waitUntil(() => shown.length === 1, 'did not move on');
    expect(shown).to.deep.equal(['bedroom']);
    navigation.dispose();
  });

  it('a scene a locked click asked for on this page wins over the link’s', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const shown: string[] = [];
    const navigation = gatedNavigation(gate, (id) => shown.push(id));
    expect(await navigation.start('living', 'living')).to.equal('living');
    expect(await navigation.go('kitchen')).to.equal(false);
    await openMask(gate);
    location.hash = link(await linkToken(tour), 'bedroom');
    await waitUntil(() => shown.length === 1, 'did not move on');
    expect(shown).to.deep.equal(['kitchen']);
    navigation.dispose();
  });

  it('ignores a scene the viewer does not have, and a link that did not unlock', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(link(token, 'attic'));
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    const navigation = gatedNavigation(
      gate,
      () => {},
      (id) => id !== 'attic',
    );
    expect(await navigation.start('living', 'living')).to.equal('living');
    expect(gate.unlocked).to.equal(true);
    navigation.dispose();
    cleanUp();

    const other = uniqueTour();
    await serveTour(other);
    const expired = await linkToken(other, 'LINK_EXPIRED');
    arriveWith(link(expired, 'bedroom'));
    const locked = await mountGate(other, {}, { waitForConfig: false });
    const second = gatedNavigation(locked, () => {});
    // The tour stays locked: the page starts where it would have, and the mask isn't asked for.
    expect(await second.start('living', 'living')).to.equal('living');
    expect(locked.unlocked).to.equal(false);
    expect(locked.linkViewpoint).to.equal('bedroom');
    second.dispose();
  });

  it('pannellum: the viewer is created on the link’s scene, its panorama signed by the gate; a scene it lacks is left alone', async () => {
    for (const [asked, expected] of [
      ['bedroom', 'bedroom'],
      ['attic', 'living'],
    ] as const) {
      const tour = uniqueTour();
      await serveTour(tour);
      arriveWith(link(await linkToken(tour), asked));
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      const created: PannellumTourConfig[] = [];
      const pannellum = {
        viewer: (_container: unknown, config: PannellumTourConfig) => {
          created.push(config);
          return {
            loadScene() {},
            getScene: () => '',
            addScene() {},
            isLoaded: () => true,
            on() {},
            off() {},
            destroy() {},
          };
        },
      };
      const config: PannellumTourConfig = { default: { firstScene: 'living' }, scenes: { living: {}, bedroom: {} } };
      const tourView = await gatedPannellum(pannellum, document.body, config, {
        gate,
        assets: { bedroom: 'bedroom.jpg' },
      });
      expect(created[0]?.default?.firstScene, asked).to.equal(expected);
      if (expected === 'bedroom') expect(created[0]?.scenes.bedroom?.panorama).to.contain('/assets/bedroom.jpg?');
      tourView.destroy();
      cleanUp();
    }
  });
});
