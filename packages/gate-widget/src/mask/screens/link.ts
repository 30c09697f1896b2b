/**
 * An unlock link that did not work: each refusal says what happened and offers what helps — a
 * new link for an expired one, the broker's contact after a denial, a new link by email address
 * for the rest.
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
  // Only the address, not the whole form: a visitor who holds a link has registered already.
  const askLink = button(state, t.askLinkTitle, () => on.go({ kind: 'ask-link' }), true);
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
      return message(state, t, on, t.linkRevokedTitle, t.linkRevokedText, askLink);
    default: // LINK_INVALID, the last of LINK_CODES
      return message(state, t, on, t.linkInvalidTitle, t.linkInvalidText, askLink);
  }
}
