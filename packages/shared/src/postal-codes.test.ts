import { describe, expect, it } from 'vitest';
import type { GateField } from './fields.ts';
import { countryChoices, countryName, isPostalCode, postalFormat, postalInputMode } from './postal-codes.ts';
import { checkFields } from './validate.ts';

const fields: GateField[] = [
  { key: 'email', type: 'email', required: true, maxLength: 254 },
  { key: 'postalCode', type: 'text', required: true, maxLength: 10, defaultCountry: 'DE' },
  { key: 'country', type: 'select', required: false, maxLength: 2, defaultCountry: 'DE' },
];
const check = (postalCode: string, country?: string) =>
  checkFields(fields, { email: 'erika@example.org', postalCode, ...(country === undefined ? {} : { country }) });

describe('postal codes by country', () => {
  const cases: [country: string, accepted: string[], refused: string[]][] = [
    ['DE', ['50667', '01067'], ['5066', '506677', 'D-50667', 'ABCDE']],
    ['AT', ['1010', '6020'], ['10100', '101']],
    ['CH', ['8001', '1200'], ['80011', 'CH-8001']],
    ['NL', ['1012 AB', '1012ab'], ['1012', '1012 A', 'AB 1012']],
    ['GB', ['SW1A 1AA', 'sw1a1aa', 'M1 1AE', 'B33 8TH', 'GIR 0AA'], ['SW1A', '12345', 'SW1A 1A']],
    ['US', ['10001', '10001-1234'], ['1000', '10001-12']],
  ];
  for (const [country, accepted, refused] of cases) {
    it(`${country}: takes ${accepted.join(', ')}; refuses ${refused.join(', ')}`, () => {
      for (const code of accepted) {
        expect(isPostalCode(code, country), code).toBe(true);
        expect(check(code, country).errors, code).toEqual({});
        expect(check(code, country).values.country).toBe(country);
      }
      for (const code of refused) {
        expect(isPostalCode(code, country), code).toBe(false);
        expect(check(code, country).errors, code).toEqual({ postalCode: 'invalid_postal_code' });
      }
    });
  }

  it('takes any code as free text for a country without a known format', () => {
    expect(postalFormat('BR')).toBeUndefined();
    expect(check('01310-100', 'BR').errors).toEqual({});
    expect(check('DXB 07', 'AE').errors).toEqual({});
    expect(check('DXB 07', 'AE').values).toMatchObject({ postalCode: 'DXB 07', country: 'AE' });
    // Still one line of at most the field's length.
    expect(check('123\n456', 'AE').errors).toEqual({ postalCode: 'invalid' });
  });

  it("checks by the tour's country when the visitor sends none, and refuses a made-up country", () => {
    expect(check('SW1A 1AA').errors).toEqual({ postalCode: 'invalid_postal_code' });
    expect(check('50667').errors).toEqual({});
    expect(check('50667', 'de').values.country).toBe('DE');
    expect(check('50667', 'XX').errors).toEqual({ country: 'invalid' });
    expect(check('50667', 'Deutschland').errors).toEqual({ country: 'too_long' });
  });

  it("a tour's own pattern wins over the country's format", () => {
    const own: GateField[] = [{ ...fields[1]!, pattern: '^\\d{3}$' }];
    expect(checkFields(own, { postalCode: '123' }).errors).toEqual({});
    expect(checkFields(own, { postalCode: '50667' }).errors).toEqual({ postalCode: 'invalid_postal_code' });
  });

  it('opens a number pad only where the format has digits alone', () => {
    expect(postalInputMode('DE')).toBe('numeric');
    expect(postalInputMode('PL')).toBe('numeric');
    expect(postalInputMode('GB')).toBe('text');
    expect(postalInputMode('NL')).toBe('text');
    expect(postalInputMode('BR')).toBe('text');
  });

  it("offers the tour's country, then Germany, Austria and Switzerland, then all others by name", () => {
    const de = countryChoices('de', 'NL');
    expect(de.slice(0, 4).map((c) => c.code)).toEqual(['NL', 'DE', 'AT', 'CH']);
    expect(de[1]!.name).toBe('Deutschland');
    expect(de.length).toBeGreaterThan(240);
    const rest = de.slice(4).map((c) => c.name);
    expect(rest).toEqual([...rest].sort((a, b) => a.localeCompare(b, 'de')));
    expect(
      countryChoices('en')
        .slice(0, 3)
        .map((c) => c.name),
    ).toEqual(['Germany', 'Austria', 'Switzerland']);
    expect(countryName('GB', 'de')).toBe('Vereinigtes Königreich');
  });
});
