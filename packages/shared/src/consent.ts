/**
 * Marketing consent, said as it was asked. A tour without the marketing box never asked, so its
 * leads show "nicht abgefragt", not a refusal. A consent given counts only once the visitor has
 * confirmed the address by opening a mailed link (double opt-in, as German practice requires
 * for advertising by email); until then it shows as unconfirmed.
 */
import type { Locale } from './locale.ts';

export type MarketingConsent = 'not-asked' | 'declined' | 'unconfirmed' | 'confirmed';

export interface MarketingConsentRecord {
  /** Whether the tour offered the box; null on records older than that question. */
  offered: boolean | null;
  given: boolean;
  confirmedAt: number | null;
}

/** `offeredNow`: whether the tour offers the box today, for records that don't say. */
export function marketingConsent(r: MarketingConsentRecord, offeredNow: boolean): MarketingConsent {
  if (r.given) return r.confirmedAt === null ? 'unconfirmed' : 'confirmed';
  return (r.offered ?? offeredNow) ? 'declined' : 'not-asked';
}

export const MARKETING_CONSENT_LABELS: Record<Locale, Record<MarketingConsent, string>> = {
  de: {
    'not-asked': 'nicht abgefragt',
    declined: 'nein',
    unconfirmed: 'ja, E-Mail-Adresse noch nicht bestätigt',
    confirmed: 'ja, E-Mail-Adresse bestätigt',
  },
  en: {
    'not-asked': 'not asked',
    declined: 'no',
    unconfirmed: 'yes, email address not yet confirmed',
    confirmed: 'yes, email address confirmed',
  },
};

/** "ja, E-Mail-Adresse bestätigt am 30.11.2026, 14:05" with `confirmedAt` formatted by the caller. */
export function marketingConsentText(state: MarketingConsent, locale: Locale, confirmedAt?: string): string {
  const label = MARKETING_CONSENT_LABELS[locale][state];
  if (state !== 'confirmed' || !confirmedAt) return label;
  return locale === 'de' ? `${label} am ${confirmedAt}` : `${label} on ${confirmedAt}`;
}
