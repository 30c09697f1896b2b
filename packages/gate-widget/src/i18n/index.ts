import type { Locale } from '@tour-gate/shared';
import { de } from './de.ts';
import { en, type Translation } from './en.ts';

export type { Translation } from './en.ts';

export const translations: Record<Locale, Translation> = { de, en };
