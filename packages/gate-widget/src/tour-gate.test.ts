import { expect, waitUntil } from '@open-wc/testing';
import { GateError } from '@tour-gate/shared';
import {
  addToPage,
  cleanUp,
  fakeJwt,
  isMaskOpen,
  mountGate,
  openMask,
  requestsOf,
  revokeAccess,
  SERVER,
  scriptAnswer,
  serveTour,
  text,
  uniqueTour,
  viewpointButton,
  waitForRequests,
} from '../test/harness.ts';
import type { GateErrorEvent, GateLockedEvent } from './events.ts';
import { en } from './i18n/en.ts';
import { accessKey } from './storage.ts';
import type { TourGate } from './tour-gate.ts';

describe('<tour-gate> click guard', () => {
  afterEach(cleanUp);

  it('stops a locked click before any page handler and opens the mask; after unlock the click goes through', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const button = viewpointButton('bedroom');
    const seen: string[] = [];
    button.addEventListener('click', () => seen.push('button'));
    const onDocumentCapture = () => seen.push('document-capture');
    document.addEventListener('click', onDocumentCapture, { capture: true });
    const locked: string[] = [];
    gate.addEventListener('gate-locked', (event) => locked.push(event.viewpoint ?? ''));

    try {
      button.click();
      await openMask(gate);
      expect(seen).to.deep.equal([]);
      expect(locked).to.deep.equal(['bedroom']);

      // Unlock the way another tab would: a stored access token arrives via the storage event.
      gate.close();
      await gate.updateComplete;
      const key = accessKey(SERVER, tour);
      const value = JSON.stringify({
        accessToken: fakeJwt(tour, 600),
        expiresAt: new Date(Date.now() + 600e3).toISOString(),
      });
      localStorage.setItem(key, value);
      window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
      expect(gate.unlocked).to.equal(true);

      button.click();
      expect(seen).to.deep.equal(['document-capture', 'button']);
      expect(isMaskOpen(gate)).to.equal(false);
    } finally {
      document.removeEventListener('click', onDocumentCapture, { capture: true });
    }
  });

  it('lets clicks on unprotected viewpoints through untouched', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const button = viewpointButton('living');
    let clicked = 0;
    button.addEventListener('click', () => clicked++);
    button.click();
    expect(clicked).to.equal(1);
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('guards viewpoints added after it, also inside other shadow roots', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const host = addToPage(document.createElement('div'));
    const root = host.attachShadow({ mode: 'open' });
    const hotspot = document.createElement('span');
    hotspot.dataset.gateViewpoint = 'kitchen';
    let clicked = 0;
    hotspot.addEventListener('click', () => clicked++);
    root.append(hotspot);
    hotspot.click();
    await openMask(gate);
    expect(clicked).to.equal(0);
  });

  it('keeps the mask closed when a gate-locked listener cancels', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    gate.addEventListener('gate-locked', (event: GateLockedEvent) => event.preventDefault());
    let clicked = 0;
    const button = viewpointButton('bedroom');
    button.addEventListener('click', () => clicked++);
    button.click();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clicked).to.equal(0);
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('holds a click that comes before the config, and replays it when the viewpoint is free', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const button = viewpointButton('living');
    let clicked = 0;
    button.addEventListener('click', () => clicked++);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    button.click();
    expect(clicked).to.equal(0);
    await waitUntil(() => clicked === 1, 'the held click was not replayed');
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('guards SVG viewpoints, and replays a held click on one', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const host = addToPage(document.createElement('div'));
    host.innerHTML =
      '<svg width="20" height="20"><circle data-gate-viewpoint="living" r="5"/><circle data-gate-viewpoint="bedroom" r="5"/></svg>';
    const [living, bedroom] = host.querySelectorAll('circle');
    const seen: string[] = [];
    living?.addEventListener('click', () => seen.push('living'));
    bedroom?.addEventListener('click', () => seen.push('bedroom'));
    const click = () => new MouseEvent('click', { bubbles: true, cancelable: true, composed: true });
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    living?.dispatchEvent(click());
    expect(seen).to.deep.equal([]);
    await waitUntil(() => seen.length === 1, 'the held click was not replayed');
    bedroom?.dispatchEvent(click());
    await openMask(gate);
    expect(seen).to.deep.equal(['living']);
  });

  it('does not replay a held click once its viewpoint has left the page', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const button = viewpointButton('bedroom');
    let clicked = 0;
    button.addEventListener('click', () => clicked++);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    button.click();
    button.remove();
    // Unlocked while the click is held: a replay would now go through, on an element no guard sees.
    const key = accessKey(SERVER, tour);
    const value = JSON.stringify({
      accessToken: fakeJwt(tour, 600),
      expiresAt: new Date(Date.now() + 600e3).toISOString(),
    });
    localStorage.setItem(key, value);
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: value, storageArea: localStorage }));
    await waitUntil(() => gate.isUnlocked('living'), 'gate config did not load');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clicked).to.equal(0);
  });
});

