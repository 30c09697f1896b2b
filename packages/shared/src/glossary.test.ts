import { describe, expect, it } from 'vitest';
import { GLOSSARY, GLOSSARY_ACTIONS, GLOSSARY_STATUS_CODES, missingKeys, statusLabel } from './glossary.ts';
import { LOCALES } from './locale.ts';
import { REGISTRATION_STATUSES, WEBHOOK_EVENTS } from './openapi.ts';

describe('glossary', () => {
  it('has every status code, stored or event, in German and English', () => {
    const events = WEBHOOK_EVENTS.map((e) => e.replace(/^lead\./, ''));
    for (const code of [...REGISTRATION_STATUSES, ...events]) {
      expect(GLOSSARY_STATUS_CODES, code).toContain(code);
    }
    for (const locale of LOCALES) {
      for (const code of GLOSSARY_STATUS_CODES) {
        const term = GLOSSARY[locale].status[code];
        expect(term?.label, `${locale} ${code}`).toMatch(/\S/);
        expect(term?.description, `${locale} ${code}`).toMatch(/\S/);
      }
      for (const action of GLOSSARY_ACTIONS)
        expect(GLOSSARY[locale].action[action], `${locale} ${action}`).toMatch(/\S/);
    }
  });

  it('German and English have the same keys, both ways', () => {
    expect(missingKeys(GLOSSARY.en, GLOSSARY.de)).toEqual([]);
    expect(missingKeys(GLOSSARY.de, GLOSSARY.en)).toEqual([]);
  });

  it('never gives two states one label: the status filter offers nothing a broker cannot tell apart', () => {
    for (const locale of LOCALES) {
      const labels = GLOSSARY_STATUS_CODES.map((c) => statusLabel(c, locale).toLowerCase());
      expect(new Set(labels).size, locale).toBe(labels.length);
    }
  });

  it('says access given with one word, however it was given', () => {
    // Email release and the broker's grant: the same verb, told apart by how.
    expect(statusLabel('released', 'de')).toMatch(/freigegeben/);
    expect(statusLabel('granted', 'de')).toMatch(/freigegeben/);
    expect(statusLabel('released', 'en')).toMatch(/Granted/);
    expect(statusLabel('granted', 'en')).toMatch(/Granted/);
    for (const locale of LOCALES) {
      const all = JSON.stringify(GLOSSARY[locale]);
      expect(all).not.toMatch(/gewähr|Gewähr/);
    }
  });

  it('missingKeys finds a key missing on either side, nested, and an empty text', () => {
    const a = { x: 'a', nested: { y: 'b', f: () => 'c' } };
    expect(missingKeys(a, { x: 'a', nested: { y: 'b', f: () => 'd' } })).toEqual([]);
    expect(missingKeys(a, { x: '', nested: { f: () => 'd' } })).toEqual(['x', 'nested.y']);
    expect(missingKeys(a, { x: 'a' })).toEqual(['nested']);
  });
});
