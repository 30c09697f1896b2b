import { expect, waitUntil } from '@open-wc/testing';
import {
  ERROR_CODE_LIST,
  FIELD_ERROR_CODES,
  GLOSSARY,
  missingKeys,
  STANDARD_FIELD_KEYS,
  STANDARD_FIELDS,
} from '@tour-gate/shared';
import { cleanUp, mountGate, openMask, serveTour, submit, text, uniqueTour } from '../../test/harness.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { loadTranslation } from './index.ts';

const translations = { de, en };

const labelOf = (root: ShadowRoot, key: string) =>
  text(root.querySelector(`label[for="tg-field-${key}"]`)).replace(/\*$/, '');

describe('translations', () => {
  afterEach(cleanUp);

  it('have a text for every error code, field error, standard field and salutation', () => {
    for (const [locale, t] of Object.entries(translations)) {
      for (const code of [...ERROR_CODE_LIST, 'NETWORK_ERROR', 'BAD_RESPONSE'] as const) {
        expect(t.errors[code], `${locale} ${code}`).to.be.a('string').and.not.be.empty;
      }
      for (const code of FIELD_ERROR_CODES)
        expect(t.fieldErrors[code], `${locale} ${code}`).to.be.a('string').and.not.be.empty;
      for (const key of STANDARD_FIELD_KEYS)
        expect(t.fields[key], `${locale} ${key}`).to.be.a('string').and.not.be.empty;
      for (const value of STANDARD_FIELDS.salutation.options ?? []) {
        expect(t.salutations[value as keyof typeof t.salutations], `${locale} ${value}`).to.be.a('string');
      }
    }
  });

  it('load one language at a time, each once', async () => {
    const first = loadTranslation('de');
    expect(loadTranslation('de')).to.equal(first);
    expect(await first).to.equal(de);
    expect(await loadTranslation('en')).to.equal(en);
  });

  it('German and English have the same keys, both ways', () => {
    expect(missingKeys(en, de), 'missing in German').to.deep.equal([]);
    expect(missingKeys(de, en), 'missing in English').to.deep.equal([]);
  });

  it("uses the glossary's words for access given, denied and revoked (the shared glossary stays out of the bundle)", () => {
    // Access given: "freigegeben" / "granted", whoever gave it.
    expect(de.awaitingText('X')).to.contain('freigegeben');
    expect(en.awaitingText('X')).to.contain('granted');
    expect(de.accessDeniedTitle).to.contain('nicht freigegeben');
    expect(en.accessDeniedTitle).to.contain('not granted');
    // Access taken back: the glossary's word for "revoked".
    expect(de.accessRevokedTitle.toLowerCase()).to.contain(GLOSSARY.de.status.revoked.label.toLowerCase());
    expect(en.accessRevokedTitle.toLowerCase()).to.contain(GLOSSARY.en.status.revoked.label.toLowerCase());
    for (const t of [de, en]) expect(JSON.stringify(t)).not.to.match(/gewähr|Diverse/);
  });

  it('shows German from lang="de"', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour, { lang: 'de' });
    await gate.open();
    const root = await openMask(gate);
    expect(labelOf(root, 'firstName')).to.equal('Vorname');
    expect(labelOf(root, 'email')).to.equal('E-Mail');
    expect(text(root.querySelector('[part~="submit-button"]'))).to.equal('Anfrage senden');
    expect(root.querySelector('[part~="close-button"]')?.getAttribute('aria-label')).to.equal('Schließen');
    expect(text(root.querySelector('[part~="consent"] a'))).to.equal('Datenschutzerklärung');
    expect(text(root.querySelector('[part="intro"]'))).to.equal(de.maskIntroEmail('Maria Makler'));
    submit(root);
    await waitUntil(() => root.querySelector('[aria-invalid="true"]'), 'no messages');
    expect(text(root.querySelector('[role="alert"]'))).to.equal('Bitte prüfen Sie die 5 markierten Felder.');
    expect(text(root.querySelector('#tg-error-email'))).to.equal('Bitte füllen Sie dieses Feld aus.');
  });

  it('follows a change of lang while the mask is open', async () => {
    const tour = uniqueTour();
    await serveTour(tour);
    const gate = await mountGate(tour, { lang: 'en' });
    await gate.open();
    const root = await openMask(gate);
    expect(labelOf(root, 'firstName')).to.equal('First name');
    gate.setAttribute('lang', 'de');
    await waitUntil(() => labelOf(root, 'firstName') === 'Vorname', 'still English');
  });

  it("falls back to the page's <html lang>, then to English", async () => {
    document.documentElement.lang = 'de-AT';
    const tour = uniqueTour();
    await serveTour(tour);
    const german = await mountGate(tour);
    await german.open();
    expect(labelOf(await openMask(german), 'lastName')).to.equal('Nachname');
    german.close();

    document.documentElement.lang = 'fr';
    const english = await mountGate(tour);
    await english.open();
    const root = await openMask(english);
    expect(labelOf(root, 'lastName')).to.equal('Last name');
    expect(text(root.querySelector('[part~="submit-button"]'))).to.equal(en.submit);
  });

  it("labels custom fields in the visitor's language", async () => {
    const tour = uniqueTour();
    const { gateConfig } = await import('../../test/harness.ts');
    const config = gateConfig(tour);
    config.fields.push({
      key: 'moveIn',
      type: 'text',
      required: false,
      maxLength: 50,
      label: { de: 'Einzug ab', en: 'Moving in from' },
    });
    await serveTour(tour, config);
    const gate = await mountGate(tour, { lang: 'de' });
    await gate.open();
    expect(labelOf(await openMask(gate), 'moveIn')).to.equal('Einzug ab');
  });
});
