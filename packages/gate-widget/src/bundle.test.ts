/**
 * The built script-tag bundle (`dist/widget.js` + `dist/widget-chunks/`), loaded the way a
 * broker's page loads it. `pnpm test` builds first.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  addToPage,
  cleanUp,
  fill,
  fillValid,
  gateConfig,
  SERVER,
  scriptAnswer,
  serveTour,
  submit,
  text,
  uniqueTour,
} from '../test/harness.ts';
import { accessKey } from './storage.ts';
import type { TourGate } from './tour-gate.ts';

describe('script-tag bundle', () => {
  afterEach(cleanUp);

  it('guards a page and loads the mask chunk relative to widget.js', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const frame = document.createElement('iframe');
    frame.src = `/packages/gate-widget/test/fixtures/bundle.html?tour=${tour}`;
    frame.style.cssText = 'width: 800px; height: 600px';
    addToPage(frame);
    // A page's first load of widget.js from the dev server; slow on a busy machine.
    await waitUntil(
      () => frame.contentWindow?.customElements.get('tour-gate'),
      'widget.js did not define <tour-gate>',
      {
        timeout: 5000,
      },
    );
    const page = frame.contentDocument as Document;
    const gate = page.querySelector('tour-gate') as TourGate;
    await waitUntil(() => gate.isUnlocked('living'), 'no config');

    let clicked = 0;
    const button = page.querySelector('button') as HTMLButtonElement;
    button.addEventListener('click', () => clicked++);
    button.click();
    await waitUntil(
      () => gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot?.querySelector('form'),
      'the mask chunk did not load',
    );
    expect(clicked).to.equal(0);
    const mask = gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot;
    expect(text(mask?.querySelector('[part~="submit-button"]'))).to.equal('Anfrage senden');

    const scripts = (frame.contentWindow as Window).performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.js'));
    // One file up front, the mask lazily from widget-chunks/, and widget.js never twice.
    expect(scripts.filter((path) => path.endsWith('/dist/widget.js'))).to.have.length(1);
    expect(scripts.some((path) => /\/dist\/widget-chunks\/gate-mask-[\w-]+\.js$/.test(path))).to.equal(true);
    // The mask's texts in the page's language only (a chunk per language).
    expect(scripts.some((path) => /\/dist\/widget-chunks\/de-[\w-]+\.js$/.test(path))).to.equal(true);
    expect(scripts.some((path) => /\/dist\/widget-chunks\/en-[\w-]+\.js$/.test(path))).to.equal(false);
  });

  it('forgets a request the server no longer knows, built as pages get it (no call minified away)', async () => {
    const tour = uniqueTour();
    await serveTour(tour, gateConfig(tour, { mode: 'manual' }));
    await scriptAnswer(tour, 'messages', {
      status: 410,
      body: { error: { code: 'REQUEST_INVALID', message: 'Unknown request.' } },
    });
    const frame = document.createElement('iframe');
    frame.src = `/packages/gate-widget/test/fixtures/bundle.html?tour=${tour}`;
    frame.style.cssText = 'width: 800px; height: 600px';
    addToPage(frame);
    // A page's first load of widget.js from the dev server; slow on a busy machine.
    await waitUntil(
      () => frame.contentWindow?.customElements.get('tour-gate'),
      'widget.js did not define <tour-gate>',
      {
        timeout: 5000,
      },
    );
    const page = frame.contentDocument as Document;
    const gate = page.querySelector('tour-gate') as TourGate;
    await waitUntil(() => gate.isUnlocked('living'), 'no config');
    const mask = () => gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot as ShadowRoot;
    const title = () => text(mask()?.querySelector('[part="screen-title"]'));

    (page.querySelector('button') as HTMLButtonElement).click();
    await waitUntil(() => mask()?.querySelector('form [name="firstName"]'), 'no form');
    fillValid(mask());
    submit(mask());
    await waitUntil(() => title() === 'Anfrage gesendet', 'not sent');
    const key = `${accessKey(SERVER, tour)}:request`;
    expect(localStorage.getItem(key)).to.be.a('string');

    gate.close();
    (page.querySelector('button') as HTMLButtonElement).click();
    await waitUntil(() => title() === 'Ihre Anfrage wird geprüft', 'no pending screen');
    fill(mask(), 'tg-message', 'Noch Interesse.');
    submit(mask());
    await waitUntil(() => mask()?.querySelector('[part="alert"]'), 'no reason shown');
    expect(localStorage.getItem(key)).to.equal(null);
  });
});
