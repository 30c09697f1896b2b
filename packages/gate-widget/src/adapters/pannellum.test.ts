import { expect, waitUntil } from '@open-wc/testing';
import {
  cleanUp,
  fakeJwt,
  isMaskOpen,
  mountGate,
  openMask,
  SERVER,
  serveTour,
  uniqueTour,
} from '../../test/harness.ts';
import { accessKey } from '../storage.ts';
import type { TourGate } from '../tour-gate.ts';
import {
  gatedPannellum,
  type PannellumGlobal,
  type PannellumScene,
  type PannellumTourConfig,
  type PannellumViewer,
} from './pannellum.ts';

/** Unlocks the tour the way another tab does: the access token arrives through the storage event. */
function unlockFromOtherTab(tour: string): void {
  const key = accessKey(SERVER, tour);
  const value = JSON.stringify({
    accessToken: fakeJwt(tour, 600),
    expiresAt: new Date(Date.now() + 600e3).toISOString(),
  });
  localStorage.setItem(key, value);
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
}

/** Pannellum, reduced to what the adapter touches; records every scene it loads. */
class FakeViewer implements PannellumViewer {
  loads: { id: string; panorama: string | undefined; yaw: unknown }[] = [];
  scene: string;
  constructor(readonly config: PannellumTourConfig) {
    this.scene = config.default?.firstScene ?? '';
  }
  loadScene(id: string, _pitch?: unknown, yaw?: unknown): void {
    this.scene = id;
    this.loads.push({ id, panorama: this.config.scenes[id]?.panorama, yaw });
  }
  getScene(): string {
    return this.scene;
  }
  addScene(id: string, config: PannellumScene): void {
    this.config.scenes[id] = config;
  }
  isLoaded(): boolean {
    return true;
  }
  on(): void {}
  off(): void {}
  destroy(): void {}
}

function fakePannellum(): PannellumGlobal & { created: FakeViewer[] } {
  const created: FakeViewer[] = [];
  return {
    created,
    viewer: (_container, config) => {
      const viewer = new FakeViewer(config);
      created.push(viewer);
      return viewer;
    },
  };
}

const tourConfig = (firstScene: string): PannellumTourConfig => ({
  default: { firstScene },
  scenes: {
    living: {
      panorama: '/living.jpg',
      hotSpots: [
        { type: 'scene', sceneId: 'bedroom', pitch: 0, yaw: 10, targetYaw: 90 },
        { type: 'info', text: 'Fenster', pitch: 0, yaw: 40 },
      ],
    },
    bedroom: { hotSpots: [{ type: 'scene', sceneId: 'living', pitch: 0, yaw: 0 }] },
  },
});

/** Clicks a hotspot the way Pannellum does: it calls `clickHandlerFunc(event, clickHandlerArgs)`. */
function clickHotspot(viewer: FakeViewer, scene: string, index: number): void {
  const spot = viewer.config.scenes[scene]?.hotSpots?.[index];
  spot?.clickHandlerFunc?.(new MouseEvent('click'), spot.clickHandlerArgs);
}

describe('pannellum adapter', () => {
  let gate: TourGate;
  let tour: string;
  beforeEach(async () => {
    tour = uniqueTour();
    await serveTour(tour);
    gate = await mountGate(tour);
  });
  afterEach(cleanUp);

  it('turns scene hotspots into guarded click handlers and keeps the others', async () => {
    const pannellum = fakePannellum();
    await gatedPannellum(pannellum, 'pano', tourConfig('living'), { gate, assets: { bedroom: 'bedroom.jpg' } });
    const viewer = pannellum.created[0]!;
    const [scene, info] = viewer.config.scenes.living?.hotSpots ?? [];
    expect(scene?.sceneId).to.equal(undefined);
    expect(scene?.clickHandlerFunc).to.be.a('function');
    expect(scene?.type).to.equal('scene');
    expect(info).to.deep.include({ type: 'info', text: 'Fenster' });
  });

  it('a locked scene opens the mask instead of loading, and loads from the gate once unlocked', async () => {
    const pannellum = fakePannellum();
    await gatedPannellum(pannellum, 'pano', tourConfig('living'), { gate, assets: { bedroom: 'bedroom.jpg' } });
    const viewer = pannellum.created[0]!;

    clickHotspot(viewer, 'living', 0);
    await openMask(gate);
    expect(viewer.loads).to.deep.equal([]);

    unlockFromOtherTab(tour);
    await waitUntil(() => viewer.loads.length === 1, 'the scene did not load after the unlock');
    const [load] = viewer.loads;
    expect(load?.id).to.equal('bedroom');
    expect(load?.yaw).to.equal(90);
    expect(load?.panorama).to.include(`/v1/tours/${tour}/assets/bedroom.jpg?`);
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('a free scene loads at once', async () => {
    const pannellum = fakePannellum();
    const gated = await gatedPannellum(pannellum, 'pano', tourConfig('bedroom'), {
      gate,
      assets: { bedroom: 'bedroom.jpg' },
    });
    const viewer = pannellum.created[0]!;
    expect(await gated.go('living')).to.equal(true);
    expect(viewer.loads.map((l) => l.id)).to.deep.equal(['living']);
  });

  it('a deep link to a locked scene starts on a free one, shows the mask, and follows after the unlock', async () => {
    const pannellum = fakePannellum();
    await gatedPannellum(pannellum, 'pano', tourConfig('bedroom'), { gate, assets: { bedroom: 'bedroom.jpg' } });
    const viewer = pannellum.created[0]!;
    expect(viewer.config.default?.firstScene).to.equal('living');
    expect(viewer.config.scenes.bedroom?.panorama).to.equal(undefined);
    await openMask(gate);

    unlockFromOtherTab(tour);
    await waitUntil(() => viewer.loads.length === 1, 'the deep-linked scene did not follow');
    expect(viewer.loads[0]?.id).to.equal('bedroom');
  });
});