describe('<tour-gate> funnel counters', () => {
  afterEach(cleanUp);

  it('sends anonymous counters (a tour view, then clicks) in one batch, at the latest when the page goes away', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    viewpointButton('living').click();
    viewpointButton('bedroom').click();
    await openMask(gate);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const [batch] = await waitForRequests(tour, (r) => r.path.endsWith('/events'));
    expect(batch?.valid, JSON.stringify(batch?.issues)).to.equal(true);
    expect(batch?.body).to.deep.equal({
      events: [
        // One view of the tour per page, once its config has arrived.
        { type: 'tour-view' },
        { type: 'viewpoint-view', viewpoint: 'living' },
        { type: 'locked-click', viewpoint: 'bedroom' },
        { type: 'mask-shown', viewpoint: 'bedroom' },
      ],
    });
  });
});

/** The config answered with 503: the service is briefly away. */
const UNAVAILABLE = { status: 503, body: new GateError('UNAVAILABLE').toBody() };

describe('<tour-gate> without its config', () => {
  afterEach(cleanUp);

  // A server that answers but can't serve the config right now gets the mask's error screen with
  // a retry; an embed that can't work here at all (network, origin, tour) gets the notice of
  // cover/cover.ts (see cover.test.ts).
  it('keeps viewpoints locked when the config does not load, and offers a retry', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'gate', UNAVAILABLE);
    await scriptAnswer(tour, 'gate', UNAVAILABLE);
    const errors: string[] = [];
    const onError = (event: Event) => errors.push((event as GateErrorEvent).code);
    document.addEventListener('gate-error', onError);
    try {
      const gate = await mountGate(tour, {}, { waitForConfig: false });
      const button = viewpointButton('living');
      let clicked = 0;
      button.addEventListener('click', () => clicked++);
      await waitUntil(() => errors.length === 1, 'no gate-error for the config');
      button.click();
      const root = await openMask(gate);
      await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.errorTitle, 'no error screen');
      expect(text(root.querySelector('[part="screen-text"]'))).to.equal(en.errors.UNAVAILABLE);
      expect(clicked).to.equal(0);
      expect(errors).to.deep.equal(['UNAVAILABLE', 'UNAVAILABLE']);

      // The server is back: the retry replays the click, which now goes through.
      const retry = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry);
      retry?.click();
      await waitUntil(() => clicked === 1, 'the click was not replayed');
      await gate.updateComplete;
      expect(isMaskOpen(gate)).to.equal(false);
    } finally {
      document.removeEventListener('gate-error', onError);
    }
  });
});

describe('<tour-gate> guard() without its config', () => {
  afterEach(cleanUp);

  async function failedGuard(): Promise<{ gate: TourGate; root: ShadowRoot; answer: Promise<boolean> }> {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'gate', UNAVAILABLE);
    await scriptAnswer(tour, 'gate', UNAVAILABLE);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    await waitForRequests(tour, (r) => r.path.endsWith('/gate'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = gate.guard('living');
    const root = await openMask(gate);
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.errorTitle, 'no error screen');
    return { gate, root, answer };
  }

  it('resolves with the retried answer once the visitor tries again', async () => {
    const { root, answer } = await failedGuard();
    let settled = false;
    void answer.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled, 'no answer before the retry').to.equal(false);
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry)?.click();
    expect(await answer).to.equal(true);
  });

  it('resolves false when the visitor closes the error screen', async () => {
    const { gate, answer } = await failedGuard();
    gate.close();
    expect(await answer).to.equal(false);
  });
});

