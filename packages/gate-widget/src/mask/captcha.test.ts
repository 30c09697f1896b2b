import { expect, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import {
  CAPTCHA_STAND_IN,
  cleanUp,
  fillValid,
  gateConfig,
  mountGate,
  openMask,
  requestsOf,
  serveTour,
  submit,
  text,
  uniqueTour,
  waitForRequests,
} from '../../test/harness.ts';
import { en } from '../i18n/en.ts';

const SITE_KEY = '10000000-ffff-ffff-ffff-000000000001';

interface StandIn extends HCaptcha {
  __standInResets(id: string): number;
}
/** The loaded stand-in, told apart from the real hCaptcha by its test hook. */
function standIn(): StandIn | undefined {
  const api: HCaptcha | undefined = window.hcaptcha;
  return api && '__standInResets' in api ? (api as StandIn) : undefined;
}

function center(element: Element): [number, number] {
  const rect = element.getBoundingClientRect();
  return [Math.round(rect.left + rect.width / 2), Math.round(rect.top + rect.height / 2)];
}

/** A real mouse click at the element's centre, as a visitor would do after scrolling to it. */
async function click(element: Element): Promise<void> {
  if (element instanceof HTMLIFrameElement) {
    // A click into a frame that has not loaded yet lands on an empty page.
    await waitUntil(
      () => element.contentDocument?.readyState === 'complete' && element.contentDocument.querySelector('button'),
      'frame not loaded',
    );
  }
  element.scrollIntoView({ block: 'center' });
  // Let a frame paint after scrolling, so the click hits where the element now is.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await sendMouse({ type: 'click', position: center(element) });
}

describe('hCaptcha in the mask', () => {
  afterEach(async () => {
    cleanUp();
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  // First: once a test has loaded the stand-in, `hcaptcha` stays defined for the whole page.
  it('says so when hCaptcha does not load, without trying again on its own, and retries on request', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { captcha: { provider: 'hcaptcha', siteKey: SITE_KEY } }));
    const gate = await mountGate(tour, { 'captcha-script': '/no-such-hcaptcha.js' });
    await gate.open();
    const root = await openMask(gate);
    await waitUntil(() => text(root.querySelector('[part="alert"]')) === en.errors.CAPTCHA_UNAVAILABLE, 'no message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const tries = () =>
      performance.getEntriesByType('resource').filter((e) => e.name.includes('no-such-hcaptcha')).length;
    expect(tries()).to.equal(1);
    const retry = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.retry);
    retry?.click();
    await waitUntil(() => tries() === 2, 'no second try');
    await waitUntil(() => text(root.querySelector('[part="alert"]')) === en.errors.CAPTCHA_UNAVAILABLE, 'no message');
  });

  it('loads only when the mask opens, works from the light DOM above the mask, and its token reaches the server', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { captcha: { provider: 'hcaptcha', siteKey: SITE_KEY } }));
    const gate = await mountGate(tour, { 'captcha-script': CAPTCHA_STAND_IN });
    expect(document.querySelector('script[src*="hcaptcha"]'), 'loaded before the mask opened').to.equal(null);
    expect(standIn()).to.equal(undefined);

    await gate.open();
    const root = await openMask(gate);
    await waitUntil(() => gate.querySelector('[slot="captcha"] iframe'), 'captcha did not render');
    const script = document.querySelector<HTMLScriptElement>('script[src*="hcaptcha"]');
    const params = new URL(script?.src ?? '').searchParams;
    expect(params.get('render')).to.equal('explicit');
    expect(params.get('onload')).to.be.a('string');

    // Rendered in the light DOM (a child of <tour-gate>), shown inside the mask through a slot.
    const checkbox = gate.querySelector('[slot="captcha"] iframe') as HTMLIFrameElement;
    expect(checkbox.getRootNode()).to.equal(document);
    checkbox.scrollIntoView({ block: 'center' });
    expect(root.querySelector('[part="captcha"] slot')).to.exist;
    const [cx, cy] = center(checkbox);
    expect(document.elementFromPoint(cx, cy), 'the checkbox is visible, not covered').to.equal(checkbox);

    // Sending unsolved is refused in the mask, without a request.
    fillValid(root);
    submit(root);
    await waitUntil(
      () => text(root.querySelector('#tg-error-tg-captcha')) === en.errors.CAPTCHA_REQUIRED,
      'no message',
    );
    expect((await requestsOf(tour)).filter((r) => r.path.endsWith('/registrations'))).to.have.length(0);

    // A real click on the checkbox opens the challenge, appended to <body> …
    await click(checkbox);
    await waitUntil(() => document.querySelector('body > iframe[data-hcaptcha-challenge]'), 'no challenge');
    const challenge = document.querySelector('body > iframe[data-hcaptcha-challenge]') as HTMLIFrameElement;
    // … on top of the open mask, so it can be clicked …
    const [x, y] = center(challenge);
    expect(document.elementFromPoint(x, y), 'the challenge is covered').to.equal(challenge);
    await click(challenge);
    await waitUntil(() => standIn()?.getResponse('0'), 'challenge not solved');
    expect(root.querySelector('#tg-error-tg-captcha'), 'the message goes once solved').to.equal(null);

    // … and the token travels with the registration.
    submit(root);
    const [request] = await waitForRequests(tour, (r) => r.path.endsWith('/registrations'));
    expect(request?.valid).to.equal(true);
    expect((request?.body as { captcha?: string } | undefined)?.captcha).to.equal('stand-in-token-1');
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.checkEmailTitle, 'no outcome');
    // A token is good once: the widget reset it after the try.
    expect(standIn()?.getResponse('0')).to.equal('');
    expect(standIn()?.__standInResets('0')).to.equal(1);
  });

  it('shows a refused captcha at the captcha and resets it for the next try', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { captcha: { provider: 'hcaptcha', siteKey: SITE_KEY } }));
    const { scriptAnswer } = await import('../../test/harness.ts');
    await scriptAnswer(tour, 'registrations', {
      status: 403,
      body: { error: { code: 'CAPTCHA_FAILED', message: 'x' } },
    });
    const gate = await mountGate(tour, { 'captcha-script': CAPTCHA_STAND_IN });
    await gate.open();
    const root = await openMask(gate);
    await waitUntil(() => gate.querySelector('[slot="captcha"] iframe'), 'captcha did not render');
    const id = gate.querySelector<HTMLIFrameElement>('[slot="captcha"] iframe')?.dataset.hcaptchaWidgetId ?? '';
    standIn()?.execute(id);
    await waitUntil(() => document.querySelector('body > iframe[data-hcaptcha-challenge]'), 'no challenge');
    await click(document.querySelector('body > iframe[data-hcaptcha-challenge]') as Element);
    await waitUntil(() => standIn()?.getResponse(id), 'not solved');
    const resetsBefore = standIn()?.__standInResets(id) ?? 0;
    fillValid(root);
    submit(root);
    await waitUntil(() => text(root.querySelector('#tg-error-tg-captcha')) === en.errors.CAPTCHA_FAILED, 'not shown');
    // Focus goes to the captcha, and the live summary says what is wrong with it.
    expect(document.activeElement).to.equal(gate.querySelector('[slot="captcha"] iframe'));
    expect(text(root.querySelector('.live'))).to.equal(en.errors.CAPTCHA_FAILED);
    expect(standIn()?.getResponse(id)).to.equal('');
    expect(standIn()?.__standInResets(id)).to.equal(resetsBefore + 1);
  });

  it('asks for it on the email-only new-link screen too, and its token goes with the address', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { captcha: { provider: 'hcaptcha', siteKey: SITE_KEY } }));
    const { fill, linkToken } = await import('../../test/harness.ts');
    const token = await linkToken(tour, 'LINK_INVALID');
    history.replaceState(null, '', `#tour-gate-unlock=${token}`);
    const gate = await mountGate(tour, { 'captcha-script': CAPTCHA_STAND_IN }, { waitForConfig: false });
    const root = await openMask(gate);
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.linkInvalidTitle, 'no link screen');
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === en.askLinkTitle)?.click();
    await waitUntil(() => root.querySelector('[name="email"]'), 'no email field');
    fill(root, 'email', 'erika@example.com');
    submit(root);
    await waitUntil(
      () => text(root.querySelector('#tg-error-tg-captcha')) === en.errors.CAPTCHA_REQUIRED,
      'unsolved captcha not caught',
    );
    expect((await requestsOf(tour)).filter((r) => r.path.endsWith('/links'))).to.have.length(0);

    await waitUntil(() => gate.querySelector('[slot="captcha"] iframe'), 'captcha did not render');
    const id = gate.querySelector<HTMLIFrameElement>('[slot="captcha"] iframe')?.dataset.hcaptchaWidgetId ?? '';
    standIn()?.execute(id);
    await waitUntil(() => document.querySelector('body > iframe[data-hcaptcha-challenge]'), 'no challenge');
    await click(document.querySelector('body > iframe[data-hcaptcha-challenge]') as Element);
    await waitUntil(() => standIn()?.getResponse(id), 'not solved');
    const solved = standIn()?.getResponse(id);
    submit(root);
    const [sent] = await waitForRequests(tour, (r) => r.path.endsWith('/links'));
    expect(sent?.valid).to.equal(true);
    expect(sent?.body).to.include({ email: 'erika@example.com', captcha: solved });
    await waitUntil(() => text(root.querySelector('[part="screen-title"]')) === en.newLinkSentTitle, 'no outcome');
  });
});
