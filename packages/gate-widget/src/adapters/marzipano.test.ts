import { expect, waitUntil } from '@open-wc/testing';
import { cleanUp, fakeJwt, mountGate, openMask, SERVER, serveTour, uniqueTour } from '../../test/harness.ts';
import { accessKey } from '../storage.ts';
import type { TourGate } from '../tour-gate.ts';
import { gatedSceneSwitch } from './marzipano.ts';

function unlockFromOtherTab(tour: string): void {
  const key = accessKey(SERVER, tour);
  const value = JSON.stringify({
    accessToken: fakeJwt(tour, 600),
    expiresAt: new Date(Date.now() + 600e3).toISOString(),
  });
  localStorage.setItem(key, value);
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
}

describe('marzipano adapter', () => {
  let gate: TourGate;
  let tour: string;
  beforeEach(async () => {
    tour = uniqueTour();
    await serveTour(tour);
    gate = await mountGate(tour);
  });
  afterEach(cleanUp);

  it('switches to free scenes at once; a locked one waits for the unlock, the newest request wins', async () => {
    const switched: string[] = [];
    const scenes = await gatedSceneSwitch((id) => switched.push(id), { gate });
    expect(await scenes.go('living')).to.equal(true);
    expect(await scenes.go('bedroom')).to.equal(false);
    await openMask(gate);
    expect(await scenes.go('kitchen')).to.equal(false);
    expect(scenes.pending).to.equal('kitchen');

    unlockFromOtherTab(tour);
    await waitUntil(() => switched.length === 2, 'the locked scene did not follow');
    expect(switched).to.deep.equal(['living', 'kitchen']);
    expect(scenes.pending).to.equal(undefined);
  });

  it('a deep link to a locked scene starts on the fallback', async () => {
    const switched: string[] = [];
    const scenes = await gatedSceneSwitch((id) => switched.push(id), { gate });
    expect(await scenes.start('bedroom', 'living')).to.equal('living');
    expect(switched).to.deep.equal(['living']);
    expect(scenes.pending).to.equal('bedroom');
  });

  it('finds the page’s <tour-gate> on its own', async () => {
    const scenes = await gatedSceneSwitch(() => {});
    expect(scenes.gate).to.equal(gate);
  });
});
