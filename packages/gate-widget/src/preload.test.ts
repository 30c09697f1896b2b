/**
 * The mask without a round trip (issue 13): the built bundle fetches the gate config and
 * preloads the mask chunk while the page is idle, so the first locked click opens the mask
 * without a request.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { addToPage, cleanUp, requestsOf, serveTour, uniqueTour } from '../test/harness.ts';
import type { TourGate } from './tour-gate.ts';

/** The chunks a built chunk imports statically (`from"./x.js"`), as paths. */
async function staticImportsOf(path: string): Promise<string[]> {
  const source = await (await fetch(path)).text();
  return [...source.matchAll(/from\s*"(\.\/[\w.-]+\.js)"/g)].map(
    (match) => new URL(match[1] as string, new URL(path, location.origin)).pathname,
  );
}

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
    // Whatever the mask chunk brings along (its language, and what that imports) has arrived
    // too before the click: every chunk loaded so far has all its static imports loaded.
    await waitUntil(
      async () => {
        const loaded = resources().filter((path) => path.includes('/dist/widget-chunks/'));
        if (!loaded.some((path) => /\/(de|en)-[\w-]+\.js$/.test(path))) return false;
        const wanted = (await Promise.all(loaded.map(staticImportsOf))).flat();
        return wanted.every((path) => resources().includes(path));
      },
      'the language of the mask (or a chunk it imports) was not preloaded',
      { timeout: 5000 },
    );
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
