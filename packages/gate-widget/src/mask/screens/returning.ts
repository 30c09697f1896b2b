/**
 * A returning visitor's screens, from what this browser holds (`request-store.ts`): the request
 * is with the broker (add a message; the link again if it was granted and opened elsewhere), the
 * link went out by email but was not opened here, the broker denied (the deny text, the
 * contact, and "ask again" where the tour allows it), the access was withdrawn.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import { renderContact } from '../contact.ts';
import { renderField } from '../field.ts';
import type { StoredRequest } from '../request-store.ts';
import { alert, button, type MaskActions, type MaskState, message } from './parts.ts';

/** Name of the message box on the pending and denied screens (kept in memory like every value). */
export const MESSAGE = 'tg-message';

const dateOf = (record: StoredRequest, state: MaskState) =>
  new Intl.DateTimeFormat(state.locale, { dateStyle: 'long' }).format(new Date(record.at));

/** Heading (focused when shown), text and the broker's contact. */
const head = (state: MaskState, t: Translation, title: string, text: string) =>
  html`<h3 part="screen-title" tabindex="-1" data-screen-title aria-describedby="tg-text">${title}</h3>
    <p id="tg-text" part="screen-text">${text}</p>
    ${renderContact(state.config?.broker, t)}`;

/** A message box with its send button; `required` on the pending screen, optional with "ask again". */
function messageForm(
  state: MaskState,
  t: Translation,
  onSubmit: (event: SubmitEvent) => void,
  submit: string,
  required: boolean,
): TemplateResult {
  const label = t.messageLabel(state.config?.broker.name ?? '');
  const field = { key: MESSAGE, type: 'textarea', required, maxLength: 2000, label: { de: label, en: label } } as const;
  return html`<form part="form" novalidate aria-busy=${state.sending ? 'true' : 'false'} @submit=${onSubmit}>
    ${renderField(field, state.errors[MESSAGE], t, state.locale)} ${alert(state, t)}
    <div class="actions">
      <button type="submit" class="primary" part="button submit-button" aria-disabled=${state.sending ? 'true' : 'false'}>
        ${state.sending ? t.sending : submit}
      </button>
    </div>
  </form>`;
}

export function renderPending(
  record: StoredRequest,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  const broker = state.config?.broker.name ?? '';
  return html`${head(state, t, t.pendingTitle, t.pendingText(dateOf(record, state), broker))}
    ${record.request ? messageForm(state, t, on.addMessage, t.messageSubmit, true) : nothing}
    <p>${t.elsewhereText}</p>
    <div class="actions">${button(state, t.resendLink, on.resend)} ${button(state, t.close, on.close)}</div>`;
}

export function renderReleased(
  record: StoredRequest,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  return message(
    state,
    t,
    on,
    t.releasedTitle,
    t.releasedText(dateOf(record, state)),
    html`${button(state, t.resendLink, () => on.go({ kind: 'ask-link' }), true)}
    ${button(state, t.otherAddress, () => on.go({ kind: 'form' }))}`,
  );
}

export function renderDenied(repeat: boolean, state: MaskState, t: Translation, on: MaskActions): TemplateResult {
  const broker = state.config?.broker.name ?? '';
  const own = state.config?.denyText?.[state.locale];
  return html`${head(state, t, t.accessDeniedTitle, typeof own === 'string' && own ? own : t.accessDeniedText(broker))}
    ${repeat ? html`<p>${t.repeatText(broker)}</p>${messageForm(state, t, on.repeat, t.repeatSubmit, false)}` : alert(state, t)}
    <div class="actions">${button(state, t.close, on.close)}</div>`;
}

export function renderRevoked(state: MaskState, t: Translation, on: MaskActions): TemplateResult {
  return message(
    state,
    t,
    on,
    t.accessRevokedTitle,
    t.accessRevokedText(state.config?.broker.name ?? ''),
    undefined,
    true,
  );
}
