import { expect, waitUntil } from '@open-wc/testing';
import { UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';
import { sendKeys } from '@web/test-runner-commands';
import {
  addToPage,
  cleanUp,
  deepActive,
  isMaskOpen,
  linkToken,
  mountGate,
  openMask,
  SERVER,
  serveTour,
  uniqueTour,
} from '../../test/harness.ts';
import { accessKey } from '../storage.ts';
import type { TourGate } from '../tour-gate.ts';
import { GateToast, TOAST_MS } from './toast.ts';

/** The confirmation in the gate's shadow root, once it is there. */
async function toastOf(gate: TourGate): Promise<GateToast> {
  await waitUntil(() => gate.shadowRoot?.querySelector('tour-gate-toast'), 'no confirmation', { timeout: 5000 });
  const toast = gate.shadowRoot?.querySelector('tour-gate-toast') as GateToast;
  await toast.updateComplete;
  return toast;
}

const status = (toast: GateToast) => toast.shadowRoot?.querySelector('[role="status"]') as HTMLElement;

/** A gate whose tour gets unlocked by a link opened in this tab (only the fragment changes). */
async function unlockByLink(attributes: Record<string, string> = {}): Promise<TourGate> {
  const tour = uniqueTour();
  await serveTour(tour);
  const gate = await mountGate(tour, attributes);
  const token = await linkToken(tour);
  location.hash = `${UNLOCK_FRAGMENT_KEY}=${token}`;
  return gate;
}

/** A gate whose tour another tab of this browser unlocks (the `storage` event). */
async function unlockedByOtherTab(): Promise<TourGate> {
  const tour = uniqueTour();
  await serveTour(tour);
  const gate = await mountGate(tour);
  const key = accessKey(SERVER, tour);
  const value = JSON.stringify({ accessToken: 'opaque', expiresAt: new Date(Date.now() + 600e3).toISOString() });
  localStorage.setItem(key, value);
  window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
  return gate;
}

describe('the confirmation after an unlock', () => {
  afterEach(() => {
    GateToast.duration = TOAST_MS;
    cleanUp();
  });

  it('says that every room is open, in a polite status region, without taking the focus', async () => {
    const before = addToPage(document.createElement('button'));
    before.textContent = 'the page';
    before.focus();
    const gate = await unlockByLink({ lang: 'de' });
    const toast = await toastOf(gate);
    // The region is there first, its text follows, so screen readers read it out.
    await waitUntil(() => status(toast).textContent === 'Alle Räume sind jetzt freigeschaltet.', 'no text');
    expect(status(toast).getAttribute('aria-live')).to.equal('polite');
    expect(toast.shadowRoot?.querySelector('[part="toast"]')).to.not.equal(null);
    expect(deepActive()).to.equal(before);
    const close = toast.shadowRoot?.querySelector('[part="toast-close"]') as HTMLButtonElement;
    expect(close.getAttribute('aria-label')).to.equal('Hinweis schließen');
    expect(toast.getAttribute('exportparts')).to.contain('toast');
  });

  it('speaks the gate’s language', async () => {
    const gate = await unlockByLink({ lang: 'en' });
    const toast = await toastOf(gate);
    await waitUntil(() => status(toast).textContent === 'All rooms are unlocked now.', 'no English text');
  });

  it('goes with ✕, giving the focus back where it came from', async () => {
    const before = addToPage(document.createElement('button'));
    const gate = await unlockByLink();
    const toast = await toastOf(gate);
    before.focus();
    const close = toast.shadowRoot?.querySelector('[part="toast-close"]') as HTMLButtonElement;
    close.focus();
    close.click();
    expect(gate.shadowRoot?.querySelector('tour-gate-toast')).to.equal(null);
    expect(deepActive()).to.equal(before);
  });

  it('goes with Escape, wherever the focus is', async () => {
    const gate = await unlockByLink();
    await toastOf(gate);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !gate.shadowRoot?.querySelector('tour-gate-toast'), 'Escape left it');
  });

  it('goes by itself, but not while the pointer is over it or the focus in it', async () => {
    GateToast.duration = 600;
    // Three gates whose confirmations come up together: one left alone, one hovered, one focused.
    const gates = await Promise.all([unlockedByOtherTab(), unlockedByOtherTab(), unlockedByOtherTab()]);
    const [alone, hovered, focused] = (await Promise.all(gates.map(toastOf))) as [GateToast, GateToast, GateToast];
    const part = (toast: GateToast, name: string) => toast.shadowRoot?.querySelector(`[part="${name}"]`) as HTMLElement;
    part(hovered, 'toast').dispatchEvent(new PointerEvent('pointerenter'));
    part(focused, 'toast-close').focus();
    // The one left alone goes; the other two, shown at the same time, are still there then.
    await waitUntil(() => !alone.isConnected, 'it stayed', { timeout: 3000 });
    expect(hovered.isConnected).to.equal(true);
    expect(focused.isConnected).to.equal(true);
    // Once the pointer leaves, the time starts again.
    part(hovered, 'toast').dispatchEvent(new PointerEvent('pointerleave'));
    await waitUntil(() => !hovered.isConnected, 'it stayed after the pointer left', { timeout: 3000 });
    expect(focused.isConnected).to.equal(true);
  });

  it('is not shown when a gate-unlocked listener cancels the event', async () => {
    // Another gate shows one first, so the chunk is loaded: the cancelled gate would have shown
    // its own no later than our own import of that chunk resolves.
    await toastOf(await unlockByLink());
    let cancelled = false;
    const cancel = (event: Event) => {
      event.preventDefault();
      cancelled = event.defaultPrevented;
    };
    // Unlocked by another tab this time: the event (and the confirmation) come for that too.
    document.addEventListener('gate-unlocked', cancel);
    let gate: TourGate;
    try {
      gate = await unlockedByOtherTab();
    } finally {
      document.removeEventListener('gate-unlocked', cancel);
    }
    expect(gate.unlocked).to.equal(true);
    expect(cancelled).to.equal(true);
    await import('./toast.ts');
    expect(gate.shadowRoot?.querySelector('tour-gate-toast')).to.equal(null);
  });

  it('stays when the mask closes (Lit clears what it rendered, not the confirmation)', async () => {
    const gate = await unlockByLink();
    const toast = await toastOf(gate);
    await gate.open();
    await openMask(gate);
    gate.close();
    expect(isMaskOpen(gate)).to.equal(false);
    expect(toast.isConnected).to.equal(true);
  });
});
