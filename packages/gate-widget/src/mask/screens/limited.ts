/**
 * The server refuses requests for a while (`RATE_LIMITED`): one screen that says until when,
 * and no "try again" while trying can't help. Once the time has passed (the mask re-renders
 * then), "Continue" goes back to where the visitor was, with every value still there.
 */
import type { Locale } from '@tour-gate/shared';
import type { TemplateResult } from 'lit';
import type { Translation } from '../../i18n/index.ts';
import type { View } from '../screen.ts';
import { button, type MaskActions, type MaskState, message } from './parts.ts';

function clock(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at);
}

export function renderLimited(
  until: number | undefined,
  back: View,
  now: number,
  state: MaskState,
  t: Translation,
  on: MaskActions,
): TemplateResult {
  if (until !== undefined && until <= now) {
    return message(
      state,
      t,
      on,
      t.limitedOverTitle,
      t.limitedOver,
      button(state, t.goOn, () => on.go(back), true),
    );
  }
  const text =
    until === undefined
      ? t.limitedTextUnknown
      : t.limitedText(clock(until, state.locale), Math.ceil((until - now) / 60_000));
  return message(state, t, on, t.limitedTitle, text);
}
