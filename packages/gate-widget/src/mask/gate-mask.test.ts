import { expect, waitUntil } from '@open-wc/testing';
import { type FieldErrorCode, registrationRequestSchema } from '@tour-gate/shared';
import { setViewport } from '@web/test-runner-commands';
import {
  check,
  cleanUp,
  deepActive,
  fill,
  fillValid,
  gateConfig,
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
import type { GateErrorEvent, GateRegisteredEvent } from '../events.ts';
import { en } from '../i18n/en.ts';
import { placeServerErrors } from './registration.ts';

const isRegistration = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path.endsWith('/registrations');

/** The message bound to a control through `aria-describedby`. */
function describedText(root: ShadowRoot, name: string): string {
  const control = root.querySelector(`[name="${name}"]`);
  const id = control?.getAttribute('aria-describedby');
  return id ? text(root.getElementById(id)) : '';
}

describe('registration mask', () => {
  afterEach(cleanUp);

  it('is a labelled modal dialog that takes the focus', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    viewpointButton('bedroom').click();
    const root = await openMask(gate);
    const dialog = root.querySelector('[role="dialog"]');
    expect(dialog?.getAttribute('aria-modal')).to.equal('true');
    const title = root.getElementById(dialog?.getAttribute('aria-labelledby') ?? '');
    expect(text(title)).to.equal('Musterstraße 12');
    await waitUntil(() => (deepActive() as HTMLInputElement | null)?.name === 'firstName', 'focus did not move in');
  });

  it('blocks sending while required fields are empty, with visible, announced messages', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    submit(root);
    await waitUntil(() => root.querySelector('[aria-invalid="true"]'), 'no field was marked');

    for (const key of ['firstName', 'lastName', 'email', 'postalCode']) {
      expect(root.querySelector(`[name="${key}"]`)?.getAttribute('aria-invalid'), key).to.equal('true');
      expect(describedText(root, key), key).to.equal(en.fieldErrors.required);
    }
    expect(root.querySelector('[name="phone"]')?.getAttribute('aria-invalid')).to.equal('false');
    expect(root.querySelector('[name="phone"]')?.hasAttribute('aria-describedby')).to.equal(false);
    expect(describedText(root, PRIVACY)).to.equal(en.fieldErrors.consent_required);
    // Announced: a live region says how many fields need a look, and focus is on the first.
    expect(text(root.querySelector('[role="alert"]'))).to.equal(en.checkFieldsSummary(5));
    expect((deepActive() as HTMLInputElement).name).to.equal('firstName');
    // Visible: the message is rendered, not just present.
    const message = root.getElementById(root.querySelector('[name="email"]')?.getAttribute('aria-describedby') ?? '');
    expect(message?.getBoundingClientRect().height).to.be.greaterThan(0);

    fill(root, 'email', 'not-an-email');
    fill(root, 'postalCode', '12');
    submit(root);
    await waitUntil(() => describedText(root, 'email') === en.fieldErrors.invalid_email, 'email message');
    expect(describedText(root, 'postalCode')).to.equal(en.postalCodeFormat('50667', 'Germany'));

    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(0);
  });

  it('posts exactly the JSON the shared schema describes and shows the check-email screen', async () => {
    const tour = uniqueTour();
    const config = gateConfig(tour, {
      consent: {
        privacyUrl: 'https://makler.example/privacy',
        termsUrl: 'https://makler.example/terms',
        version: '3',
        marketing: true,
      },
    });
    config.fields.push({
      key: 'budget',
      type: 'select',
      required: false,
      maxLength: 20,
      label: { de: 'Budget', en: 'Budget range' },
      options: [
        { value: 'lt500', label: { de: 'unter 500.000 €', en: 'below €500,000' } },
        { value: 'gt500', label: { de: 'über 500.000 €', en: 'above €500,000' } },
      ],
    });
    await serveTour(tour, config);
    const gate = await mountGate(tour);
    const registered: GateRegisteredEvent[] = [];
    gate.addEventListener('gate-registered', (event) => registered.push(event));
    viewpointButton('bedroom').click();
    const root = await openMask(gate);

    expect(text(root.querySelector('label[for="tg-field-budget"]'))).to.equal('Budget range');
    const consentLinks = [...root.querySelectorAll<HTMLAnchorElement>('[part~="consent"] a')].map((a) => a.href);
    expect(consentLinks).to.deep.equal(['https://makler.example/terms', 'https://makler.example/privacy']);
    const marketing = root.querySelector<HTMLInputElement>(`[name="${MARKETING}"]`);
    expect(marketing?.checked, 'marketing consent starts unticked').to.equal(false);

    fillValid(root);
    fill(root, 'firstName', '  Erika ');
    fill(root, 'budget', 'gt500');
    check(root, MARKETING);
    submit(root);

    const [request] = await waitForRequests(tour, isRegistration);
    expect(request?.valid, JSON.stringify(request?.issues)).to.equal(true);
    expect(registrationRequestSchema.safeParse(request?.body).success).to.equal(true);
    expect(request?.body).to.deep.equal({
      fields: {
        firstName: 'Erika',
        lastName: 'Mustermann',
        email: 'erika@example.com',
        postalCode: '10115',
        budget: 'gt500',
      },
      consent: { privacy: true, marketing: true, version: '3' },
      locale: 'en',
      viewpoint: 'bedroom',
      // The link in the mail comes back to this page (without its fragment).
      pageUrl: location.href.split('#')[0],
    });

    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle, 'no outcome');
    const outcome = text(root.querySelector('[part="screen-text"]'));
    expect(outcome).to.contain('Maria Makler');
    expect(outcome).to.contain('spam');
    expect(deepActive()?.getAttribute('part')).to.equal('screen-title');
    expect(registered.map((e) => e.detail)).to.deep.equal([{ mode: 'email', status: 'check-email' }]);
    // Screen readers read the text (the spam-folder hint) along with the dialog.
    const described = root.querySelector('[role="dialog"]')?.getAttribute('aria-describedby') ?? '';
    expect(text(root.getElementById(described))).to.equal(outcome);
  });

  it('says the broker will check the request in manual release mode', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    expect(text(root.querySelector('[part="intro"]'))).to.equal(en.maskIntroManual('Maria Makler'));
    fillValid(root);
    submit(root);
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.awaitingTitle, 'no outcome');
    // The address the mail will go to is repeated, so a typo shows before anything is lost.
    expect(text(root.querySelector('[part="screen-text"]'))).to.equal(
      en.awaitingTextTo.replace('{broker}', 'Maria Makler').replace('{email}', 'erika@example.com'),
    );
  });

  it("shows the broker's logo in its header when the gate config has one, and none for a URL that is not http(s)", async () => {
    const logoUrl =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    for (const [url, shown] of [
      [`${location.origin}/logo.png`, true],
      [logoUrl, false],
    ] as const) {
      const tour = uniqueTour();
      const base = gateConfig(tour);
      await serveTour(tour, gateConfig(tour, { broker: { ...base.broker, logoUrl: url } }));
      const gate = await mountGate(tour);
      await gate.open();
      const root = await openMask(gate);
      const img = root.querySelector('[part="header"] img[part="logo"]');
      expect(img?.getAttribute('src') ?? null, url).to.equal(shown ? url : null);
      // Decorative: the title stays the dialog's name.
      if (img) expect(img.getAttribute('alt')).to.equal('');
      cleanUp();
    }
  });

  it('describes the form dialog by nothing but its title', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    expect(root.querySelector('[role="dialog"]')?.hasAttribute('aria-describedby')).to.equal(false);
  });

  it('shows the general message for a server code that is a property of every object', () => {
    const config = gateConfig('t');
    const { errors } = placeServerErrors(config, { email: 'toString' as FieldErrorCode }, en);
    expect(errors.email).to.equal(en.fieldErrors.invalid);
  });

  it("shows the server's field errors at their fields", async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'registrations', {
      status: 422,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'x',
          fields: { email: 'invalid_email', consent: 'consent_required' },
        },
      },
    });
    const gate = await mountGate(tour);
    const errors: string[] = [];
    gate.addEventListener('gate-error', (event: GateErrorEvent) => errors.push(event.detail.code));
    await gate.open();
    const root = await openMask(gate);
    fillValid(root);
    submit(root);
    await waitUntil(() => describedText(root, 'email') === en.fieldErrors.invalid_email, 'server error not shown');
    expect(root.querySelector('[name="email"]')?.getAttribute('aria-invalid')).to.equal('true');
    expect(describedText(root, PRIVACY)).to.equal(en.fieldErrors.consent_required);
    expect((deepActive() as HTMLInputElement).name).to.equal('email');
    expect(errors).to.deep.equal(['VALIDATION_FAILED']);

    // Corrected and sent again, it goes through.
    submit(root);
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle, 'no outcome');
  });

  it('shows a sending state and sends once, however often the visitor presses', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'registrations', { delayMs: 400, status: 202, body: { status: 'check-email' } });
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    fillValid(root);
    submit(root);
    await waitUntil(() => root.querySelector('form')?.getAttribute('aria-busy') === 'true', 'no busy state');
    const button = root.querySelector('[part~="submit-button"]');
    expect(text(button)).to.equal(en.sending);
    expect(button?.getAttribute('aria-disabled')).to.equal('true');
    submit(root);
    submit(root);
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle, 'no outcome');
    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(1);
  });

  it('shows a network error with a retry that sends again', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    await scriptAnswer(tour, 'registrations', { network: true });
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    fillValid(root);
    submit(root);
    await waitUntil(() => text(root.querySelector('[part="alert"]')) === en.errors.NETWORK_ERROR, 'no network error');
    expect(root.querySelector('[part="alert"]')?.getAttribute('role')).to.equal('alert');
    const retry = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry);
    retry?.click();
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle, 'retry failed');
    expect((await requestsOf(tour)).filter(isRegistration)).to.have.length(2);
  });

  it('can be themed through ::part and CSS custom properties', async () => {
    const style = document.createElement('style');
    style.textContent = `
      tour-gate { --tour-gate-accent: rgb(10, 20, 30); --tour-gate-surface: rgb(250, 240, 230); }
      tour-gate::part(title) { letter-spacing: 3px; }
    `;
    document.head.append(style);
    try {
      const tour = uniqueTour();
      await serveTour(tour);
      const gate = await mountGate(tour);
      await gate.open();
      const root = await openMask(gate);
      const dialog = root.querySelector('[part="dialog"]') as HTMLElement;
      expect(getComputedStyle(dialog).backgroundColor).to.equal('rgb(250, 240, 230)');
      const submitButton = root.querySelector('[part~="submit-button"]') as HTMLElement;
      expect(getComputedStyle(submitButton).backgroundColor).to.equal('rgb(10, 20, 30)');
      expect(getComputedStyle(root.querySelector('[part="title"]') as HTMLElement).letterSpacing).to.equal('3px');
    } finally {
      style.remove();
    }
  });

  it('fits a 320 px wide screen', async () => {
    await setViewport({ width: 320, height: 640 });
    try {
      const tour = uniqueTour();
      await serveTour(tour);
      const gate = await mountGate(tour);
      await gate.open();
      const root = await openMask(gate);
      const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
      expect(dialog.getBoundingClientRect().width).to.be.at.most(320);
      expect(dialog.scrollWidth).to.be.at.most(dialog.clientWidth);
      for (const control of root.querySelectorAll('input, select, textarea, button')) {
        const rect = control.getBoundingClientRect();
        expect(rect.left, control.outerHTML).to.be.at.least(0);
        expect(rect.right, control.outerHTML).to.be.at.most(320);
      }
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
