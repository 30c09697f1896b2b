/**
 * Checks a mask's values against the tour's fields. The server uses it as the authority; the
 * widget uses it to show messages before sending. One implementation, so both always agree.
 */
import type { FieldErrorCode } from './errors.ts';
import { CONTROL_CHARS, EMAIL_PATTERN, type GateField, LINE_BREAK_OR_CONTROL } from './fields.ts';
import { isCountryCode, isPostalCode } from './postal-codes.ts';

export type FieldValues = Record<string, string | boolean>;

export interface FieldCheck {
  /** Trimmed values of the known, non-empty fields. */
  values: Record<string, string | boolean>;
  errors: Record<string, FieldErrorCode>;
}

export function checkFields(fields: readonly GateField[], input: FieldValues): FieldCheck {
  const errors: Record<string, FieldErrorCode> = {};
  const values: Record<string, string | boolean> = {};
  const byKey = new Map(fields.map((f) => [f.key, f]));

  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) errors[key] = 'unknown';
  }

  for (const field of fields) {
    const raw = Object.hasOwn(input, field.key) ? input[field.key] : undefined;
    if (field.type === 'checkbox') {
      if (raw !== undefined && typeof raw !== 'boolean') {
        errors[field.key] = 'invalid';
      } else if (field.required && raw !== true) {
        errors[field.key] = 'required';
      } else if (raw !== undefined) {
        values[field.key] = raw;
      }
      continue;
    }
    if (raw !== undefined && typeof raw !== 'string') {
      errors[field.key] = 'invalid';
      continue;
    }
    const value = (raw ?? '').trim();
    if (value === '') {
      if (field.required) errors[field.key] = 'required';
      continue;
    }
    if (value.length > field.maxLength) {
      errors[field.key] = 'too_long';
      continue;
    }
    // Line breaks are allowed in a message, never in a one-line field (they would end up in
    // a mail header or a CSV row in someone else's code); other control characters nowhere
    // (PostgreSQL refuses NUL in text).
    if ((field.type === 'textarea' ? CONTROL_CHARS : LINE_BREAK_OR_CONTROL).test(value)) {
      errors[field.key] = 'invalid';
      continue;
    }
    if (field.type === 'email' && !EMAIL_PATTERN.test(value)) {
      errors[field.key] = 'invalid_email';
      continue;
    }
    if (field.key === 'country' && !field.options) {
      if (!isCountryCode(value.toUpperCase())) errors.country = 'invalid';
      else values.country = value.toUpperCase();
      continue;
    }
    if (field.pattern && !new RegExp(field.pattern).test(value)) {
      errors[field.key] = field.key === 'postalCode' ? 'invalid_postal_code' : 'invalid';
      continue;
    }
    if (field.key === 'postalCode' && !field.pattern && !isPostalCode(value, postalCountry(field, input))) {
      errors.postalCode = 'invalid_postal_code';
      continue;
    }
    if (field.type === 'select' && field.options && !field.options.some((o) => o.value === value)) {
      errors[field.key] = 'invalid';
      continue;
    }
    values[field.key] = value;
  }
  return { values, errors };
}

/**
 * The country a postal code is checked for: the one the visitor chose (when valid), else the
 * tour's. A postal code is still checked when the country field has an error of its own.
 */
export function postalCountry(field: GateField, input: FieldValues): string | undefined {
  const chosen = typeof input.country === 'string' ? input.country.trim().toUpperCase() : '';
  return isCountryCode(chosen) ? chosen : field.defaultCountry;
}

/** Lower-cased, trimmed: the form in which emails are compared and stored. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_PATTERN.test(email.trim());
}
