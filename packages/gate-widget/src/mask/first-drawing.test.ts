/**
 * The first locked click draws the mask without delay (issue 13): the page prepares the mask
 * while it is idle (a mask of its own goes through its first update where the mask will be and is
 * taken out again in the same task, loading nothing and leaving the focus alone), the click draws
 * the mask within its own task, and the mask's first drawing offers the countries only up to the
 * chosen one, the rest a frame later, the choice kept.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { GateConfig } from '@tour-gate/shared';
import {
  addToPage,
  cleanUp,
  deepActive,
  gateConfig,
  mountGate,
  openMask,
  scriptAnswer,
  serveTour,
  uniqueTour,
  viewpointButton,
} from '../../test/harness.ts';
import type { TourGate } from '../tour-gate.ts';

/** The standard fields with a country choice, for a tour in `country`. */
function withCountry(tour: string, country: string): GateConfig {
  const config = gateConfig(tour);
  config.fields.push({
    key: 'country',
    type: 'select',
    required: false,
    maxLength: 2,
    autocomplete: 'country',
    defaultCountry: country,
  });
  return config;
}

const countrySelect = (root: ParentNode | null | undefined) =>
  root?.querySelector<HTMLSelectElement>('select[name="country"]') ?? null;

/**
 * Mounts the gate of `config`, its config answered late so the shadow root is watched before
 * the gate prepares anything, and resolves with the gate and the preparation's mutations once
 * the mask is prepared.
 */
async function preparedGate(config: GateConfig): Promise<{ gate: TourGate; batches: MutationRecord[][] }> {
  await serveTour(config.tour, config);
  await scriptAnswer(config.tour, 'gate', { body: config, delayMs: 300 });
  const gate = await mountGate(config.tour, { lang: 'de' }, { waitForConfig: false });
  const batches: MutationRecord[][] = [];
  new MutationObserver((records) => batches.push(records)).observe(gate.shadowRoot as ShadowRoot, {
    childList: true,
  });
  await waitUntil(() => batches.length > 0, 'the mask was not prepared', { timeout: 5000 });
  return { gate, batches };
}

/**
 * The country choice as the first animation frame with the mask finds it, i.e. as the mask's
 * first drawing left it (what follows comes after that frame).
 */
function firstDrawing(gate: TourGate): Promise<{ values: string[]; chosen: string }> {
  return new Promise((resolve) => {
    const look = () =>
      requestAnimationFrame(() => {
        const select = countrySelect(gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot);
        if (select) resolve({ values: [...select.options].map((option) => option.value), chosen: select.value });
        else look();
      });
    look();
  });
}

describe('first drawing of the mask', () => {
  afterEach(cleanUp);

  it('offers the countries up to the chosen one first, all of them a frame later', async () => {
    const config = withCountry(uniqueTour(), 'NL');
    await serveTour(config.tour, config);
    const gate = await mountGate(config.tour, { lang: 'de' });

    const first = firstDrawing(gate);
    void gate.open();
    expect(await first).to.deep.equal({ values: ['', 'NL'], chosen: 'NL' });

    // `updateComplete` (which openMask awaits) includes the drawing that completes the list.
    const select = countrySelect(await openMask(gate));
    expect(select?.options.length).to.be.greaterThan(200);
    expect([...(select?.options ?? [])].slice(0, 5).map((option) => option.value)).to.deep.equal([
      '',
      'NL',
      'DE',
      'AT',
      'CH',
    ]);
    expect(select?.value).to.equal('NL');
  });

  it('keeps a country chosen before: the first drawing goes up to it, the whole list keeps it chosen', async () => {
    const config = withCountry(uniqueTour(), 'DE');
    await serveTour(config.tour, config);
    const gate = await mountGate(config.tour, { lang: 'de' });
    await gate.open();
    const select = countrySelect(await openMask(gate)) as HTMLSelectElement;
    select.value = 'FR';
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    gate.close();

    const first = firstDrawing(gate);
    void gate.open();
    const { values, chosen } = await first;
    expect(chosen).to.equal('FR');
    expect(values.slice(0, 2)).to.deep.equal(['', 'DE']);
    expect(values.at(-1)).to.equal('FR');
    expect(values.length).to.be.lessThan(200);

    const again = countrySelect(await openMask(gate));
    expect(again?.options.length).to.be.greaterThan(200);
    expect(again?.value).to.equal('FR');
  });

  it('is prepared at idle: a mask goes through its first update where the mask will be and is taken out in the same task, loading nothing, the focus left alone', async () => {
    const config = withCountry(uniqueTour(), 'DE');
    config.broker.logoUrl = `${location.origin}/packages/gate-widget/test/fixtures/no-such-logo.png`;
    // The page's own focus: the preparation's update (which focuses the form) must not take it.
    const input = addToPage(document.createElement('input'));
    input.focus();
    let blurred = 0;
    input.addEventListener('blur', () => blurred++);
    const { gate, batches } = await preparedGate(config);
    // One batch: added and removed again before the page could draw a frame.
    const [batch] = batches;
    const added = batch?.flatMap((record) => [...record.addedNodes]) ?? [];
    const removed = batch?.flatMap((record) => [...record.removedNodes]) ?? [];
    expect(added).to.have.length(1);
    expect(removed).to.deep.equal(added);
    const mask = added[0] as HTMLElement;
    expect(mask.localName).to.equal('tour-gate-mask');
    expect(mask.isConnected).to.equal(false);
    expect({ focused: deepActive(), blurred }).to.deep.equal({ focused: input, blurred: 0 });
    const drawn = mask.shadowRoot;
    expect(drawn?.querySelector('[role="dialog"] form')).to.not.equal(null);
    expect(drawn?.querySelector('label[for="tg-field-firstName"]')?.textContent?.trim()).to.match(/^Vorname/);
    expect([...(countrySelect(drawn)?.options ?? [])].map((option) => option.value)).to.deep.equal(['', 'DE']);
    // Nothing that would load: the broker's logo is left out.
    expect(drawn?.querySelector('img')).to.equal(null);
    expect(gate.shadowRoot?.querySelector('tour-gate-mask')).to.equal(null);
  });

  it('once prepared, draws the mask within the task of the locked click, the focus in its form', async () => {
    const { gate } = await preparedGate(gateConfig(uniqueTour()));
    const button = viewpointButton('bedroom');

    // A task queued right after the click finds the mask there: nothing on the way from the
    // click to the drawn mask waits for a task of its own (a frame could come in between).
    const next = new MessageChannel();
    const found = new Promise<{ dialog: boolean; focused: string | null | undefined }>((resolve) => {
      next.port1.onmessage = () =>
        resolve({
          dialog: !!gate.shadowRoot?.querySelector('tour-gate-mask')?.shadowRoot?.querySelector('[role="dialog"] form'),
          focused: deepActive()?.getAttribute('name'),
        });
    });
    button.click();
    next.port2.postMessage(0);
    expect(await found).to.deep.equal({ dialog: true, focused: 'firstName' });
    next.port1.close();
  });
});
