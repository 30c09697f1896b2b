/**
 * Labels of the standard fields and salutations, per language: the mask, the mails to the
 * broker, the review page and the dashboard all name a field the same way. Custom fields bring
 * their own labels.
 */
import type { StandardFieldKey } from './fields.ts';
import type { Locale } from './locale.ts';

export type SalutationValue = 'ms' | 'mr' | 'diverse';

export const FIELD_LABELS: Record<Locale, Record<StandardFieldKey, string>> = {
  de: {
    salutation: 'Anrede',
    firstName: 'Vorname',
    lastName: 'Nachname',
    email: 'E-Mail',
    phone: 'Telefon',
    street: 'Straße und Hausnummer',
    postalCode: 'Postleitzahl',
    city: 'Ort',
    country: 'Land',
    company: 'Firma',
    message: 'Nachricht',
  },
  en: {
    salutation: 'Salutation',
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    phone: 'Phone',
    street: 'Street and number',
    postalCode: 'Postal code',
    city: 'City',
    country: 'Country',
    company: 'Company',
    message: 'Message',
  },
};

export const SALUTATION_LABELS: Record<Locale, Record<SalutationValue, string>> = {
  de: { ms: 'Frau', mr: 'Herr', diverse: 'Divers' },
  en: { ms: 'Ms', mr: 'Mr', diverse: 'Mx' },
};
