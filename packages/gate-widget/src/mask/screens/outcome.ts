/** After a request went through: check the mailbox (email release), or wait for the broker (manual release). */
import type { RegistrationResponse } from '@tour-gate/shared';
import type { TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import { type MaskActions, type MaskState, message } from './parts.ts';

export function renderOutcome(
  status: RegistrationResponse['status'],
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  const broker = state.config?.broker.name ?? '';
  return status === 'check-email'
    ? message(state, t, on, t.checkEmailTitle, t.checkEmailText(broker))
    : message(state, t, on, t.awaitingTitle, t.awaitingText(broker));
}
