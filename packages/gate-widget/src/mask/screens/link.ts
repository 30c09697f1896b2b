/**
 * An unlock link that did not work: each refusal says what happened and offers what helps — a
 * new link for an expired one, the broker's contact after a denial, the form for the rest.
 */
import type { TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import type { LinkCode } from '../screen.ts';
import { button, type MaskActions, type MaskState, message } from './parts.ts';

export function renderLink(
  code: LinkCode,
  token: string,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  const broker = state.config?.broker.name ?? '';
  // Registering again needs the form, and the form needs the gate config.
  const registerAgain = state.config ? button(state, t.registerAgain, on.registerAgain, true) : undefined;
  switch (code) {
    case 'LINK_EXPIRED':
      return message(
        state,
        t,
        on,
        t.linkExpiredTitle,
        t.linkExpiredText,
        button(state, t.newLinkButton, () => on.newLink(token), true),
      );
    case 'ACCESS_DENIED':
      return message(state, t, on, t.accessDeniedTitle, t.accessDeniedText(broker), undefined, true);
    case 'ACCESS_REVOKED':
      return message(state, t, on, t.accessRevokedTitle, t.accessRevokedText(broker), undefined, true);
    case 'LINK_REVOKED':
      return message(state, t, on, t.linkRevokedTitle, t.linkRevokedText, registerAgain);
    default: // LINK_INVALID, the last of LINK_CODES
      return message(state, t, on, t.linkInvalidTitle, t.linkInvalidText, registerAgain);
  }
}
