/**
 * A new unlock link for an email address: only that one field (and hCaptcha where the tour has
 * it), for a link that does not work or one that was opened on another device. The address is
 * the one typed in the form, if any: values are kept for the life of the page.
 */
import { html, type TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import { renderField } from '../field.ts';
import { captchaAndSummary } from './form.ts';
import { alert, type MaskActions, type MaskState } from './parts.ts';

export function renderAskLink(state: MaskState, t: Translation, on: MaskActions): TemplateResult {
  const email = state.config?.fields.find((field) => field.key === 'email') ?? {
    key: 'email',
    type: 'email' as const,
    required: true,
    maxLength: 254,
    autocomplete: 'email',
  };
  return html`<h3 part="screen-title" tabindex="-1" data-screen-title aria-describedby="tg-text">${t.askLinkTitle}</h3>
    <p id="tg-text" part="screen-text">${t.askLinkText}</p>
    <form part="form" novalidate aria-busy=${state.sending ? 'true' : 'false'} @submit=${on.askLink}>
      ${renderField({ ...email, required: true }, state.errors.email, t, state.locale)}
      ${captchaAndSummary(state, t)} ${alert(state, t)}
      <div class="actions">
        <button type="submit" class="primary" part="button submit-button" aria-disabled=${state.sending ? 'true' : 'false'}>
          ${state.sending ? t.sending : t.askLinkSubmit}
        </button>
      </div>
    </form>`;
}
