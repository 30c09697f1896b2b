/**
 * Nothing typed is lost: closing and reopening the mask keeps every value (in memory, never in
 * storage); the check-email screen repeats the address with "Change address"; a link that does
 * not work asks for the address alone; a rate limit is one screen with the time to wait.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  check,
  cleanUp,
  deepActive,
  fill,
  gateConfig,
  linkToken,
  MARKETING,
  mountGate,
  openMask,
  PRIVACY,
  requestsOf,
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
import type { TourGate } from '../tour-gate.ts';

const isRegistration = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path.endsWith('/registrations');
const isLinks = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/links');

const title = (root: ShadowRoot) => text(root.querySelector('[part="screen-title"]'));
const screenText = (root: ShadowRoot) => text(root.querySelector('[part="screen-text"]'));
const buttons = (root: ShadowRoot) =>
  [...root.querySelectorAll<HTMLButtonElement>('.actions button')].map((b) => text(b));
const buttonNamed = (root: ShadowRoot, label: string) =>
  [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label);
const value = (root: ShadowRoot, name: string) => {
  const control = root.querySelector<HTMLInputElement>(`[name="${name}"]`);
  return control?.type === 'checkbox' ? control.checked : control?.value;
};

/** The mask is gone from the page (closed). */
async function closed(gate: TourGate): Promise<void> {
  await waitUntil(() => !gate.shadowRoot?.querySelector('tour-gate-mask'), 'mask did not close');
}

/** Every value stored by the page, to prove typed values never land there. */
function everythingStored(): string {
  const all: string[] = [];
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i += 1) {
      const key = store.key(i) ?? '';
      all.push(key, store.getItem(key) ?? '');
    }
  }
  return all.join('\n');
}

