import { DEFAULT_LOCALE, type Locale, matchLocale } from '@tour-gate/shared';

/** The element's `lang`, then the page's `<html lang>`, then English. */
export function resolveLocale(lang: string | null | undefined): Locale {
  return matchLocale(lang) ?? matchLocale(document.documentElement.lang) ?? DEFAULT_LOCALE;
}
