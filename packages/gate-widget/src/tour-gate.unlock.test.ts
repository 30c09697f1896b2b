import { expect, waitUntil } from '@open-wc/testing';
import { UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';
import {
  addToPage,
  cleanUp,
  deepActive,
  isMaskOpen,
  linkToken,
  mountGate,
  openMask,
  requestsOf,
  SERVER,
  serveTour,
  text,
  uniqueTour,
  unlockRequests,
  viewpointButton,
  waitForRequests,
} from '../test/harness.ts';
import type { GateErrorEvent } from './events.ts';
import { en } from './i18n/en.ts';
import { accessKey } from './storage.ts';

function arriveWith(fragment: string): void {
  history.replaceState(null, '', `${location.pathname}${location.search}#${fragment}`);
}

describe('unlock on arrival', () => {
  afterEach(cleanUp);

  it('unlocks with the token from the fragment, stores the access and clears the address bar', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(`scene=hall&${UNLOCK_FRAGMENT_KEY}=${token}`);
    let unlockedEvents = 0;
    const onUnlocked = () => unlockedEvents++;
    document.addEventListener('gate-unlocked', onUnlocked);
    try {
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      await waitUntil(() => gate.unlocked, 'did not unlock');
      expect(unlockedEvents).to.equal(1);
      // The token is gone from the URL, other fragment parameters stay, no history entry added.
      expect(location.href).not.to.contain(token);
      expect(location.hash).to.equal('#scene=hall');
      const sent = (await unlockRequests()).filter((r) => (r.body as { token?: string }).token === token);
      expect(sent).to.have.length(1);
      expect(sent[0]?.valid).to.equal(true);
      expect(sent[0]?.body).to.deep.equal({ token });
      const stored = JSON.parse(localStorage.getItem(accessKey(SERVER, tour)) ?? 'null');
      expect(stored.accessToken).to.equal(gate.accessToken);

      // And the locked viewpoint now opens.
      let clicked = 0;
      const button = viewpointButton('bedroom');
      button.addEventListener('click', () => clicked++);
      button.click();
      expect(clicked).to.equal(1);
    } finally {
      document.removeEventListener('gate-unlocked', onUnlocked);
    }
  });

  it('leaves no bare "#" behind when the token was the only fragment', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    await waitUntil(() => gate.unlocked, 'did not unlock');
    expect(location.href.endsWith('#')).to.equal(false);
    expect(location.hash).to.equal('');
  });

  it('unlocks when the link is opened in a tab that already shows the page (only the fragment changes)', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    expect(gate.unlocked).to.equal(false);
    const token = await linkToken(tour);
    location.hash = `${UNLOCK_FRAGMENT_KEY}=${token}`;
    await waitUntil(() => gate.unlocked, 'did not unlock');
    expect(location.href).not.to.contain(token);
  });

  it('unlocks a second open tab of the same browser', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    expect(gate.unlocked).to.equal(false);
    let unlocked = 0;
    gate.addEventListener('gate-unlocked', () => unlocked++);
    const token = await linkToken(tour);

    // The other tab: a page of the same origin that opens the unlock link.
    const otherTab = document.createElement('iframe');
    otherTab.src = `/packages/gate-widget/test/fixtures/second-tab.html?tour=${tour}#${UNLOCK_FRAGMENT_KEY}=${token}`;
    const otherUnlocked = new Promise<void>((resolve) => {
      window.addEventListener('message', function onMessage(event) {
        if (event.data?.secondTab === 'unlocked') {
          window.removeEventListener('message', onMessage);
          resolve();
        }
      });
    });
    addToPage(otherTab);
    await otherUnlocked;

    await waitUntil(() => gate.unlocked, 'this tab did not follow');
    expect(unlocked).to.equal(1);
    let clicked = 0;
    const button = viewpointButton('kitchen');
    button.addEventListener('click', () => clicked++);
    button.click();
    expect(clicked).to.equal(1);
  });

  it('offers a new link for an expired one, asking with the old token', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour, 'LINK_EXPIRED');
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    const errors: string[] = [];
    const onError = (event: Event) => errors.push((event as GateErrorEvent).code);
    document.addEventListener('gate-error', onError);
    try {
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      const root = await openMask(gate);
      await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.linkExpiredTitle, 'no screen');
      expect(location.hash).to.equal('');
      expect(gate.unlocked).to.equal(false);
      expect(errors).to.deep.equal(['LINK_EXPIRED']);
      await waitUntil(() => deepActive()?.getAttribute('part') === 'screen-title', 'focus not on the screen');

      const ask = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.newLinkButton);
      ask?.click();
      const [request] = await waitForRequests(tour, (r) => r.path.endsWith('/links'));
      expect(request?.valid).to.equal(true);
      expect(request?.body).to.deep.equal({ token, locale: 'en', pageUrl: location.href.split('#')[0] });
      await waitUntil(
        () => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle,
        'no confirmation',
      );
    } finally {
      document.removeEventListener('gate-error', onError);
    }
  });

  it('offers a retry when the unlock request fails on the network', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour, 'ok', { networkFailures: 1 });
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    const root = await openMask(gate);
    await waitUntil(() => text(root.querySelector('[part="screen-text"]')) === en.errors.NETWORK_ERROR, 'no error');
    expect(location.hash, 'the token left the address bar all the same').to.equal('');
    const retry = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry);
    retry?.click();
    await waitUntil(() => gate.unlocked, 'the retry did not unlock');
    await gate.updateComplete;
    expect(isMaskOpen(gate)).to.equal(false);
  });

  for (const [code, title] of [
    ['LINK_INVALID', en.linkInvalidTitle],
    ['LINK_REVOKED', en.linkRevokedTitle],
    ['ACCESS_DENIED', en.accessDeniedTitle],
    ['ACCESS_REVOKED', en.accessRevokedTitle],
  ] as const) {
    it(`shows a clear screen for ${code}`, async () => {
      const tour = uniqueTour();
      await serveTour(tour);
      const token = await linkToken(tour, code);
      arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      const root = await openMask(gate);
      await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === title, `no ${code} screen`);
      expect(gate.unlocked).to.equal(false);
      expect(location.hash).to.equal('');
      if (code === 'ACCESS_DENIED' || code === 'ACCESS_REVOKED') {
        // Whom to ask: the broker's contact data.
        expect(text(root.querySelector('[part="contact"]'))).to.contain('maria@makler.example');
      } else {
        // A way on: a new link for the email address alone, not the whole form again.
        const again = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.askLinkTitle);
        again?.click();
        await waitUntil(() => root.querySelector('form'), 'no form');
        expect([...root.querySelectorAll('form [name]')].map((c) => c.getAttribute('name'))).to.deep.equal(['email']);
      }
      expect((await requestsOf(tour)).some((r) => r.path.endsWith('/registrations'))).to.equal(false);
    });
  }

  it('waits for a running unlock before deciding: no locked event and no mask for what the link opens', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour);
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    // Hold the unlock answer back, so a guard() and a click come while the request runs.
    const realFetch = window.fetch;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/v1/unlock')) await held;
      return realFetch(input, init);
    };
    const events: string[] = [];
    const onEvent = (event: Event) => events.push(event.type);
    const types = ['gate-locked', 'gate-unlocked', 'gate-open'];
    for (const type of types) document.addEventListener(type, onEvent);
    try {
      const gate = await mountGate(tour);
      const guarded = gate.guard('bedroom');
      const button = viewpointButton('kitchen');
      let clicked = 0;
      button.addEventListener('click', () => clicked++);
      button.click();
      expect(clicked, 'held while the unlock runs').to.equal(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(isMaskOpen(gate)).to.equal(false);
      release();
      expect(await guarded).to.equal(true);
      await waitUntil(() => clicked === 1, 'the held click was not replayed');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await gate.updateComplete;
      expect(isMaskOpen(gate)).to.equal(false);
      expect(gate.unlocked).to.equal(true);
      expect(events).to.deep.equal(['gate-unlocked']);
    } finally {
      window.fetch = realFetch;
      for (const type of types) document.removeEventListener(type, onEvent);
    }
  });

  it('sends the token once when "try again" is pressed twice', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour, 'ok', { networkFailures: 1 });
    arriveWith(`${UNLOCK_FRAGMENT_KEY}=${token}`);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    const root = await openMask(gate);
    await waitUntil(() => text(root.querySelector('[part="screen-text"]')) === en.errors.NETWORK_ERROR, 'no error');
    const retry = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry);
    retry?.click();
    retry?.click();
    await waitUntil(() => gate.unlocked, 'the retry did not unlock');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = (await unlockRequests()).filter((r) => (r.body as { token?: string }).token === token);
    expect(sent, 'the failed request and one retry').to.have.length(2);
  });
});
