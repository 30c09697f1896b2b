/** Anything else that failed (the gate config did not load, say), with a button that tries again. */
import type { TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import type { GateErrorCode } from '../../internal/api.ts';
import { button, errorText, type MaskActions, type MaskState, message } from './parts.ts';

export function renderError(
  code: GateErrorCode,
  retry: (() => void) | undefined,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  return message(
    state,
    t,
    on,
    t.errorTitle,
    errorText(t, code),
    retry ? button(state, t.retry, retry, true) : undefined,
  );
}