describe('nothing typed is lost', () => {
  afterEach(cleanUp);

  it('keeps every value when the mask is closed with Escape or ✕ and opened again', async () => {
    const tour = uniqueTour();
    const config = gateConfig(tour, {
      consent: { privacyUrl: 'https://makler.example/privacy', version: '3', marketing: true },
    });
    config.fields.push(
      {
        key: 'budget',
        type: 'select',
        required: false,
        maxLength: 20,
        label: { de: 'Budget', en: 'Budget' },
        options: [{ value: 'lt500' }, { value: 'gt500' }],
      },
      { key: 'message', type: 'textarea', required: false, maxLength: 2000 },
    );
    await serveTour(tour, config);
    const gate = await mountGate(tour);
    viewpointButton('bedroom').click();
    let root = await openMask(gate);

    const typed = {
      firstName: 'Erika',
      lastName: 'Mustermann',
      email: 'erika@example.com',
      phone: '+49 30 1234567',
      postalCode: '10115',
      budget: 'gt500',
      message: 'Gibt es einen Keller?\nUnd einen Stellplatz?',
    };
    for (const [key, v] of Object.entries(typed)) fill(root, key, v);
    check(root, PRIVACY);
    root.querySelector(`[name="${PRIVACY}"]`)?.dispatchEvent(new Event('change', { bubbles: true }));
    check(root, MARKETING);
    root.querySelector(`[name="${MARKETING}"]`)?.dispatchEvent(new Event('change', { bubbles: true }));

    // Escape closes the mask…
    (root.querySelector('[name="phone"]') as HTMLElement).focus();
    await sendKeys({ press: 'Escape' });
    await closed(gate);
    // …a locked click opens it again, with everything as it was.
    viewpointButton('kitchen').click();
    root = await openMask(gate);
    for (const [key, v] of Object.entries(typed)) expect(value(root, key), key).to.equal(v);
    expect(value(root, PRIVACY)).to.equal(true);
    expect(value(root, MARKETING)).to.equal(true);

    // A change after reopening counts too; ✕ closes, open() reopens.
    fill(root, 'firstName', 'Erika Maria');
    (root.querySelector('[part~="close-button"]') as HTMLButtonElement).click();
    await closed(gate);
    await gate.open();
    root = await openMask(gate);
    expect(value(root, 'firstName')).to.equal('Erika Maria');
    expect(value(root, 'message')).to.equal(typed.message);
    expect(value(root, MARKETING)).to.equal(true);
    // The focus starts at the first control, as on a first opening.
    await waitUntil(() => (deepActive() as HTMLInputElement | null)?.name === 'firstName', 'focus');

    // In memory only: no trace of what was typed in the page's storage.
    const stored = everythingStored();
    for (const v of [...Object.values(typed), 'Erika Maria']) expect(stored).not.to.contain(v.split('\n')[0]);

    // And what is sent is what was typed.
    submit(root);
    const [sent] = await waitForRequests(tour, isRegistration);
    expect((sent?.body as { fields?: Record<string, string> } | undefined)?.fields).to.include({
      firstName: 'Erika Maria',
      email: 'erika@example.com',
      budget: 'gt500',
    });
  });

  it('repeats the typed address on the check-email screen, and "Change address" goes back with every value', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour, { lang: 'de' });
    viewpointButton('bedroom').click();
    let root = await openMask(gate);
    fill(root, 'firstName', 'Erika');
    fill(root, 'lastName', 'Mustermann');
    fill(root, 'email', 'erika@exmaple.com');
    fill(root, 'postalCode', '10115');
    check(root, PRIVACY);
    submit(root);
    await waitUntil(() => title(root) === de.checkEmailTitle, 'no check-email screen');
    expect(screenText(root)).to.contain('erika@exmaple.com');
    expect(text(root.querySelector('[part="screen-text"] strong'))).to.equal('erika@exmaple.com');
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    expect(buttons(root)).to.deep.equal([de.changeAddress, de.close]);

    // The typo is seen: back to the form, everything still there, focus at the first field.
    buttonNamed(root, de.changeAddress)?.click();
    await waitUntil(() => root.querySelector('form'), 'no form');
    await waitUntil(() => (deepActive() as HTMLInputElement | null)?.name === 'firstName', 'focus');
    expect(value(root, 'firstName')).to.equal('Erika');
    expect(value(root, 'email')).to.equal('erika@exmaple.com');
    expect(value(root, 'postalCode')).to.equal('10115');
    expect(value(root, PRIVACY)).to.equal(true);
    fill(root, 'email', 'erika@example.com');
    submit(root);
    await waitUntil(() => title(root) === de.checkEmailTitle, 'no second check-email screen');
    expect(screenText(root)).to.contain('erika@example.com');
    const sent = await waitForRequests(tour, isRegistration, 2);
    expect(sent.map((r) => (r.body as { fields: { email: string } }).fields.email)).to.deep.equal([
      'erika@exmaple.com',
      'erika@example.com',
    ]);

    // Closed and opened again after sending: the link is on its way (a returning visitor's
    // screen); "use another address" leads to the form, with the values.
    (root.querySelector('[part~="close-button"]') as HTMLButtonElement).click();
    await closed(gate);
    await gate.open();
    root = await openMask(gate);
    await waitUntil(() => title(root) === de.releasedTitle, 'no released screen');
    buttonNamed(root, de.otherAddress)?.click();
    await waitUntil(() => root.querySelector('form [name="email"]'), 'no form');
    expect(value(root, 'email')).to.equal('erika@example.com');
  });

  it('asks only for the email address when a link does not work, and says where the new link went', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const token = await linkToken(tour, 'LINK_INVALID');
    history.replaceState(null, '', `#tour-gate-unlock=${token}`);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.linkInvalidTitle, 'no invalid-link screen');
    expect(buttons(root)).to.deep.equal([en.askLinkTitle, en.close]);
    buttonNamed(root, en.askLinkTitle)?.click();

    await waitUntil(() => title(root) === en.askLinkTitle, 'no ask-link screen');
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    expect([...root.querySelectorAll('form [name]')].map((c) => c.getAttribute('name'))).to.deep.equal(['email']);
    const email = root.querySelector<HTMLInputElement>('[name="email"]');
    expect(email?.type).to.equal('email');
    expect(email?.autocomplete).to.equal('email');

    // An empty or malformed address is caught here, at the field, and nothing is sent.
    submit(root);
    await waitUntil(() => email?.getAttribute('aria-invalid') === 'true', 'no message');
    expect(deepActive()).to.equal(email);
    fill(root, 'email', 'erika@');
    submit(root);
    await waitUntil(() => text(root.querySelector('#tg-error-email')) === en.fieldErrors.invalid_email, 'message');
    expect((await requestsOf(tour)).filter(isLinks)).to.have.length(0);

    fill(root, 'email', 'erika@example.com');
    submit(root);
    await waitUntil(() => title(root) === en.newLinkSentTitle, 'no sent screen');
    expect(screenText(root)).to.equal(en.newLinkSentTo.replace('{email}', 'erika@example.com'));
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    const [sent] = await waitForRequests(tour, isLinks);
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.deep.equal({
      email: 'erika@example.com',
      locale: 'en',
      pageUrl: location.href.split('#')[0],
    });
    // "Change address" goes back to the one field, with the address in it.
    buttonNamed(root, en.changeAddress)?.click();
    await waitUntil(() => title(root) === en.askLinkTitle, 'not back');
    expect(value(root, 'email')).to.equal('erika@example.com');
  });

  it('shows one clear screen with the time to wait when rate-limited, and no button that cannot help', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'registrations', {
      status: 429,
      headers: { 'retry-after': '420' },
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests.' } },
    });
    const gate = await mountGate(tour, { lang: 'de' });
    viewpointButton('bedroom').click();
    let root = await openMask(gate);
    fill(root, 'firstName', 'Erika');
    fill(root, 'lastName', 'Mustermann');
    fill(root, 'email', 'erika@example.com');
    fill(root, 'postalCode', '10115');
    check(root, PRIVACY);
    const before = Date.now();
    submit(root);
    await waitUntil(() => title(root) === de.limitedTitle, 'no rate-limit screen');
    const until = new Intl.DateTimeFormat('de', { hour: 'numeric', minute: '2-digit' });
    // The wait ends 420 s after the answer; the minute shown is that of before+420 s or just after.
    const shown = screenText(root);
    const candidates = [0, 60_000].map((extra) => de.limitedText(until.format(before + 420_000 + extra), 7));
    expect(candidates, shown).to.include(shown);
    expect(shown).to.contain('Uhr');
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    // Described by the text, so screen readers read the time along with the heading.
    expect(root.querySelector('[role="dialog"]')?.getAttribute('aria-describedby')).to.equal('tg-text');
    // Only "Schließen": no "Erneut versuchen" that would be refused again.
    expect(buttons(root)).to.deep.equal([de.close]);
    expect(root.querySelector('[role="alert"]')).to.equal(null);
    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(1);

    // A locked click during the wait shows the wait again, not a form that would be refused…
    (root.querySelector('[part~="close-button"]') as HTMLButtonElement).click();
    await closed(gate);
    viewpointButton('kitchen').click();
    root = await openMask(gate);
    await waitUntil(() => title(root) === de.limitedTitle, 'no rate-limit screen on the next click');
    expect(buttons(root)).to.deep.equal([de.close]);
    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(1);
  });

  it('offers "Continue" once the wait is over, back to the form with every value', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'registrations', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests.' } },
    });
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    fill(root, 'firstName', 'Erika');
    fill(root, 'lastName', 'Mustermann');
    fill(root, 'email', 'erika@example.com');
    fill(root, 'postalCode', '10115');
    check(root, PRIVACY);
    submit(root);
    await waitUntil(() => title(root) === en.limitedTitle, 'no rate-limit screen');
    expect(buttons(root)).to.deep.equal([en.close]);
    await waitUntil(() => title(root) === en.limitedOverTitle, 'the wait did not end', { timeout: 5000 });
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    expect(screenText(root)).to.equal(en.limitedOver);
    buttonNamed(root, en.goOn)?.click();
    await waitUntil(() => root.querySelector('form [name="firstName"]'), 'no form');
    expect(value(root, 'email')).to.equal('erika@example.com');
    submit(root);
    await waitUntil(() => title(root) === en.checkEmailTitle, 'not sent after the wait');
    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(2);
  });

  it('says to wait a few minutes when the server gives no time', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'links', {
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests.' } },
    });
    const token = await linkToken(tour, 'LINK_INVALID');
    history.replaceState(null, '', `#tour-gate-unlock=${token}`);
    const gate = await mountGate(tour, {}, { waitForConfig: false });
    const root = await openMask(gate);
    await waitUntil(() => title(root) === en.linkInvalidTitle, 'no invalid-link screen');
    buttonNamed(root, en.askLinkTitle)?.click();
    await waitUntil(() => root.querySelector('[name="email"]'), 'no email field');
    fill(root, 'email', 'erika@example.com');
    submit(root);
    await waitUntil(() => title(root) === en.limitedTitle, 'no rate-limit screen');
    expect(screenText(root)).to.equal(en.limitedTextUnknown);
    expect(buttons(root)).to.deep.equal([en.close]);
  });
});
