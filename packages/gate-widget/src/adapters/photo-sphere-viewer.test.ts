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
import { gatedVirtualTour, type VirtualTourPluginLike } from './photo-sphere-viewer.ts';

function unlockFromOtherTab(tour: string): void {
  const key = accessKey(SERVER, tour);
  const value = JSON.stringify({
    accessToken: fakeJwt(tour, 600),
    expiresAt: new Date(Date.now() + 600e3).toISOString(),
  });
  localStorage.setItem(key, value);
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
}

/** The virtual-tour plugin, reduced to what the adapter touches; `shown` lists the nodes it loaded. */
class FakePlugin implements VirtualTourPluginLike {
  readonly shown: string[] = [];
  async setCurrentNode(id: string): Promise<boolean> {
    this.shown.push(id);
    return true;
  }
  getCurrentNode() {
    const id = this.shown[this.shown.length - 1];
    return id ? { id } : null;
  }
}

const fakePlugin = () => new FakePlugin();

const node = (id: string) => ({ id, panorama: `/${id}.jpg`, links: [{ nodeId: 'living' }, { nodeId: 'bedroom' }] });

describe('photo-sphere-viewer adapter', () => {
  let gate: TourGate;
  let tour: string;
  beforeEach(async () => {
    tour = uniqueTour();
    await serveTour(tour);
    gate = await mountGate(tour);
  });
  afterEach(cleanUp);

  it('getNode hands out free nodes and aborts (as PSV understands it) for locked ones', async () => {
    const asked: string[] = [];
    const tourGate = gatedVirtualTour({
      gate,
      getNode: (id) => {
        asked.push(id);
        return node(id);
      },
    });
    expect((await tourGate.pluginOptions.getNode('living')).id).to.equal('living');
    const error = await tourGate.pluginOptions.getNode('bedroom').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('AbortError');
    expect(asked).to.deep.equal(['living']);
    // A tooltip or preload asking for a locked node never opens the mask.
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('never preloads a locked node', async () => {
    const tourGate = gatedVirtualTour({ gate, getNode: node, preload: true });
    await tourGate.pluginOptions.getNode('living');
    expect(tourGate.pluginOptions.preload(node('living'), { nodeId: 'kitchen' })).to.equal(false);
    expect(tourGate.pluginOptions.preload(node('living'), { nodeId: 'hall' })).to.equal(true);
    unlockFromOtherTab(tour);
    expect(tourGate.pluginOptions.preload(node('living'), { nodeId: 'kitchen' })).to.equal(true);
  });

  it('guards the plugin navigation: a locked node opens the mask and is shown after the unlock', async () => {
    const plugin = fakePlugin();
    const tourGate = gatedVirtualTour({ gate, getNode: node });
    await tourGate.start(plugin, 'living', 'living');
    expect(plugin.shown).to.deep.equal(['living']);

    // What a click on a link arrow does inside the plugin:
    expect(await plugin.setCurrentNode('bedroom')).to.equal(false);
    await openMask(gate);
    expect(plugin.shown).to.deep.equal(['living']);

    unlockFromOtherTab(tour);
    await waitUntil(() => plugin.shown.length === 2, 'the node was not shown after the unlock');
    expect(plugin.shown).to.deep.equal(['living', 'bedroom']);
  });

  it('a deep link to a locked node starts on the fallback and follows after the unlock', async () => {
    const plugin = fakePlugin();
    const tourGate = gatedVirtualTour({ gate, getNode: node });
    await tourGate.start(plugin, 'kitchen', 'living');
    expect(plugin.shown).to.deep.equal(['living']);
    await openMask(gate);
    unlockFromOtherTab(tour);
    await waitUntil(() => plugin.shown.length === 2, 'the deep-linked node did not follow');
    expect(plugin.shown[1]).to.equal('kitchen');
  });

  it('dispose gives the plugin its own navigation back', async () => {
    const plugin = fakePlugin();
    const tourGate = gatedVirtualTour({ gate, getNode: node });
    await tourGate.start(plugin, 'living', 'living');
    expect(plugin.setCurrentNode).not.to.equal(FakePlugin.prototype.setCurrentNode);
    tourGate.dispose();
    expect(plugin.setCurrentNode).to.equal(FakePlugin.prototype.setCurrentNode);
    await plugin.setCurrentNode('bedroom');
    expect(plugin.shown).to.deep.equal(['living', 'bedroom']);
  });
});