describe('<tour-gate> JS API', () => {
  afterEach(cleanUp);

  it('guard() resolves true for free viewpoints and false (opening the mask) for locked ones', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    expect(await gate.guard('living')).to.equal(true);
    expect(isMaskOpen(gate)).to.equal(false);
    expect(await gate.guard('bedroom')).to.equal(false);
    await openMask(gate);
    expect(gate.isUnlocked('bedroom')).to.equal(false);
    expect(gate.isUnlocked('living')).to.equal(true);
  });

  it('open() and close() show and hide the mask with gate-open and gate-close', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const events: string[] = [];
    gate.addEventListener('gate-open', () => events.push('open'));
    gate.addEventListener('gate-close', () => events.push('close'));
    await gate.open();
    await openMask(gate);
    gate.close();
    await gate.updateComplete;
    expect(isMaskOpen(gate)).to.equal(false);
    expect(events).to.deep.equal(['open', 'close']);
  });

  it('signs asset URLs with the grant from /access, renewing it in the background', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const accessToken = fakeJwt(tour, 600);
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken, expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const gate = await mountGate(tour);
    expect(gate.unlocked).to.equal(true);
    expect(gate.accessToken).to.equal(accessToken);
    await waitUntil(() => gate.assetUrl('x.jpg')?.includes('sig='), 'no asset grant arrived');
    expect(gate.assetUrl('panos/bed room.jpg')).to.match(
      new RegExp(`^${SERVER}/v1/tours/${tour}/assets/panos/bed%20room\\.jpg\\?t=grant-\\d+&exp=\\d+&sig=stand-in$`),
    );
    // Dot segments never climb out of the tour's asset folder.
    expect(gate.assetUrl('../../secret')).to.match(new RegExp(`^${SERVER}/v1/tours/${tour}/assets/secret\\?t=`));
    // The renewed grant is stored for the other tabs too.
    expect(JSON.parse(localStorage.getItem(accessKey(SERVER, tour)) ?? '{}').assets?.query).to.match(/^t=grant-/);
  });

  it('gives no asset URL without a grant, never the access token', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'access', {
      status: 200,
      body: { valid: true, tour, expiresAt: new Date(Date.now() + 600e3).toISOString() },
    });
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken: fakeJwt(tour, 600), expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const gate = await mountGate(tour);
    await waitForRequests(tour, (r) => r.path.endsWith('/access'));
    expect(gate.unlocked).to.equal(true);
    expect(gate.assetUrl('a/b.jpg')).to.equal(undefined);
  });

  it('guard() renews a stale grant before it answers true', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const expiresAt = new Date(Date.now() + 600e3).toISOString();
    await scriptAnswer(tour, 'access', {
      delayMs: 300,
      body: { valid: true, tour, expiresAt, assets: { query: 't=fresh&exp=1&sig=s', expiresAt } },
    });
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({
        accessToken: fakeJwt(tour, 600),
        expiresAt,
        assets: { query: 't=stale&exp=1&sig=s', expiresAt: new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const gate = await mountGate(tour);
    expect(gate.assetUrl('x.jpg'), 'a stale grant signs nothing').to.equal(undefined);
    expect(await gate.guard('bedroom')).to.equal(true);
    expect(gate.assetUrl('x.jpg')).to.equal(`${SERVER}/v1/tours/${tour}/assets/x.jpg?t=fresh&exp=1&sig=s`);
    expect(await requestsOf(tour).then((list) => list.filter((r) => r.path.endsWith('/access')))).to.have.length(1);
  });

  it('tries a renewal that failed on the network again 30 s later', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'access', { network: true });
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken: fakeJwt(tour, 600), expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const realSetTimeout = window.setTimeout;
    const delays: number[] = [];
    window.setTimeout = ((handler: TimerHandler, delay?: number, ...rest: unknown[]) => {
      delays.push(delay ?? 0);
      return realSetTimeout(handler, delay, ...rest);
    }) as typeof window.setTimeout;
    try {
      const gate = await mountGate(tour);
      await waitForRequests(tour, (r) => r.path.endsWith('/access'));
      await waitUntil(() => delays.includes(30_000), 'no renewal planned after the failure');
      expect(gate.unlocked, 'a network failure keeps the access').to.equal(true);
      expect(gate.assetUrl('x.jpg')).to.equal(undefined);
    } finally {
      window.setTimeout = realSetTimeout;
    }
  });

  it('locks again quietly when the stored token has expired', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const key = accessKey(SERVER, tour);
    localStorage.setItem(
      key,
      JSON.stringify({ accessToken: fakeJwt(tour, -5), expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const gate = await mountGate(tour);
    expect(gate.unlocked).to.equal(false);
    expect(gate.accessToken).to.equal(undefined);
    expect(gate.assetUrl('x.jpg')).to.equal(undefined);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(isMaskOpen(gate)).to.equal(false);
  });

  it('notices a revoked access on load and locks', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await revokeAccess(tour);
    const accessToken = fakeJwt(tour, 600);
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken, expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const codes: string[] = [];
    document.addEventListener('gate-error', (event) => codes.push((event as GateErrorEvent).code), { once: true });
    const gate = await mountGate(tour);
    await waitUntil(() => !gate.unlocked, 'revoked access stayed unlocked');
    expect(codes).to.deep.equal(['ACCESS_REVOKED']);
    const access = (await requestsOf(tour)).find((r) => r.path.endsWith('/access'));
    expect(access?.authorization).to.equal(`Bearer ${accessToken}`);
  });

  it('tells the page when another tab drops the access', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const key = accessKey(SERVER, tour);
    localStorage.setItem(
      key,
      JSON.stringify({ accessToken: fakeJwt(tour, 600), expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    const gate = await mountGate(tour);
    const codes: string[] = [];
    gate.addEventListener('gate-error', (event) => codes.push(event.code));
    localStorage.removeItem(key);
    window.dispatchEvent(new StorageEvent('storage', { key, newValue: null, storageArea: localStorage }));
    expect(gate.unlocked).to.equal(false);
    expect(codes).to.deep.equal(['ACCESS_REVOKED']);
  });

  it('tells the page when the access runs out', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken: fakeJwt(tour, 2), expiresAt: new Date(Date.now() + 2e3).toISOString() }),
    );
    const gate = await mountGate(tour);
    const codes: string[] = [];
    gate.addEventListener('gate-error', (event) => codes.push(event.code));
    expect(gate.unlocked).to.equal(true);
    await waitUntil(() => !gate.unlocked, 'the access did not run out', { timeout: 4000 });
    expect(codes).to.deep.equal(['ACCESS_EXPIRED']);
  });
});
