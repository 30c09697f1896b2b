/**
 * After a request went through: check the mailbox (email release, or a new link), or wait for
 * the broker (manual release). The address the mail went to is repeated, so a typo shows, with
 * "Change address" back to where it was typed (the values are still there).
 */
import type { RegistrationResponse } from '@tour-gate/shared';
import { html, type TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import { interpolate } from '../interpolate.ts';
import type { Back } from '../screen.ts';
import { button, type MaskActions, type MaskState, message } from './parts.ts';

export function renderOutcome(
  status: RegistrationResponse['status'],
  email: string | undefined,
  back: Back | undefined,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  const broker = state.config?.broker.name ?? '';
  const title = status === 'check-email' ? t.checkEmailTitle : t.awaitingTitle;
  if (!email) {
    return message(state, t, on, title, status === 'check-email' ? t.checkEmailText(broker) : t.awaitingText(broker));
  }
  const sentence =
    back?.kind === 'ask-link' ? t.newLinkSentTo : status === 'check-email' ? t.checkEmailTextTo : t.awaitingTextTo;
  const text = interpolate(sentence, { broker, email: html`<strong class="address">${email}</strong>` });
  return message(
    state,
    t,
    on,
    back?.kind === 'ask-link' ? t.newLinkSentTitle : title,
    text,
    back ? button(state, t.changeAddress, () => on.go(back)) : undefined,
  );
}
