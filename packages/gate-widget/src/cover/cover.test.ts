/**
 * An embed that explains itself, and cover mode (issue 9), in Chromium against the stand-in
 * server: each failing embed shows its sentence, emits its code and writes one console line;
 * the cover holds the tour back until unlock, and only then asks for the viewer's address.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { GateError, UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';
import {
  addToPage,
  cleanUp,
  fillValid,
  gateConfig,
  linkToken,
  mountGate,
  openMask,
  requestsOf,
  revokeAccess,
  scriptAnswer,
  serveEmbed,
  serveTour,
  submit,
  text,
  uniqueTour,
  viewpointButton,
  waitForRequests,
} from '../../test/harness.ts';
import type { GateErrorEvent } from '../events.ts';
import { de as deMask } from '../i18n/de.ts';
import type { TourGate } from '../tour-gate.ts';
import { coverStrings } from './strings.ts';

const { de, en } = coverStrings;
const VIEWER = `${location.origin}/packages/gate-widget/test/fixtures/viewer.html?tour=secret-7f3a`;

/** Records `console.error` lines and `gate-error` codes while a test runs. */
function listen(): { lines: string[]; codes: string[]; stop(): void } {
  const lines: string[] = [];
  const codes: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  const onError = (event: Event) => codes.push((event as GateErrorEvent).code);
  document.addEventListener('gate-error', onError);
  return {
    lines,
    codes,
    stop() {
      console.error = original;
      document.removeEventListener('gate-error', onError);
    },
  };
}

const notice = (gate: TourGate) => gate.shadowRoot?.querySelector<HTMLDialogElement>('dialog.tour-gate-notice');

async function failingEmbed(
  setUp: (tour: string) => Promise<unknown>,
  lang: 'de' | 'en',
  viewpoint = 'bedroom',
): Promise<{ gate: TourGate; tour: string; log: ReturnType<typeof listen>; clicked: () => number }> {
  const tour = uniqueTour();
  await setUp(tour);
  const log = listen();
  const gate = await mountGate(tour, { lang }, { waitForConfig: false });
  await waitUntil(() => log.lines.length === 1, 'no console line for the broker', { timeout: 5000 });
  const button = viewpointButton(viewpoint);
  let clicks = 0;
  button.addEventListener('click', () => clicks++);
  button.click();
  await waitUntil(() => notice(gate)?.open, 'no notice', { timeout: 5000 });
  return { gate, tour, log, clicked: () => clicks };
}

describe('an embed that explains itself', () => {
  afterEach(cleanUp);

  it('origin not allowed: the sentence, ORIGIN_NOT_ALLOWED and one console line naming the origin and where to allow it', async () => {
    const refused = new GateError('ORIGIN_NOT_ALLOWED');
    const { gate, log, clicked } = await failingEmbed(async (tour) => {
      await serveTour(tour);
      await scriptAnswer(tour, 'gate', { status: 403, body: refused.toBody() });
      await scriptAnswer(tour, 'gate', { status: 403, body: refused.toBody() });
    }, 'de');
    try {
      expect(text(notice(gate)?.querySelector('p'))).to.equal(de.unavailable);
      expect(log.codes).to.deep.equal(['ORIGIN_NOT_ALLOWED', 'ORIGIN_NOT_ALLOWED']);
      expect(log.lines).to.have.length(1);
      expect(log.lines[0]).to.contain(location.origin);
      expect(log.lines[0]).to.contain('Allowed origins');
      expect(log.lines[0]).to.contain('allowedOrigins');
      expect(clicked()).to.equal(0);
      // No retry for what only the broker can change: one button, which closes it.
      const buttons = [...(notice(gate)?.querySelectorAll('button') ?? [])];
      expect(buttons.map(text)).to.deep.equal([de.close]);
      const closed = new Promise((resolve) => gate.addEventListener('gate-close', resolve, { once: true }));
      buttons[0]?.click();
      await closed;
      expect(notice(gate)).to.equal(null);
      expect(gate.shadowRoot?.querySelector('tour-gate-mask')).to.equal(null);
    } finally {
      log.stop();
    }
  });

  it('unknown tour: the sentence, TOUR_NOT_FOUND and one console line naming the tour', async () => {
    // The stand-in answers TOUR_NOT_FOUND for a tour it does not know.
    const { gate, tour, log } = await failingEmbed(async () => undefined, 'en');
    try {
      expect(text(notice(gate)?.querySelector('p'))).to.equal(en.unavailable);
      expect(log.codes).to.deep.equal(['TOUR_NOT_FOUND', 'TOUR_NOT_FOUND']);
      expect(log.lines).to.have.length(1);
      expect(log.lines[0]).to.contain(`"${tour}"`);
      expect(log.lines[0]).to.contain('tour attribute');
    } finally {
      log.stop();
    }
  });

  it('server away: the sentence, NETWORK, one console line, and "try again" replays the click', async () => {
    const { gate, log, clicked } = await failingEmbed(
      async (tour) => {
        await serveTour(tour);
        await scriptAnswer(tour, 'gate', { network: true });
        await scriptAnswer(tour, 'gate', { network: true });
      },
      'en',
      'living',
    );
    try {
      expect(text(notice(gate)?.querySelector('p'))).to.equal(en.unavailable);
      expect(log.codes).to.deep.equal(['NETWORK', 'NETWORK']);
      expect(log.lines).to.have.length(1);
      expect(log.lines[0]).to.contain('could not be reached');
      expect(log.lines[0]).to.contain(location.origin);
      // The server is back: "try again" loads the config, and the held click (a free room) goes through.
      const retry = [...(notice(gate)?.querySelectorAll('button') ?? [])].find((b) => text(b) === en.retry);
      retry?.click();
      await waitUntil(() => clicked() === 1, 'the click was not replayed');
      expect(notice(gate)).to.equal(null);
      expect(log.lines).to.have.length(1);
    } finally {
      log.stop();
    }
  });
});

