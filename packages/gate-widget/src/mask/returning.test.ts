/**
 * A returning visitor is told where things stand, from what this browser holds and from links
 * it redeems: pending (add a message; the link again if it was opened on another device), the
 * link sent but not opened here, denied (with and without "ask again"), withdrawn. Each screen:
 * its text, where the focus is, and what the server received. A "page reload" is a new
 * `<tour-gate>` element: the mask's memory is per element, storage stays.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  cleanUp,
  deepActive,
  fakeJwt,
  fill,
  fillValid,
  gateConfig,
  handlesOf,
  linkToken,
  mountGate,
  openMask,
  type RecordedRequest,
  requestsOf,
  revokeAccess,
  SERVER,
  scriptAnswer,
  serveTour,
  submit,
  text,
  uniqueTour,
  viewpointButton,
  waitForRequests,
} from '../../test/harness.ts';
import { de } from '../i18n/de.ts';
import { en } from '../i18n/en.ts';
import { accessKey } from '../storage.ts';
import type { TourGate } from '../tour-gate.ts';
import { MESSAGE } from './screens/returning.ts';

const post = (route: string) => (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith(`/${route}`);
const title = (root: ShadowRoot) => text(root.querySelector('[part="screen-title"]'));
const screenText = (root: ShadowRoot) => text(root.querySelector('[part="screen-text"]'));
const buttons = (root: ShadowRoot) =>
  [...root.querySelectorAll<HTMLButtonElement>('.actions button')].map((b) => text(b));
const buttonNamed = (root: ShadowRoot, label: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label);
/** Where the focus is; on a screen's heading, which also carries its text for screen readers. */
const focusedPart = () => {
  const focused = deepActive();
  const part = focused?.getAttribute('part');
  if (part === 'screen-title') {
    const root = focused?.getRootNode() as ShadowRoot;
    const described = root.getElementById(focused?.getAttribute('aria-describedby') ?? '');
    if (described?.getAttribute('part') !== 'screen-text') return 'screen-title without its text';
  }
  return part;
};
const today = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date());
const pageUrl = () => location.href.split('#')[0];

/** The page is loaded again: a new element (fresh memory), the same storage. */
async function reload(gate: TourGate, tour: string, attributes: Record<string, string> = {}): Promise<TourGate> {
  gate.remove();
  return mountGate(tour, attributes);
}

/** Registers through the mask and closes it. */
async function register(gate: TourGate, outcomeTitle: string): Promise<void> {
  viewpointButton('bedroom').click();
  const root = await openMask(gate);
  fillValid(root);
  submit(root);
  await waitUntil(() => title(root) === outcomeTitle, 'no outcome screen');
  (root.querySelector('[part~="close-button"]') as HTMLButtonElement).click();
  await waitUntil(() => !gate.shadowRoot?.querySelector('tour-gate-mask'), 'mask did not close');
}

/** Arrives on the page through a link whose redemption answers `code`. */
async function arriveWithLink(tour: string, code: 'ACCESS_DENIED'): Promise<{ gate: TourGate; token: string }> {
  const token = await linkToken(tour, code);
  history.replaceState(null, '', `#tour-gate-unlock=${token}`);
  const gate = await mountGate(tour, { lang: 'de' }, { waitForConfig: false });
  return { gate, token };
}

