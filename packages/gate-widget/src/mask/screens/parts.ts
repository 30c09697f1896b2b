/**
 * What the mask's screens share: the state they are drawn from, the actions their controls
 * call, and the pieces every message screen uses. Screens are plain functions of that state and
 * the translated strings; the element and its controllers own the behaviour.
 */
import type { GateConfig, Locale } from '@tour-gate/shared';
import { html, nothing, type TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import type { GateErrorCode } from '../../internal/api.ts';
import { renderContact } from '../contact.ts';
import type { Values } from '../memory.ts';
import type { Messages } from '../registration.ts';
import type { View } from '../screen.ts';

export interface MaskState {
  readonly config: GateConfig | undefined;
  readonly locale: Locale;
  /** Messages per control name. */
  readonly errors: Messages;
  /** A failure of the whole request, shown as an alert. */
  readonly formError: GateErrorCode | undefined;
  /** A request is under way: buttons are `aria-disabled` and do nothing. */
  readonly sending: boolean;
  /** What the visitor typed and chose so far (the mask's memory). */
  readonly values: Values;
  /** The mask's first drawing: the country choice waits a frame for most of its options. */
  readonly first: boolean;
}

export interface MaskActions {
  close(): void;
  submit(event: SubmitEvent): void;
  /** The form's "try again". */
  retry(): void;
  /** Asks for a new link in place of the expired one with this token. */
  newLink(token: string): void;
  registerAgain(): void;
  /** Sends the email-only form for a new unlock link. */
  askLink(event: SubmitEvent): void;
  /** Shows another screen of the mask. */
  go(view: View): void;
  /** Pending: sends the message box to the broker. */
  addMessage(event: SubmitEvent): void;
  /** Pending: the link again, in case it was granted and opened elsewhere. */
  resend(): void;
  /** Denied: asks the broker again (with the message box, if filled). */
  repeat(event: SubmitEvent): void;
}

/** A newer server may send a code this widget has no text for yet. */
export const errorText = (t: Translation, code: GateErrorCode): string => t.errors[code] ?? t.errors.BAD_RESPONSE;

export function button(state: MaskState, label: string, onClick: () => void, primary = false): TemplateResult {
  return html`<button
    type="button"
    part=${primary ? 'button submit-button' : 'button'}
    class=${primary ? 'primary' : ''}
    aria-disabled=${state.sending ? 'true' : 'false'}
    @click=${() => {
      if (!state.sending) onClick();
    }}
  >
    ${label}
  </button>`;
}

export function alert(state: MaskState, t: Translation): TemplateResult | typeof nothing {
  const code = state.formError;
  if (!code) return nothing;
  return html`<div class="alert" part="alert" role="alert">
    <p>${errorText(t, code)}</p>
  </div>`;
}

/**
 * A screen that says one thing: heading (focused when shown, so it is read out first), text,
 * optionally the broker's contact data, and a close button after the screen's own action.
 */
export function message(
  state: MaskState,
  t: Translation,
  on: MaskActions,
  title: string,
  text: unknown,
  action?: TemplateResult,
  contact = false,
): TemplateResult {
  return html`<h3 part="screen-title" tabindex="-1" data-screen-title aria-describedby="tg-text">${title}</h3>
    <p id="tg-text" part="screen-text">${text}</p>
    ${contact ? renderContact(state.config?.broker, t) : nothing} ${alert(state, t)}
    <div class="actions">${action ?? nothing} ${button(state, t.close, on.close, !action)}</div>`;
}