describe('<tour-gate cover>', () => {
  afterEach(cleanUp);

  async function mountCover(tour: string, lang = 'de'): Promise<TourGate> {
    const gate = document.createElement('tour-gate');
    gate.setAttribute('server', location.origin);
    gate.setAttribute('tour', tour);
    gate.setAttribute('lang', lang);
    gate.setAttribute('cover', '');
    gate.style.cssText = 'width: 640px; height: 360px';
    const placeholder = document.createElement('img');
    placeholder.alt = 'Vorschau';
    placeholder.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
    gate.append(placeholder);
    addToPage(gate);
    return gate;
  }

  const coverOf = (gate: TourGate) => gate.shadowRoot?.querySelector('tour-gate-cover')?.shadowRoot;
  /** Everything in the page, shadow roots included, as text. */
  const pageText = (): string => {
    const parts: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      parts.push(root instanceof Document ? root.documentElement.outerHTML : root.innerHTML);
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot);
    };
    walk(document);
    return parts.join('\n');
  };

  it('shows title, broker and "Rundgang ansehen" over the placeholder; the button opens the mask; after unlock the iframe', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await serveEmbed(tour, VIEWER);
    const gate = await mountCover(tour);
    await waitUntil(() => coverOf(gate)?.querySelector('button'), 'no cover', { timeout: 5000 });
    const cover = coverOf(gate) as ShadowRoot;
    expect(text(cover.querySelector('h2'))).to.equal('Musterstraße 12');
    expect(text(cover.querySelector('[part="cover-broker"]'))).to.equal('Maria Makler · Makler GmbH');
    expect(text(cover.querySelector('button'))).to.equal(de.view);
    // The page styles the cover through the gate's parts.
    const style = document.createElement('style');
    style.textContent = 'tour-gate::part(cover-button) { outline: 3px solid rgb(1, 2, 3); }';
    addToPage(style);
    expect(getComputedStyle(cover.querySelector('button') as HTMLElement).outlineColor).to.equal('rgb(1, 2, 3)');
    // The placeholder shows through the slot.
    expect((gate.querySelector('img') as HTMLImageElement).getBoundingClientRect().width).to.be.greaterThan(0);
    expect(cover.querySelector('iframe')).to.equal(null);
    expect(pageText()).not.to.contain('secret-7f3a');

    (cover.querySelector('button') as HTMLButtonElement).click();
    await openMask(gate);
    expect((await requestsOf(tour)).some((r) => r.path.endsWith('/embed'))).to.equal(false);
    gate.close();

    // The unlock link arrives (another tab's click changes the fragment here).
    const token = await linkToken(tour);
    location.hash = `${UNLOCK_FRAGMENT_KEY}=${token}`;
    await waitUntil(() => coverOf(gate)?.querySelector('iframe'), 'no iframe after unlock', { timeout: 5000 });
    const frame = coverOf(gate)?.querySelector('iframe') as HTMLIFrameElement;
    expect(frame.src).to.equal(VIEWER);
    expect(frame.getAttribute('allow')).to.contain('fullscreen');
    expect(frame.getAttribute('allow')).to.contain('xr-spatial-tracking');
    expect(frame.getAttribute('allow')).to.contain('gyroscope');
    expect(frame.getAttribute('allow')).to.contain('accelerometer');
    expect(frame.getAttribute('sandbox')).not.to.contain('allow-top-navigation');
    expect(frame.title).to.equal('Rundgang: Musterstraße 12');
    const embed = (await requestsOf(tour)).filter((r) => r.path.endsWith('/embed'));
    expect(embed).to.have.length(1);
    expect(embed[0]?.authorization).to.equal(`Bearer ${gate.accessToken}`);
    await waitUntil(() => frame.contentDocument?.querySelector('#viewer'), 'the viewer did not load');
  });

  it('manual release: the request goes to the broker, the cover stays; the link after the grant brings the tour', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    await serveEmbed(tour, VIEWER);
    const gate = await mountCover(tour);
    await waitUntil(() => coverOf(gate)?.querySelector('button'), 'no cover', { timeout: 5000 });
    (coverOf(gate)!.querySelector('button') as HTMLButtonElement).click();
    const mask = await openMask(gate);
    fillValid(mask);
    submit(mask);
    await waitForRequests(tour, (r) => r.path.endsWith('/registrations'));
    await waitUntil(() => text(mask.querySelector('[part="screen-title"]')) === deMask.awaitingTitle, 'no outcome');
    gate.close();
    // Waiting for the broker: still the cover, and nobody asked for the address.
    expect(coverOf(gate)?.querySelector('iframe')).to.equal(null);
    expect((await requestsOf(tour)).some((r) => r.path.endsWith('/embed'))).to.equal(false);
    // The broker granted; the mailed link opens the tour.
    location.hash = `${UNLOCK_FRAGMENT_KEY}=${await linkToken(tour)}`;
    await waitUntil(() => coverOf(gate)?.querySelector('iframe'), 'no iframe after the grant', { timeout: 5000 });
    expect((coverOf(gate)!.querySelector('iframe') as HTMLIFrameElement).src).to.equal(VIEWER);
  });

  it('goes straight to the tour for a visitor already unlocked, and back to the cover when the access is revoked', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await serveEmbed(tour, VIEWER);
    const token = await linkToken(tour);
    history.replaceState(null, '', `${location.pathname}#${UNLOCK_FRAGMENT_KEY}=${token}`);
    const first = await mountCover(tour, 'en');
    await waitUntil(() => coverOf(first)?.querySelector('iframe'), 'no iframe', { timeout: 5000 });
    // The broker revokes; the next page view checks the stored access and gets the cover.
    await revokeAccess(tour);
    first.remove();
    const gate = await mountCover(tour, 'en');
    await waitUntil(() => coverOf(gate)?.querySelector('button'), 'the cover did not come back', { timeout: 5000 });
    expect(coverOf(gate)?.querySelector('iframe')).to.equal(null);
    expect(text(coverOf(gate)?.querySelector('button'))).to.equal(en.view);
    await waitUntil(() => !gate.unlocked, 'the access was not dropped');
  });

  it('says the sentence instead of the button when the embed fails', async () => {
    const tour = uniqueTour();
    const log = listen();
    try {
      // Unknown tour.
      const gate = await mountCover(tour, 'en');
      await waitUntil(() => coverOf(gate)?.querySelector('[part="cover-text"]'), 'no sentence', { timeout: 5000 });
      expect(text(coverOf(gate)?.querySelector('[part="cover-text"]'))).to.equal(en.unavailable);
      expect(coverOf(gate)?.querySelector('button')).to.equal(null);
      await waitUntil(() => log.lines.length === 1, 'no console line');
      expect(log.codes[0]).to.equal('TOUR_NOT_FOUND');
    } finally {
      log.stop();
    }
  });

  it('asks for the embed URL only with the access token, never before', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await serveEmbed(tour, VIEWER);
    const gate = await mountCover(tour);
    await waitUntil(() => coverOf(gate)?.querySelector('button'), 'no cover', { timeout: 5000 });
    await waitForRequests(tour, (r) => r.path.endsWith('/gate'));
    expect((await requestsOf(tour)).filter((r) => r.path.endsWith('/embed'))).to.deep.equal([]);
  });
});
