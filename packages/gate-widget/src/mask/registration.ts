/**
 * From the mask's form to the registration request and back: reading the native controls,
 * checking them with the shared `checkFields` (the server runs the same check), building the
 * request body, and placing a server's field errors at the controls they belong to.
 */
import {
  checkFields,
  countryName,
  type FieldErrorCode,
  type FieldValues,
  type GateConfig,
  type Locale,
  postalCountry,
  postalFormat,
  type RegistrationRequest,
} from '@tour-gate/shared';
import type { Translation } from '../i18n/en.ts';

/** Names of the mask's own controls; prefixed so they never clash with a field key. */
export const PRIVACY = 'tg-consent-privacy';
export const MARKETING = 'tg-consent-marketing';
export const CAPTCHA = 'tg-captcha';

/** Server field keys that mean the privacy consent. */
const CONSENT_KEYS = ['consent', 'consent.privacy', 'privacy'];

/** Messages per control name. */
export type Messages = Record<string, string>;

export interface FormInput {
  fields: FieldValues;
  privacy: boolean;
  marketing: boolean;
  /** The hCaptcha token; empty when there is no captcha or it is unsolved. */
  captcha: string;
}

/** Reads the form's native controls: checkboxes as booleans, everything else as text. */
export function readForm(form: HTMLFormElement, config: GateConfig, captcha: string): FormInput {
  const checked = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;
  const fields: FieldValues = {};
  for (const field of config.fields) {
    const control = form.elements.namedItem(field.key);
    if (control instanceof HTMLInputElement && control.type === 'checkbox') fields[field.key] = control.checked;
    else if (control && 'value' in control) fields[field.key] = String(control.value);
  }
  return { fields, privacy: checked(PRIVACY), marketing: checked(MARKETING), captcha };
}

/**
 * Checks the input before it is sent. Returns the request body, or the messages to show — the
 * form is never sent with a problem the visitor can see and fix here.
 */
export function prepareRegistration(
  config: GateConfig,
  input: FormInput,
  context: { locale: Locale; viewpoint: string | undefined; t: Translation },
): { body: RegistrationRequest; errors?: undefined } | { body?: undefined; errors: Messages } {
  const { t } = context;
  const check = checkFields(config.fields, input.fields);
  const errors: Messages = {};
  for (const [key, code] of Object.entries(check.errors)) errors[key] = t.fieldErrors[code];
  // A postal code of a country whose format is known: the message shows that format.
  const postal = config.fields.find((f) => f.key === 'postalCode');
  const country = postal && postalCountry(postal, input.fields);
  const format = !postal?.pattern && postalFormat(country);
  if (check.errors.postalCode === 'invalid_postal_code' && format && country) {
    errors.postalCode = t.postalCodeFormat(format.example, countryName(country, context.locale));
  }
  if (!input.privacy) errors[PRIVACY] = t.fieldErrors.consent_required;
  if (config.captcha && !input.captcha) errors[CAPTCHA] = t.errors.CAPTCHA_REQUIRED;
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      fields: check.values,
      consent: {
        privacy: true,
        // Only when offered: an absent marketing consent is not a "no" the visitor gave.
        ...(config.consent.marketing ? { marketing: input.marketing } : {}),
        version: config.consent.version,
      },
      locale: context.locale,
      ...(input.captcha ? { captcha: input.captcha } : {}),
      ...(context.viewpoint ? { viewpoint: context.viewpoint } : {}),
    },
  };
}

/**
 * A `VALIDATION_FAILED` answer's `error.fields`, as messages at the controls they belong to;
 * `unplaced` when a key has no control here (the visitor can't fix it, so the form says so).
 */
export function placeServerErrors(
  config: GateConfig,
  fields: Record<string, FieldErrorCode>,
  t: Translation,
): { errors: Messages; unplaced: boolean } {
  const errors: Messages = {};
  let unplaced = false;
  const known = new Set(config.fields.map((f) => f.key));
  for (const [key, code] of Object.entries(fields)) {
    // Own keys only: a code like `toString` must not find Object.prototype's.
    const message = Object.hasOwn(t.fieldErrors, code) ? t.fieldErrors[code] : t.fieldErrors.invalid;
    if (known.has(key)) errors[key] = message;
    else if (CONSENT_KEYS.includes(key)) errors[PRIVACY] = message;
    else if (key === 'captcha') errors[CAPTCHA] = message;
    else unplaced = true;
  }
  return { errors, unplaced };
}
