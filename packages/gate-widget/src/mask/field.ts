/**
 * One form field as native controls: a `<label>`, the control, and a message bound to it by
 * `aria-describedby` while the field is invalid.
 */
import { type GateField, isStandardFieldKey, type Locale } from '@tour-gate/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { SalutationValue, Translation } from '../i18n/en.ts';

/**
 * The keyboard a phone should open: digits where the field's pattern only takes digits (German,
 * Austrian, Swiss postal codes), else the full one (British or Dutch codes have letters).
 */
const DIGITS_ONLY = /^\^?(?:\[0-9\]|\\d|\{\d+(?:,\d*)?\}|[+*?])+\$?$/;
export function inputMode(field: GateField): string | undefined {
  if (field.type === 'tel') return undefined;
  if (field.pattern && DIGITS_ONLY.test(field.pattern)) return 'numeric';
  return undefined;
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

export function renderField(
  field: GateField,
  error: string | undefined,
  t: Translation,
  locale: Locale,
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
      ${(field.options ?? []).map((o) => html`<option value=${o.value}>${optionLabel(field, o, t, locale)}</option>`)}
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
      inputmode=${ifDefined(inputMode(field))}
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
