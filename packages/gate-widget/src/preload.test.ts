/**
 * The mask without a round trip (issue 13): the built bundle fetches the gate config and
 * preloads the mask chunk while the page is idle, so the first locked click opens the mask
 * without a request.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { addToPage, cleanUp, requestsOf, serveTour, uniqueTour } from '../test/harness.ts';
import type { TourGate } from './tour-gate.ts';

describe('preload', () => {
  afterEach(cleanUp);

  it('fetches the config and the mask chunk before the first click; the click opens the mask without a request', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const frame = document.createElement('iframe');
    frame.src = `/packages/gate-widget/test/fixtures/bundle.html?tour=${tour}`;
    frame.style.cssText = 'width: 800px; height: 600px';
    addToPage(frame);
    await waitUntil(() => frame.contentWindow?.customElements.get('tour-gate'), 'widget.js did not define <tour-gate>');
    const win = frame.contentWindow as Window;
    const resources = () => win.performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);

    // Nobody clicked: the config and the mask chunk arrive on their own once the page is idle.
    await waitUntil(
      () => resources().some((path) => /\/dist\/widget-chunks\/gate-mask-[\w-]+\.js$/.test(path)),
      'the mask chunk was not preloaded',
      { timeout: 5000 },
    );
    const gateRequests = (await requestsOf(tour)).filter((r) => r.path.endsWith('/gate'));
    expect(gateRequests).to.have.length(1);
    // Whatever the mask chunk brings along (its language) has arrived too before the click.
    await new Promise((resolve) => win.requestIdleCallback(resolve));
    const before = resources();
    const requestsBefore = (await requestsOf(tour)).length;

    const gate = win.document.querySelector('tour-gate') as TourGate;
    const button = win.document.querySelector('button') as HTMLButtonElement;
    button.click();
    await waitUntil(
      () => gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot?.querySelector('form'),
      'the mask did not open',
    );
    expect(resources()).to.deep.equal(before);
    expect((await requestsOf(tour)).length).to.equal(requestsBefore);
  });
});