describe('returning visitor', () => {
  afterEach(cleanUp);

  it('pending: says since when the request is with the broker, and a message reaches the server with its handle', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    let gate = await mountGate(tour, { lang: 'de' });
    await register(gate, de.awaitingTitle);
    const [handle] = await handlesOf(tour);

    gate = await reload(gate, tour, { lang: 'de' });
    viewpointButton('kitchen').click();
    const root = await openMask(gate);
    await waitUntil(() => title(root) === de.pendingTitle, 'no pending screen');
    expect(screenText(root)).to.equal(de.pendingText(today('de'), 'Maria Makler'));
    expect(screenText(root)).to.match(/^Ihre Anfrage vom \d{1,2}\. \S+ \d{4} liegt Maria Makler vor\./);
    expect(focusedPart()).to.equal('screen-title');
    expect(root.querySelector('[role="dialog"]')?.getAttribute('aria-describedby')).to.equal('tg-text');
    expect(text(root.querySelector('[part="contact"]'))).to.contain('maria@makler.example');
    expect(text(root.querySelector(`label[for="tg-field-${MESSAGE}"]`))).to.contain('Ihre Nachricht an Maria Makler');
    expect(buttons(root)).to.deep.equal([de.messageSubmit, de.resendLink, de.close]);

    // An empty message is caught at its field.
    submit(root);
    await waitUntil(() => root.querySelector(`[name="${MESSAGE}"]`)?.getAttribute('aria-invalid') === 'true', 'msg');
    expect((deepActive() as HTMLTextAreaElement).name).to.equal(MESSAGE);

    fill(root, MESSAGE, 'Ist ein Besichtigungstermin am Samstag möglich?');
    submit(root);
    await waitUntil(() => title(root) === de.messageSentTitle, 'no message-sent screen');
    expect(screenText(root)).to.equal(de.messageSentText('Maria Makler'));
    expect(focusedPart()).to.equal('screen-title');
    const [sent] = await waitForRequests(tour, post('messages'));
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.deep.equal({
      request: handle,
      message: 'Ist ein Besichtigungstermin am Samstag möglich?',
      locale: 'de',
    });
    // The mask was never sent again: one registration in all.
    expect((await requestsOf(tour)).filter(post('registrations'))).to.have.length(1);
    // No typed value in storage: the request is kept as state, time and handle only.
    const stored = localStorage.getItem(`${accessKey(SERVER, tour)}:request`) ?? '';
    expect(JSON.parse(stored)).to.have.keys(['state', 'at', 'request']);
    for (const typed of ['Erika', 'Mustermann', 'erika@example.com', '10115', 'Samstag']) {
      expect(stored).not.to.contain(typed);
    }
  });

  it('pending, rate-limited: the wait, then back to the pending screen with the message still typed', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    let gate = await mountGate(tour);
    await register(gate, en.awaitingTitle);
    await scriptAnswer(tour, 'messages', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests.' } },
    });
    gate = await reload(gate, tour);
    viewpointButton('kitchen').click();
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.pendingTitle, 'no pending screen');
    fill(root, MESSAGE, 'Is the cellar dry?');
    submit(root);
    await waitUntil(() => title(root) === en.limitedTitle, 'no rate-limit screen');
    expect(focusedPart()).to.equal('screen-title');
    expect(buttons(root)).to.deep.equal([en.close]);
    await waitUntil(() => buttonNamed(root, en.goOn), 'the wait did not end', { timeout: 5000 });
    buttonNamed(root, en.goOn)?.click();
    await waitUntil(() => title(root) === en.pendingTitle, 'not back to the pending screen');
    expect(root.querySelector<HTMLTextAreaElement>(`[name="${MESSAGE}"]`)?.value).to.equal('Is the cellar dry?');
    submit(root);
    await waitUntil(() => title(root) === en.messageSentTitle, 'not sent after the wait');
    expect((await requestsOf(tour)).filter(post('messages'))).to.have.length(2);
  });

  it('pending, with a handle the server no longer knows: forgotten here, and the form says why', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    let gate = await mountGate(tour);
    await register(gate, en.awaitingTitle);
    await scriptAnswer(tour, 'messages', {
      status: 410,
      body: { error: { code: 'REQUEST_INVALID', message: 'Unknown request.' } },
    });
    gate = await reload(gate, tour);
    viewpointButton('kitchen').click();
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.pendingTitle, 'no pending screen');
    fill(root, MESSAGE, 'Still interested.');
    submit(root);
    await waitUntil(() => text(root.querySelector('[part="alert"]')) === en.errors.REQUEST_INVALID, 'no reason');
    expect(root.querySelector('form [name="firstName"]')).not.to.equal(null);
    expect(localStorage.getItem(`${accessKey(SERVER, tour)}:request`)).to.equal(null);
  });

  it('released on another device: the pending screen sends the link again with the handle', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    let gate = await mountGate(tour);
    await register(gate, en.awaitingTitle);
    const [handle] = await handlesOf(tour);
    gate = await reload(gate, tour);
    viewpointButton('kitchen').click();
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.pendingTitle, 'no pending screen');
    expect(text(root)).to.contain(en.elsewhereText);
    buttonNamed(root, en.resendLink)?.click();
    await waitUntil(() => title(root) === en.newLinkSentTitle, 'no sent screen');
    expect(screenText(root)).to.equal(en.resentText);
    expect(focusedPart()).to.equal('screen-title');
    const [sent] = await waitForRequests(tour, post('links'));
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.deep.equal({ request: handle, locale: 'en', pageUrl: pageUrl(), viewpoint: 'kitchen' });
  });

  it('released, not opened here: "Send the link again" asks for the email address only', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    let gate = await mountGate(tour);
    await register(gate, en.checkEmailTitle);
    gate = await reload(gate, tour);
    viewpointButton('kitchen').click();
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.releasedTitle, 'no released screen');
    expect(screenText(root)).to.equal(en.releasedText(today('en')));
    expect(focusedPart()).to.equal('screen-title');
    expect(buttons(root)).to.deep.equal([en.resendLink, en.otherAddress, en.close]);

    buttonNamed(root, en.resendLink)?.click();
    await waitUntil(() => title(root) === en.askLinkTitle, 'no ask-link screen');
    expect(focusedPart()).to.equal('screen-title');
    expect([...root.querySelectorAll('form [name]')].map((c) => c.getAttribute('name'))).to.deep.equal(['email']);
    fill(root, 'email', 'erika@example.com');
    submit(root);
    await waitUntil(() => title(root) === en.newLinkSentTitle, 'no sent screen');
    expect(text(root.querySelector('[part="screen-text"] strong'))).to.equal('erika@example.com');
    const [sent] = await waitForRequests(tour, post('links'));
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.deep.equal({
      email: 'erika@example.com',
      locale: 'en',
      pageUrl: pageUrl(),
      viewpoint: 'kitchen',
    });
    // Only one registration: the form was not shown again.
    expect((await requestsOf(tour)).filter(post('registrations'))).to.have.length(1);
  });

  it('denied, repeat allowed: the deny text, the contact, and "Erneut anfragen" sends a repeat request', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    let { gate, token } = await arriveWithLink(tour, 'ACCESS_DENIED');
    let root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessDeniedTitle, 'no denied screen');
    expect(screenText(root)).to.equal(de.accessDeniedText('Maria Makler'));
    expect(focusedPart()).to.equal('screen-title');
    expect(text(root.querySelector('[part="contact"]'))).to.contain('maria@makler.example');
    expect(text(root)).to.contain(de.repeatText('Maria Makler'));
    expect(buttons(root)).to.deep.equal([de.repeatSubmit, de.close]);

    // Later, on another visit: a locked click shows the same, from what this browser kept.
    gate = await reload(gate, tour, { lang: 'de' });
    viewpointButton('kitchen').click();
    root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessDeniedTitle, 'no denied screen on the next visit');
    expect(buttons(root)).to.deep.equal([de.repeatSubmit, de.close]);

    fill(root, MESSAGE, 'Ich habe inzwischen eine Finanzierungszusage.');
    buttonNamed(root, de.repeatSubmit)?.click();
    await waitUntil(() => title(root) === de.pendingTitle, 'no pending screen after asking again');
    expect(screenText(root)).to.equal(de.pendingText(today('de'), 'Maria Makler'));
    expect(focusedPart()).to.equal('screen-title');
    const [sent] = await waitForRequests(tour, post('repeat-requests'));
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.deep.equal({
      token,
      message: 'Ich habe inzwischen eine Finanzierungszusage.',
      locale: 'de',
      pageUrl: pageUrl(),
      viewpoint: 'kitchen',
    });
    // Pending again, with the new handle: a message goes with it.
    const [handle] = await handlesOf(tour);
    fill(root, MESSAGE, 'Danke!');
    submit(root);
    await waitUntil(() => title(root) === de.messageSentTitle, 'no message-sent screen');
    const [message] = await waitForRequests(tour, post('messages'));
    expect((message?.body as { request?: string } | undefined)?.request).to.equal(handle);
  });

  it("denied, repeat allowed: the tour's own deny text, and ask again without a message", async () => {
    const tour = uniqueTour();
    const denyText = { de: 'Leider ist die Wohnung bereits reserviert.', en: 'The flat is already reserved, sorry.' };
    await serveTour(tour, gateConfig(tour, { mode: 'manual', denyText }));
    const { gate, token } = await arriveWithLink(tour, 'ACCESS_DENIED');
    const root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessDeniedTitle, 'no denied screen');
    expect(screenText(root)).to.equal(denyText.de);
    buttonNamed(root, de.repeatSubmit)?.click();
    await waitUntil(() => title(root) === de.pendingTitle, 'no pending screen');
    const [sent] = await waitForRequests(tour, post('repeat-requests'));
    expect(sent?.body).to.deep.equal({ token, locale: 'de', pageUrl: pageUrl() });
  });

  it('denied, no repeat requests: the deny text and the contact, no button that cannot help', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual', repeatRequests: false }));
    const { gate } = await arriveWithLink(tour, 'ACCESS_DENIED');
    const root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessDeniedTitle, 'no denied screen');
    expect(focusedPart()).to.equal('screen-title');
    expect(screenText(root)).to.equal(de.accessDeniedText('Maria Makler'));
    expect(text(root.querySelector('[part="contact"]'))).to.contain('maria@makler.example');
    expect(buttons(root)).to.deep.equal([de.close]);
    expect(root.querySelector('form')).to.equal(null);
    expect((await requestsOf(tour)).filter(post('repeat-requests'))).to.have.length(0);
  });

  it('denied: a refusal of the repeat request says why, and the button goes', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    await scriptAnswer(tour, 'repeat-requests', {
      status: 403,
      body: { error: { code: 'REPEAT_NOT_ALLOWED', message: 'No repeat requests.' } },
    });
    const { gate } = await arriveWithLink(tour, 'ACCESS_DENIED');
    const root = await openMask(gate);
    await waitUntil(() => buttonNamed(root, de.repeatSubmit), 'no repeat button');
    buttonNamed(root, de.repeatSubmit)?.click();
    await waitUntil(() => text(root.querySelector('[part="alert"]')) === de.errors.REPEAT_NOT_ALLOWED, 'no reason');
    expect(title(root)).to.equal(de.accessDeniedTitle);
    expect(buttons(root)).to.deep.equal([de.close]);
    expect(focusedPart()).to.equal('screen-title');
  });

  it('revoked: said at once on page load, with the contact, and again on the next visit', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await revokeAccess(tour);
    const accessToken = fakeJwt(tour, 600);
    localStorage.setItem(
      accessKey(SERVER, tour),
      JSON.stringify({ accessToken, expiresAt: new Date(Date.now() + 600e3).toISOString() }),
    );
    let gate = await mountGate(tour, { lang: 'de' }, { waitForConfig: false });
    let root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessRevokedTitle, 'no revoked screen');
    expect(screenText(root)).to.equal(de.accessRevokedText('Maria Makler'));
    expect(focusedPart()).to.equal('screen-title');
    expect(text(root.querySelector('[part="contact"]'))).to.contain('maria@makler.example');
    expect(buttons(root)).to.deep.equal([de.close]);
    const [check] = await waitForRequests(tour, (r) => r.path.endsWith('/access'));
    expect(check?.authorization).to.equal(`Bearer ${accessToken}`);
    expect(gate.unlocked).to.equal(false);

    // The next visit: no access left to check, and still no blank form.
    gate = await reload(gate, tour, { lang: 'de' });
    viewpointButton('kitchen').click();
    root = await openMask(gate);
    await waitUntil(() => title(root) === de.accessRevokedTitle, 'no revoked screen on the next visit');
    expect(root.querySelector('form')).to.equal(null);
    expect((await requestsOf(tour)).filter((r) => r.path.endsWith('/access'))).to.have.length(1);
    expect((await requestsOf(tour)).filter(post('registrations'))).to.have.length(0);
  });

  it('forgets the request once the link is opened: an unlock removes it', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await register(gate, en.checkEmailTitle);
    expect(localStorage.getItem(`${accessKey(SERVER, tour)}:request`)).to.be.a('string');
    const token = await linkToken(tour);
    history.replaceState(null, '', `#tour-gate-unlock=${token}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await waitUntil(() => gate.unlocked, 'not unlocked');
    expect(localStorage.getItem(`${accessKey(SERVER, tour)}:request`)).to.equal(null);
  });
});
