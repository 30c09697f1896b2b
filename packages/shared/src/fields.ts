/**
 * The field catalogue: every field a registration mask can show. The standard fields have fixed
 * keys, types and limits; a tour may add custom fields. Which fields a tour shows, and which of
 * them are required, comes from the tour's configuration (`required` / `optional` / `hidden`).
 */
import type { Localized } from './locale.ts';

export const STANDARD_FIELD_KEYS = [
  'salutation',
  'firstName',
  'lastName',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'country',
  'company',
  'message',
] as const;
export type StandardFieldKey = (typeof STANDARD_FIELD_KEYS)[number];

export const FIELD_TYPES = ['text', 'email', 'tel', 'textarea', 'select', 'checkbox'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_REQUIREMENTS = ['required', 'optional', 'hidden'] as const;
export type FieldRequirement = (typeof FIELD_REQUIREMENTS)[number];

export interface StandardFieldSpec {
  type: FieldType;
  maxLength: number;
  /** Values of a select. */
  options?: readonly string[];
  /** HTML autocomplete token, so browsers fill the mask. */
  autocomplete: string;
}

export const STANDARD_FIELDS: Record<StandardFieldKey, StandardFieldSpec> = {
  salutation: { type: 'select', maxLength: 16, options: ['ms', 'mr', 'diverse'], autocomplete: 'honorific-prefix' },
  firstName: { type: 'text', maxLength: 100, autocomplete: 'given-name' },
  lastName: { type: 'text', maxLength: 100, autocomplete: 'family-name' },
  email: { type: 'email', maxLength: 254, autocomplete: 'email' },
  phone: { type: 'tel', maxLength: 40, autocomplete: 'tel' },
  street: { type: 'text', maxLength: 200, autocomplete: 'street-address' },
  postalCode: { type: 'text', maxLength: 10, autocomplete: 'postal-code' },
  city: { type: 'text', maxLength: 100, autocomplete: 'address-level2' },
  /** An ISO 3166 code; the choices are `COUNTRY_CODES` (postal-codes.ts), named in the visitor's language. */
  country: { type: 'select', maxLength: 2, autocomplete: 'country' },
  company: { type: 'text', maxLength: 200, autocomplete: 'organization' },
  message: { type: 'textarea', maxLength: 2000, autocomplete: 'off' },
};

/** Default requirement of each standard field when a tour says nothing. */
export const DEFAULT_FIELD_REQUIREMENTS: Record<StandardFieldKey, FieldRequirement> = {
  salutation: 'optional',
  firstName: 'required',
  lastName: 'required',
  email: 'required',
  phone: 'optional',
  street: 'hidden',
  postalCode: 'required',
  city: 'optional',
  country: 'optional',
  company: 'hidden',
  message: 'optional',
};

/**
 * A deliberately plain email check (the one the WHATWG `input type=email` uses): the mail
 * itself is the real test of an address.
 */
export const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/** Key of a custom field: a short identifier that can't clash with the standard keys. */
export const CUSTOM_FIELD_KEY_PATTERN = /^[a-z][a-zA-Z0-9_]{0,39}$/;

/** One field as the widget renders it (part of the public gate config). */
export interface GateField {
  key: string;
  type: FieldType;
  required: boolean;
  maxLength: number;
  /** Only custom fields carry labels; standard fields are labelled by the widget's tables. */
  label?: Localized;
  options?: { value: string; label?: Localized }[];
  /** A tour's own pattern (`postalCodePattern`); without one a postal code is checked by its country. */
  pattern?: string;
  autocomplete?: string;
  /** On `postalCode` and `country`: the tour's country, preselected and used when no country is sent. */
  defaultCountry?: string;
}

export function isStandardFieldKey(key: string): key is StandardFieldKey {
  return (STANDARD_FIELD_KEYS as readonly string[]).includes(key);
}

/** Control characters (CR, LF, NUL…) never belong in a one-line field. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
export const LINE_BREAK_OR_CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
