/** The registration form: the tour's fields, the consents, hCaptcha's slot, messages and the send button. */
import { postalCountry } from '@tour-gate/shared';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Translation } from '../../i18n/index.ts';
import type { GateErrorCode } from '../../internal/api.ts';
import { controlId, errorId, fieldError, renderField } from '../field.ts';
import { interpolate } from '../interpolate.ts';
import { CAPTCHA, MARKETING, PRIVACY } from '../registration.ts';
import { safeUrl } from '../safe-url.ts';
import { alert, button, type MaskActions, type MaskState } from './parts.ts';

/** Failures worth a "try again" button: the same request may well succeed a moment later. */
const RETRIABLE: readonly GateErrorCode[] = [
  'NETWORK_ERROR',
  'BAD_RESPONSE',
  'CAPTCHA_UNAVAILABLE',
  'NOT_READY',
  'UNAVAILABLE',
  'INTERNAL',
];

function consent(state: MaskState, t: Translation, name: string, text: unknown[], required: boolean): TemplateResult {
  const error = state.errors[name];
  return html`<div class="field check" part="consent">
    <input
      id=${controlId(name)}
      name=${name}
      type="checkbox"
      part="control"
      ?required=${required}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${ifDefined(error ? errorId(name) : undefined)}
    /><label for=${controlId(name)} part="label"
      >${text}${required ? html`<span class="required" aria-hidden="true">${t.requiredMarker}</span>` : nothing}</label
    >
    ${fieldError(name, error)}
  </div>`;
}

/** hCaptcha's slot (when the tour has one) and the live region that says what needs a look. */
export function captchaAndSummary(state: MaskState, t: Translation): TemplateResult {
  const { config, errors } = state;
  const errorCount = Object.keys(errors).length;
  return html`${
    config?.captcha
      ? html`<div class="captcha" part="captcha" role="group" aria-label=${t.captchaLabel}>
          <slot name="captcha"></slot>
          ${fieldError(CAPTCHA, errors[CAPTCHA])}
        </div>`
      : nothing
  }
    <div class="live" role="alert">
      ${errorCount === 1 && errors[CAPTCHA] ? errors[CAPTCHA] : errorCount ? t.checkFieldsSummary(errorCount) : nothing}
    </div>`;
}

export function renderForm(state: MaskState, t: Translation, on: MaskActions): TemplateResult {
  const { config, errors, sending } = state;
  if (!config) return html``;
  const broker = config.broker.name;
  const privacyLink = html`<a href=${ifDefined(safeUrl(config.consent.privacyUrl))} target="_blank" rel="noopener"
    >${t.privacyLink}</a
  >`;
  const termsUrl = safeUrl(config.consent.termsUrl);
  const consentText = termsUrl
    ? interpolate(t.consentPrivacyTerms, {
        broker,
        privacy: privacyLink,
        terms: html`<a href=${termsUrl} target="_blank" rel="noopener">${t.termsLink}</a>`,
      })
    : interpolate(t.consentPrivacy, { broker, privacy: privacyLink });
  const retriable = state.formError && RETRIABLE.includes(state.formError);
  return html`<p part="intro">${config.mode === 'email' ? t.maskIntroEmail(broker) : t.maskIntroManual(broker)}</p>
    <p class="note">${t.requiredNote}</p>
    <form part="form" novalidate aria-busy=${sending ? 'true' : 'false'} @submit=${on.submit}>
      ${config.fields.map((field) =>
        renderField(field, errors[field.key], t, state.locale, postalCountry(field, state.values), state.first),
      )}
      ${consent(state, t, PRIVACY, consentText, true)}
      ${config.consent.marketing ? consent(state, t, MARKETING, [t.consentMarketing(broker)], false) : nothing}
      ${captchaAndSummary(state, t)}
      ${alert(state, t)}
      <div class="actions">
        ${retriable ? button(state, t.retry, on.retry) : nothing}
        <button type="submit" class="primary" part="button submit-button" aria-disabled=${sending ? 'true' : 'false'}>
          ${sending ? t.sending : t.submit}
        </button>
      </div>
    </form>`;
}
