import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import {
  cleanUp,
  deepActive,
  isMaskOpen,
  mountGate,
  openMask,
  serveTour,
  text,
  uniqueTour,
  viewpointButton,
  waitForRequests,
} from '../../test/harness.ts';

/** A short, stable name for the focused element: its `name`, else its part, else its tag. */
function focused(): string {
  const active = deepActive();
  if (!active) return 'none';
  return (
    active.getAttribute('name') ??
    active.getAttribute('part')?.split(' ').at(-1) ??
    (active instanceof HTMLAnchorElement ? `link:${new URL(active.href).pathname}` : active.tagName.toLowerCase())
  );
}

async function tab(shift = false): Promise<string> {
  if (shift) await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  if (shift) await sendKeys({ up: 'Shift' });
  return focused();
}

describe('mask with the keyboard alone', () => {
  afterEach(cleanUp);

  it('opens from a viewpoint with Enter, tabs in order, stays trapped, sends with Enter', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const button = viewpointButton('bedroom');
    let pageHandler = 0;
    button.addEventListener('click', () => pageHandler++);
    button.focus();
    await sendKeys({ press: 'Enter' });
    await openMask(gate);
    await waitUntil(() => focused() === 'firstName', 'focus did not move into the mask');
    expect(pageHandler).to.equal(0);

    // Forward: every control in reading order, then round to the top.
    const forward = [];
    for (let i = 0; i < 10; i++) forward.push(await tab());
    expect(forward).to.deep.equal([
      'lastName',
      'email',
      'phone',
      'postalCode',
      'tg-consent-privacy',
      'link:/privacy',
      'submit-button',
      'close-button',
      'firstName',
      'lastName',
    ]);
    // Backward: past the top it continues at the bottom.
    const backward = [];
    for (let i = 0; i < 4; i++) backward.push(await tab(true));
    expect(backward).to.deep.equal(['firstName', 'close-button', 'submit-button', 'link:/privacy']);

    // Fill in and send without a mouse.
    await tab(true); // tg-consent-privacy
    await sendKeys({ press: 'Space' });
    for (let i = 0; i < 5; i++) await tab(true); // back to firstName
    expect(focused()).to.equal('firstName');
    await sendKeys({ type: 'Erika' });
    await tab();
    await sendKeys({ type: 'Mustermann' });
    await tab();
    await sendKeys({ type: 'erika@example.com' });
    await tab();
    await tab();
    await sendKeys({ type: '10115' });
    await sendKeys({ press: 'Enter' });
    const [request] = await waitForRequests(tour, (r) => r.path.endsWith('/registrations'));
    expect(request?.valid).to.equal(true);
    expect((request?.body as { fields: unknown } | undefined)?.fields).to.deep.equal({
      firstName: 'Erika',
      lastName: 'Mustermann',
      email: 'erika@example.com',
      postalCode: '10115',
    });
  });

  it('keeps focus inside the mask however far one tabs', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    for (let i = 0; i < 25; i++) {
      await tab(i % 7 === 6);
      const active = deepActive();
      expect(active && dialog.contains(active), `step ${i}: ${active?.outerHTML}`).to.equal(true);
    }
  });

  it('keeps focus in the mask after a mouse press on the backdrop or on plain text', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    await waitUntil(() => focused() === 'firstName', 'focus did not move in');
    const rect = dialog.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.max(2, Math.round(rect.left) - 10), 5] });
    expect(focused()).to.equal('firstName');
    const intro = root.querySelector('[part="intro"]') as HTMLElement;
    const introRect = intro.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(introRect.left + 5), Math.round(introRect.top + 5)] });
    const active = deepActive();
    expect((active && dialog.contains(active)) || active === dialog).to.equal(true);
    await tab();
    expect(dialog.contains(deepActive())).to.equal(true);
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('wraps Tab and Shift+Tab from the dialog itself (focused by a press on plain text)', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    await gate.open();
    const root = await openMask(gate);
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    await waitUntil(() => focused() === 'firstName', 'focus did not move in');
    dialog.focus();
    expect(await tab(true)).to.equal('submit-button');
    dialog.focus();
    expect(await tab()).to.equal('close-button');
  });

  it('closes with Escape and gives focus back to the viewpoint that was clicked', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const closed: string[] = [];
    gate.addEventListener('gate-close', () => closed.push('close'));
    viewpointButton('living', 'Living room');
    const bedroom = viewpointButton('bedroom', 'Bedroom');
    bedroom.focus();
    await sendKeys({ press: 'Space' });
    await openMask(gate);
    await waitUntil(() => focused() === 'firstName', 'focus did not move in');
    await tab();
    await sendKeys({ press: 'Escape' });
    await gate.updateComplete;
    expect(isMaskOpen(gate)).to.equal(false);
    expect(closed).to.deep.equal(['close']);
    expect(deepActive()).to.equal(bedroom);
  });

  it('closes from its labelled close button by keyboard', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour);
    const bedroom = viewpointButton('bedroom');
    bedroom.focus();
    await sendKeys({ press: 'Enter' });
    const root = await openMask(gate);
    await waitUntil(() => focused() === 'firstName', 'focus did not move in');
    await tab(true);
    expect(focused()).to.equal('close-button');
    expect(root.querySelector('[part~="close-button"]')?.getAttribute('aria-label')).to.equal('Close');
    await sendKeys({ press: 'Enter' });
    await gate.updateComplete;
    expect(isMaskOpen(gate)).to.equal(false);
    expect(deepActive()).to.equal(bedroom);
    expect(text(bedroom)).to.equal('bedroom');
  });
});
