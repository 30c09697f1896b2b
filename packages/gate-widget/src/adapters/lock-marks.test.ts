/**
 * Locks a visitor can see, per adapter: every hotspot or link into a locked room carries
 * `tour-gate-locked` and a lock icon before the unlock, and neither after it. The viewers are
 * reduced to what they render (an element per hotspot, with the classes the adapter gave it);
 * examples/e2e checks the same on the real viewers.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { cleanUp, fakeJwt, mountGate, SERVER, serveTour, uniqueTour } from '../../test/harness.ts';
import { accessKey } from '../storage.ts';
import type { TourGate } from '../tour-gate.ts';
import { LOCKED_CLASS } from './lock-marks.ts';
import { gatedSceneSwitch } from './marzipano.ts';
import { gatedPannellum, type PannellumTourConfig, type PannellumViewer } from './pannellum.ts';
import { gatedVirtualTour, type VirtualTourNodeLike } from './photo-sphere-viewer.ts';

function unlockFromOtherTab(tour: string): void {
  const key = accessKey(SERVER, tour);
  const value = JSON.stringify({
    accessToken: fakeJwt(tour, 600),
    expiresAt: new Date(Date.now() + 600e3).toISOString(),
  });
  localStorage.setItem(key, value);
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
}

/** The lock icon is the element's `::after`: drawn (content "") or not (content none). */
const iconShown = (el: Element) => getComputedStyle(el, '::after').content !== 'none';
const locked = (el: Element) => el.classList.contains(LOCKED_CLASS);

function container(): HTMLElement {
  const div = document.createElement('div');
  div.id = `viewer-${Math.random().toString(36).slice(2)}`;
  div.style.cssText = 'position:relative;width:400px;height:300px';
  document.body.append(div);
  return div;
}

/** A spot as a viewer renders it: absolutely positioned, with the classes it was given. */
function spot(root: HTMLElement, className: string): HTMLElement {
  const el = document.createElement('div');
  el.className = className;
  el.style.cssText = 'position:absolute;left:10px;top:10px;width:26px;height:26px';
  root.append(el);
  return el;
}

describe('lock marks', () => {
  let gate: TourGate;
  let tour: string;
  let root: HTMLElement;
  beforeEach(async () => {
    tour = uniqueTour();
    // bedroom and kitchen are protected; living is free.
    await serveTour(tour);
    gate = await mountGate(tour);
    root = container();
  });
  afterEach(() => {
    root.remove();
    cleanUp();
  });

  it('Pannellum: scene hotspots into locked scenes carry the mark until the unlock', async () => {
    const config: PannellumTourConfig = {
      default: { firstScene: 'living' },
      scenes: {
        living: {
          hotSpots: [
            { type: 'scene', sceneId: 'bedroom', pitch: 0, yaw: 10 },
            { type: 'scene', sceneId: 'kitchen', pitch: 0, yaw: 20, cssClass: 'my-arrow' },
            { type: 'scene', sceneId: 'hall', pitch: 0, yaw: 30 },
            { type: 'info', text: 'Fenster', pitch: 0, yaw: 40 },
          ],
        },
        bedroom: {},
        kitchen: {},
        hall: {},
      },
    };
    let rendered: PannellumTourConfig | undefined;
    await gatedPannellum(
      {
        viewer: (_c, c) => {
          rendered = c;
          return { on() {}, off() {}, destroy() {}, isLoaded: () => true } as unknown as PannellumViewer;
        },
      },
      root,
      config,
      { gate },
    );
    // Pannellum renders each hotspot as `pnlm-hotspot-base` plus its cssClass (or its own sprite classes).
    const els = rendered!.scenes.living!.hotSpots!.map((h) =>
      spot(root, `pnlm-hotspot-base ${typeof h.cssClass === 'string' ? h.cssClass : 'pnlm-hotspot pnlm-info'}`),
    );
    const [bedroom, kitchen, hall, info] = els as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    await waitUntil(() => locked(bedroom), 'the hotspot into the locked bedroom has no mark');
    expect(locked(kitchen)).to.equal(true);
    expect(kitchen.classList.contains('my-arrow'), "the page's own class stays").to.equal(true);
    expect(bedroom.classList.contains('pnlm-sprite'), "Pannellum's arrow stays").to.equal(true);
    expect(iconShown(bedroom)).to.equal(true);
    expect(locked(hall) || locked(info)).to.equal(false);
    expect(iconShown(hall)).to.equal(false);

    unlockFromOtherTab(tour);
    await waitUntil(() => !locked(bedroom) && !locked(kitchen), 'the marks stayed after the unlock');
    expect(iconShown(bedroom)).to.equal(false);
  });

  it('Photo Sphere Viewer: link arrows into locked nodes carry the mark until the unlock', async () => {
    const nodes: Record<string, VirtualTourNodeLike> = {
      living: {
        id: 'living',
        links: [{ nodeId: 'bedroom', arrowStyle: { className: 'to-bedroom' } }, { nodeId: 'hall' }],
      },
      hall: { id: 'hall', links: [{ nodeId: 'living' }] },
    };
    const tourNav = gatedVirtualTour({ gate, getNode: (id) => nodes[id]! });
    let current = '';
    const arrows: HTMLElement[] = [];
    // The plugin asks getNode for the node it shows and renders an arrow per link with its className.
    const show = async (id: string) => {
      const node = await tourNav.pluginOptions.getNode(id);
      current = id;
      for (const a of arrows.splice(0)) a.remove();
      for (const link of node.links ?? [])
        arrows.push(spot(root, `psv-virtual-tour-arrow ${link.arrowStyle?.className ?? ''}`));
      return true;
    };
    await tourNav.start(
      { setCurrentNode: show, getCurrentNode: () => ({ id: current }), viewer: { container: root } },
      'living',
      'living',
    );
    await waitUntil(() => arrows.length === 2 && locked(arrows[0]!), 'the arrow into the bedroom has no mark');
    expect(arrows[0]!.classList.contains('to-bedroom')).to.equal(true);
    expect(iconShown(arrows[0]!)).to.equal(true);
    expect(locked(arrows[1]!)).to.equal(false);

    unlockFromOtherTab(tour);
    await waitUntil(() => !locked(arrows[0]!), 'the mark stayed after the unlock');
    expect(iconShown(arrows[0]!)).to.equal(false);
  });

  it("Marzipano: the page's hotspots and buttons into locked scenes carry the mark until the unlock", async () => {
    const tourNav = await gatedSceneSwitch(() => {}, { gate });
    const toBedroom = spot(root, 'hotspot');
    const toHall = spot(root, 'hotspot');
    const button = document.createElement('button');
    root.append(button);
    tourNav.mark(toBedroom, 'bedroom');
    tourNav.mark(toHall, 'hall');
    tourNav.mark(button, 'kitchen');
    await tourNav.start('living', 'living');
    expect([locked(toBedroom), locked(toHall), locked(button)]).to.deep.equal([true, false, true]);
    expect(iconShown(toBedroom)).to.equal(true);

    unlockFromOtherTab(tour);
    await waitUntil(() => !locked(toBedroom) && !locked(button), 'the marks stayed after the unlock');
  });
});
