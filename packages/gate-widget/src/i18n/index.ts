/**
 * The mask's texts, one chunk per language: a visitor loads the mask and the language it is
 * shown in, never both. `loadTranslation` fetches a language once; `loadedTranslation` is what
 * is already here.
 */
import type { Locale } from '@tour-gate/shared';
import type { Translation } from './en.ts';

export type { Translation } from './en.ts';

const loaded: Partial<Record<Locale, Translation>> = {};
const loading: Partial<Record<Locale, Promise<Translation>>> = {};

export function loadTranslation(locale: Locale): Promise<Translation> {
  loading[locale] ??= (
    locale === 'de' ? import('./de.ts').then((m) => m.de) : import('./en.ts').then((m) => m.en)
  ).then(
    (t) => (loaded[locale] = t),
    (error: unknown) => {
      // Offline for a moment: the next try loads it again.
      delete loading[locale];
      throw error;
    },
  );
  return loading[locale];
}

export function loadedTranslation(locale: Locale): Translation | undefined {
  return loaded[locale];
}
