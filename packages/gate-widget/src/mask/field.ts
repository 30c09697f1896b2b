/**
 * One form field as native controls: a `<label>`, the control, and a message bound to it by
 * `aria-describedby` while the field is invalid.
 */
import { countryChoices, type GateField, isStandardFieldKey, type Locale, postalInputMode } from '@tour-gate/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { SalutationValue, Translation } from '../i18n/en.ts';

/**
 * The keyboard a phone should open for a postal code: digits for a country whose codes are
 * digits (Germany, Austria, Switzerland…), the full one where they have letters (United Kingdom,
 * Netherlands) or no format is known. A tour's own pattern decides for itself.
 */
const DIGITS_ONLY = /^\^?(?:\[0-9\]|\\d|\{\d+(?:,\d*)?\}|[+*?])+\$?$/;
function inputMode(field: GateField, country: string | undefined): string | undefined {
  if (field.key !== 'postalCode') return undefined;
  if (field.pattern) return DIGITS_ONLY.test(field.pattern) ? 'numeric' : 'text';
  return postalInputMode(country);
}

/** The field's `autocomplete`; a postal code is always `postal-code`, whatever the config says. */
const autocompleteOf = (field: GateField) => (field.key === 'postalCode' ? 'postal-code' : field.autocomplete);

export const controlId = (key: string) => `tg-field-${key}`;
export const errorId = (key: string) => `tg-error-${key}`;

function fieldLabel(field: GateField, t: Translation, locale: Locale): string {
  return isStandardFieldKey(field.key) ? t.fields[field.key] : (field.label?.[locale] ?? field.key);
}

function optionLabel(
  field: GateField,
  option: { value: string; label?: Record<Locale, string> },
  t: Translation,
  locale: Locale,
) {
  if (field.key === 'salutation' && Object.hasOwn(t.salutations, option.value)) {
    return t.salutations[option.value as SalutationValue];
  }
  return option.label?.[locale] ?? option.value;
}

/** The message under an invalid field; `nothing` while it is valid. */
export function fieldError(key: string, message: string | undefined): TemplateResult | typeof nothing {
  return message ? html`<p class="error" id=${errorId(key)} part="field-error">${message}</p>` : nothing;
}

/**
 * The options of a select: the tour's own, or for the `country` field every country, the
 * tour's first, then Germany, Austria, Switzerland, then the rest by name in the visitor's language.
 * `first`: the mask's first drawing, which offers the countries only up to the chosen one
 * (`country`, usually the tour's, first in the list): ~250 options are most of the work of
 * drawing the mask, and the list is whole a frame later (`GateMask`), before anyone opens it.
 */
function optionsOf(field: GateField, t: Translation, locale: Locale, country: string | undefined, first: boolean) {
  if (field.key === 'country' && !field.options) {
    const choices = countryChoices(locale, field.defaultCountry);
    return choices
      .slice(0, first ? choices.findIndex((c) => c.code === country) + 1 : undefined)
      .map((c) => html`<option value=${c.code} ?selected=${c.code === field.defaultCountry}>${c.name}</option>`);
  }
  return (field.options ?? []).map((o) => html`<option value=${o.value}>${optionLabel(field, o, t, locale)}</option>`);
}

/**
 * `country`: the country a postal code is for now (the visitor's choice, else the tour's);
 * `first`: the mask's first drawing (see `optionsOf`).
 */
export function renderField(
  field: GateField,
  error: string | undefined,
  t: Translation,
  locale: Locale,
  country?: string,
  first = false,
): TemplateResult {
  const id = controlId(field.key);
  const label = fieldLabel(field, t, locale);
  const invalid = error ? 'true' : 'false';
  const describedBy = error ? errorId(field.key) : undefined;
  const marker = field.required ? html`<span class="required" aria-hidden="true">${t.requiredMarker}</span>` : nothing;

  if (field.type === 'checkbox') {
    return html`<div class="field check" part="field">
      <input
        id=${id}
        name=${field.key}
        type="checkbox"
        part="control"
        ?required=${field.required}
        aria-invalid=${invalid}
        aria-describedby=${ifDefined(describedBy)}
      /><label for=${id} part="label">${label}${marker}</label>
      ${fieldError(field.key, error)}
    </div>`;
  }

  let control: TemplateResult;
  if (field.type === 'select') {
    control = html`<select
      id=${id}
      name=${field.key}
      part="control"
      autocomplete=${ifDefined(field.autocomplete)}
      ?required=${field.required}
      aria-invalid=${invalid}
      aria-describedby=${ifDefined(describedBy)}
    >
      <option value="">${t.chooseOption}</option>
      ${optionsOf(field, t, locale, country, first)}
    </select>`;
  } else if (field.type === 'textarea') {
    control = html`<textarea
      id=${id}
      name=${field.key}
      part="control"
      rows="3"
      maxlength=${field.maxLength}
      autocomplete=${ifDefined(field.autocomplete)}
      ?required=${field.required}
      aria-invalid=${invalid}
      aria-describedby=${ifDefined(describedBy)}
    ></textarea>`;
  } else {
    control = html`<input
      id=${id}
      name=${field.key}
      type=${field.type}
      part="control"
      maxlength=${field.maxLength}
      inputmode=${ifDefined(inputMode(field, country))}
      autocomplete=${ifDefined(autocompleteOf(field))}
      ?required=${field.required}
      aria-invalid=${invalid}
      aria-describedby=${ifDefined(describedBy)}
    />`;
  }
  return html`<div class="field" part="field">
    <label for=${id} part="label">${label}${marker}</label>
    ${control} ${fieldError(field.key, error)}
  </div>`;
}
