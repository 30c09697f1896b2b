/**
 * The texts of the cover and of the embed notice, German and English. Kept here rather than in
 * `i18n/`: the mask's tables are a chunk of their own, and a page that shows the cover or a
 * failed embed should not load them for five sentences.
 */
import type { Locale } from '@tour-gate/shared';

export interface CoverStrings {
  /** The cover's button. */
  view: string;
  /** Under the title, before the visitor has unlocked the tour. */
  hint: string;
  /** The true sentence for a failed embed: origin not allowed, unknown tour, server away. */
  unavailable: string;
  retry: string;
  close: string;
  /** The iframe's accessible name, before the tour's title. */
  frame: string;
}

export const coverStrings: Record<Locale, CoverStrings> = {
  de: {
    view: 'Rundgang ansehen',
    hint: 'Nach einer kurzen Anmeldung sehen Sie den vollständigen Rundgang.',
    unavailable: 'Die Räume können hier gerade nicht geöffnet werden.',
    retry: 'Erneut versuchen',
    close: 'Schließen',
    frame: 'Rundgang',
  },
  en: {
    view: 'View the tour',
    hint: 'Register briefly to see the whole tour.',
    unavailable: 'The rooms can’t be opened here right now.',
    retry: 'Try again',
    close: 'Close',
    frame: 'Tour',
  },
};
