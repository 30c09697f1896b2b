/**
 * Postal codes by country. A visitor picks a country (the tour's `defaultCountry` first, then
 * Germany, Austria and Switzerland, then every other country by name); the postal code is
 * checked against that country's format where one is known here, and taken as free text where
 * none is. The format (`example`) is shown in the error, so a visitor sees what is expected.
 *
 * Country names come from `Intl.DisplayNames` in the visitor's language (browsers and Node have
 * them), so no table of names ships with the widget.
 */

interface PostalFormat {
  /** Matched against the whole trimmed value, ignoring case. */
  pattern: string;
  /** A code in the country's format, shown as the expected format. */
  example: string;
}

/** Formats of the countries whose visitors a German-speaking broker meets most. */
export const POSTAL_CODE_FORMATS: Readonly<Record<string, PostalFormat>> = {
  DE: { pattern: '\\d{5}', example: '50667' },
  AT: { pattern: '\\d{4}', example: '1010' },
  CH: { pattern: '\\d{4}', example: '8001' },
  LI: { pattern: '\\d{4}', example: '9490' },
  NL: { pattern: '\\d{4} ?[A-Z]{2}', example: '1012 AB' },
  BE: { pattern: '\\d{4}', example: '1000' },
  LU: { pattern: '(L-?)?\\d{4}', example: '1009' },
  FR: { pattern: '\\d{5}', example: '75001' },
  IT: { pattern: '\\d{5}', example: '00184' },
  ES: { pattern: '\\d{5}', example: '28001' },
  PT: { pattern: '\\d{4}-\\d{3}', example: '1100-148' },
  DK: { pattern: '\\d{4}', example: '1050' },
  SE: { pattern: '\\d{3} ?\\d{2}', example: '111 22' },
  NO: { pattern: '\\d{4}', example: '0150' },
  FI: { pattern: '\\d{5}', example: '00100' },
  PL: { pattern: '\\d{2}-\\d{3}', example: '00-950' },
  CZ: { pattern: '\\d{3} ?\\d{2}', example: '110 00' },
  SK: { pattern: '\\d{3} ?\\d{2}', example: '811 01' },
  HU: { pattern: '\\d{4}', example: '1051' },
  SI: { pattern: '\\d{4}', example: '1000' },
  HR: { pattern: '\\d{5}', example: '10000' },
  GR: { pattern: '\\d{3} ?\\d{2}', example: '105 57' },
  RO: { pattern: '\\d{6}', example: '010011' },
  BG: { pattern: '\\d{4}', example: '1000' },
  TR: { pattern: '\\d{5}', example: '34000' },
  GB: { pattern: 'GIR ?0AA|[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}', example: 'SW1A 1AA' },
  IE: { pattern: '[A-Z]\\d[\\dW] ?[A-Z\\d]{4}', example: 'D02 X285' },
  US: { pattern: '\\d{5}(-\\d{4})?', example: '10001' },
  CA: { pattern: '[A-Z]\\d[A-Z] ?\\d[A-Z]\\d', example: 'K1A 0B1' },
};

/** Countries offered first, in this order, after the tour's own. */
export const FIRST_COUNTRIES = ['DE', 'AT', 'CH'] as const;

/**
 * Every country a visitor may choose (ISO 3166-1 alpha-2, officially assigned codes), as one
 * string of pairs: it is shipped in the widget's mask chunk.
 */
const CODES =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW';

/** Every country code a visitor may choose. */
export const COUNTRY_CODES: readonly string[] = CODES.match(/../g) ?? [];

export function isCountryCode(value: string): boolean {
  return value.length === 2 && COUNTRY_CODES.includes(value);
}

/** The format of a country's postal codes, or undefined where none is known (free text). */
export function postalFormat(country: string | undefined): PostalFormat | undefined {
  return country ? POSTAL_CODE_FORMATS[country] : undefined;
}

/** Whether `value` (trimmed) is a postal code of `country`; true for a country without a known format. */
export function isPostalCode(value: string, country: string | undefined): boolean {
  const format = postalFormat(country);
  return !format || new RegExp(`^(?:${format.pattern})$`, 'i').test(value.trim());
}

/** Digits only (and a dash): phones show a number pad for such a country, others a keyboard. */
export function postalInputMode(country: string | undefined): 'numeric' | 'text' {
  const format = postalFormat(country);
  return format && /^[\d -]+$/.test(format.example) ? 'numeric' : 'text';
}

/**
 * The countries in the order a mask offers them: the tour's own, then Germany, Austria and
 * Switzerland, then all others by their name in `locale`.
 */
export function countryChoices(locale: string, first?: string): { code: string; name: string }[] {
  const all = namedCountries(locale);
  const top = [...new Set([first, ...FIRST_COUNTRIES].filter((c): c is string => !!c && isCountryCode(c)))];
  return [...top.map((code) => all.find((c) => c.code === code)!), ...all.filter((c) => !top.includes(c.code))];
}

/**
 * Every country named in `locale`, by name; made once per language (naming ~250 countries is
 * the costly part of a mask's first drawing, so the widget may call this when the page is idle).
 */
export function namedCountries(locale: string): readonly { code: string; name: string }[] {
  let named = namedCache.get(locale);
  if (!named) {
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    // One collator for the whole sort: `localeCompare` builds one per comparison.
    const collator = new Intl.Collator(locale);
    named = COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) =>
      collator.compare(a.name, b.name),
    );
    namedCache.set(locale, named);
  }
  return named;
}

const namedCache = new Map<string, { code: string; name: string }[]>();

/** A country's name in `locale` ("Deutschland", "Germany"); the code itself if unknown. */
export function countryName(code: string, locale: string): string {
  try {
    let names = regionNames.get(locale);
    if (!names) {
      names = new Intl.DisplayNames([locale], { type: 'region' });
      regionNames.set(locale, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** One `Intl.DisplayNames` per language (an export names a country on every row). */
const regionNames = new Map<string, Intl.DisplayNames>();
