/**
 * International postal codes in the mask: a country choice (the tour's country first and
 * chosen, then Germany, Austria, Switzerland, then the rest by name), the keyboard that fits the
 * country's codes, `autocomplete`, and an error that shows the expected format. The formats
 * themselves are shared's (`postal-codes.ts`); these tests check what the visitor sees and sends.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { GateConfig } from '@tour-gate/shared';
import {
  cleanUp,
  fill,
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
import { de } from '../i18n/de.ts';
import { en } from '../i18n/en.ts';

const isRegistration = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path.endsWith('/registrations');

/** The standard fields with a country choice, for a tour in `country`. */
function withCountry(tour: string, country: string): GateConfig {
  const config = gateConfig(tour);
  config.fields = config.fields.map((f) => (f.key === 'postalCode' ? { ...f, defaultCountry: country } : f));
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

function choose(root: ShadowRoot, country: string): void {
  const select = root.querySelector<HTMLSelectElement>('[name="country"]');
  if (!select) throw new Error('no country select');
  select.value = country;
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

const postal = (root: ShadowRoot) => root.querySelector<HTMLInputElement>('[name="postalCode"]');
const postalMessage = (root: ShadowRoot) => text(root.querySelector('#tg-error-postalCode'));

async function openFor(config: GateConfig, lang = 'en'): Promise<ShadowRoot> {
  await serveTour(config.tour, config);
  const gate = await mountGate(config.tour, { lang });
  await gate.open();
  return openMask(gate);
}

describe('postal codes', () => {
  afterEach(cleanUp);

  it('offers the countries with the tour’s first and chosen, then Germany, Austria, Switzerland', async () => {
    const root = await openFor(withCountry(uniqueTour(), 'NL'), 'de');
    const select = root.querySelector<HTMLSelectElement>('[name="country"]');
    expect(select?.autocomplete).to.equal('country');
    expect(text(root.querySelector('label[for="tg-field-country"]'))).to.equal('Land');
    const options = [...(select?.options ?? [])];
    expect(options.slice(0, 5).map((o) => [o.value, o.text])).to.deep.equal([
      ['', de.chooseOption],
      ['NL', 'Niederlande'],
      ['DE', 'Deutschland'],
      ['AT', 'Österreich'],
      ['CH', 'Schweiz'],
    ]);
    expect(select?.value).to.equal('NL');
    // The rest by name in the visitor's language.
    const rest = options.slice(5).map((o) => o.text);
    expect(rest).to.deep.equal([...rest].sort((a, b) => a.localeCompare(b, 'de')));
    expect(rest.length).to.be.greaterThan(200);
  });

  it('opens a number pad for digits, the full keyboard for letters, with autocomplete=postal-code', async () => {
    const root = await openFor(withCountry(uniqueTour(), 'DE'));
    expect(postal(root)?.autocomplete).to.equal('postal-code');
    expect(postal(root)?.inputMode).to.equal('numeric');
    choose(root, 'GB');
    await waitUntil(() => postal(root)?.inputMode === 'text', 'keyboard did not follow the country');
    choose(root, 'AT');
    await waitUntil(() => postal(root)?.inputMode === 'numeric', 'number pad did not come back');
    // A country without a known format: free text, full keyboard.
    choose(root, 'BR');
    await waitUntil(() => postal(root)?.inputMode === 'text', 'no free text keyboard');
  });

  for (const [country, good, bad, example, name] of [
    ['DE', '50667', '5066', '50667', 'Germany'],
    ['AT', '1010', '10100', '1010', 'Austria'],
    ['CH', '8001', '800', '8001', 'Switzerland'],
    ['NL', '1012 AB', '1012', '1012 AB', 'Netherlands'],
    ['GB', 'SW1A 1AA', '12345', 'SW1A 1AA', 'United Kingdom'],
  ] as const) {
    it(`${country}: refuses ${bad} showing the format, and sends ${good}`, async () => {
      const config = withCountry(uniqueTour(), 'DE');
      const root = await openFor(config);
      fillValid(root);
      choose(root, country);
      fill(root, 'postalCode', bad);
      submit(root);
      await waitUntil(() => postal(root)?.getAttribute('aria-invalid') === 'true', 'not refused');
      expect(postalMessage(root)).to.equal(en.postalCodeFormat(example, name));
      expect(postal(root)?.getAttribute('aria-describedby')).to.equal('tg-error-postalCode');
      expect((await requestsOf(config.tour)).filter(isRegistration)).to.have.length(0);

      fill(root, 'postalCode', good);
      submit(root);
      const [sent] = await waitForRequests(config.tour, isRegistration);
      expect(sent?.valid).to.equal(true);
      expect((sent?.body as { fields?: Record<string, string> } | undefined)?.fields).to.include({
        country,
        postalCode: good,
      });
    });
  }

  it('takes free text for a country without a known format', async () => {
    const config = withCountry(uniqueTour(), 'DE');
    const root = await openFor(config);
    fillValid(root);
    choose(root, 'BR');
    fill(root, 'postalCode', '01310-100');
    submit(root);
    const [sent] = await waitForRequests(config.tour, isRegistration);
    expect((sent?.body as { fields?: Record<string, string> } | undefined)?.fields).to.include({
      country: 'BR',
      postalCode: '01310-100',
    });
  });

  it('checks by the tour’s country when there is no country choice, in German', async () => {
    const tour = uniqueTour();
    const config = gateConfig(tour);
    config.fields = config.fields.map((f) => (f.key === 'postalCode' ? { ...f, defaultCountry: 'CH' } : f));
    const root = await openFor(config, 'de');
    expect(postal(root)?.inputMode).to.equal('numeric');
    fillValid(root);
    fill(root, 'postalCode', '10115');
    submit(root);
    await waitUntil(() => postalMessage(root), 'not refused');
    expect(postalMessage(root)).to.equal('Bitte prüfen Sie die Postleitzahl. Erwartetes Format (Schweiz): 8001');
  });
});
