/**
 * The mask's frame around every screen: the backdrop, the dialog with its heading and close
 * button, and the two focus sentinels `ModalController` wraps Tab around with.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Translation } from '../../i18n/index.ts';
import { safeUrl } from '../safe-url.ts';
import type { MaskActions, MaskState } from './parts.ts';

/** `describedBy`: whether the screen has a text (`#tg-text`) that describes the dialog. */
export function renderFrame(
  state: MaskState,
  t: Translation,
  on: MaskActions,
  describedBy: boolean,
  body: TemplateResult,
): TemplateResult {
  // The broker's logo (profile, issue 9), decorative: the contact block names the broker.
  const logo = safeUrl(state.config?.broker.logoUrl);
  // The sentinels sit outside the dialog: the dialog itself takes focus after a press on plain
  // text, and Tab or Shift+Tab from there must reach a sentinel, not leave or skip the controls.
  return html`<div class="backdrop" part="backdrop">
    <span class="sentinel" tabindex="0"></span>
    <div
      class="dialog"
      part="dialog"
      role="dialog"
      tabindex="-1"
      aria-modal="true"
      lang=${state.locale}
      aria-labelledby="tg-title"
      aria-describedby=${ifDefined(describedBy ? 'tg-text' : undefined)}
    >
      <header part="header">
        ${logo ? html`<img class="logo" part="logo" src=${logo} alt="" />` : nothing}
        <h2 id="tg-title" part="title">${state.config?.title ?? t.maskTitle}</h2>
        <button type="button" class="close" part="button close-button" aria-label=${t.close} @click=${on.close}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M3 3l10 10M13 3L3 13" stroke="currentColor" stroke-width="2" />
          </svg>
        </button>
      </header>
      <div class="body" part="body">${body}</div>
    </div>
    <span class="sentinel" tabindex="0"></span>
  </div>`;
}
