/**
 * The confirmation after an unlock ("Alle Räume sind jetzt freigeschaltet."), a chunk of its own:
 * `<tour-gate>` loads it only when the tour has just been unlocked and no `gate-unlocked`
 * listener cancelled the event, so it costs a page nothing up front.
 *
 * - Announced: the text goes into a `role="status"` region (polite) a moment after the region is
 *   on the page, so screen readers notice the change.
 * - Never takes the focus; its ✕ button is in the tab order where `<tour-gate>` sits.
 * - Dismissed by ✕ or Escape (anywhere on the page; the key still reaches the page), and gone by
 *   itself after `TOAST_MS` (8 s), unless the pointer is over it or the focus is in it (the time starts
 *   again when they leave).
 * - Themed by the gate's `--tour-gate-*` properties and `tour-gate::part(toast)`,
 *   `::part(toast-text)`, `::part(toast-close)`.
 */
import type { Locale } from '@tour-gate/shared';
import { css, html, LitElement } from 'lit';

/** How long the confirmation stays without hover or focus. */
export const TOAST_MS = 8000;

/**
 * The gate's language as `resolveLocale` picks it (its `lang`, the page's, then English), spelled
 * out like in `cover/cover.ts`: importing the helper makes the bundler move it, and what it
 * imports, out of `widget.js` into a chunk of its own — one more request up front.
 */
const localeOf = (gate: Element): Locale => {
  for (const tag of [gate.getAttribute('lang'), document.documentElement.lang]) {
    const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
};

const strings: Record<Locale, { unlocked: string; close: string }> = {
  de: { unlocked: 'Alle Räume sind jetzt freigeschaltet.', close: 'Hinweis schließen' },
  en: { unlocked: 'All rooms are unlocked now.', close: 'Dismiss' },
};

// At the top: a tour page keeps its viewer's controls and its room buttons at the bottom.
const styles = css`
  .toast {
    position: fixed;
    left: 50%;
    top: 1rem;
    z-index: var(--tour-gate-z-index, 100000);
    box-sizing: border-box;
    width: max-content;
    max-width: calc(100vw - 2rem);
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.25rem 0.25rem 0.25rem 0.75rem;
    border-radius: var(--tour-gate-radius, 0.5rem);
    background: var(--tour-gate-surface, #fff);
    color: var(--tour-gate-text, #1b1b1f);
    font-family: var(--tour-gate-font, inherit);
    font-size: 1rem;
    line-height: 1.4;
    box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.3);
    transform: translateX(-50%);
    animation: in 0.2s ease-out;
  }
  @keyframes in {
    from {
      opacity: 0;
      transform: translate(-50%, -1rem);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .toast {
      animation: none;
    }
  }
  svg.check {
    flex: none;
    color: var(--tour-gate-accent, #1f5fbf);
  }
  p {
    margin: 0;
  }
  button {
    flex: none;
    display: grid;
    place-items: center;
    width: 2.75rem;
    height: 2.75rem;
    padding: 0;
    border: 0;
    border-radius: var(--tour-gate-radius, 0.5rem);
    background: transparent;
    color: var(--tour-gate-muted, #5c5f66);
    cursor: pointer;
  }
  button:hover {
    color: var(--tour-gate-text, #1b1b1f);
  }
  button:focus-visible {
    outline: 3px solid var(--tour-gate-accent, #1f5fbf);
    outline-offset: -3px;
  }
`;

export class GateToast extends LitElement {
  static override styles = styles;
  static override properties = { text: { state: true } };
  /** How long it stays without hover or focus, in ms (`TOAST_MS`; shorter in tests). */
  static duration = TOAST_MS;

  declare private text: string;
  /** The language, from the gate. */
  locale: Locale = 'en';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #hovered = false;
  /** Where the focus came from when it moved into the toast, to give it back on ✕. */
  #cameFrom: Element | null = null;

  constructor() {
    super();
    this.text = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.#onKey);
    // The status region is on the page empty first, then gets its text: a region that comes with
    // its text already in it is not read out by every screen reader.
    setTimeout(() => {
      this.text = strings[this.locale].unlocked;
    }, 100);
    this.#restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.#onKey);
    clearTimeout(this.#timer);
  }

  protected override render() {
    const t = strings[this.locale];
    return html`<div
      class="toast"
      part="toast"
      lang=${this.locale}
      @pointerenter=${() => this.#hover(true)}
      @pointerleave=${() => this.#hover(false)}
      @focusin=${this.#onFocusIn}
      @focusout=${this.#onFocusOut}
    >
      <svg class="check" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
        <path d="M4 10.5l4 4 8-9" fill="none" stroke="currentColor" stroke-width="2.5" />
      </svg>
      <p role="status" aria-live="polite" part="toast-text">${this.text}</p>
      <button type="button" part="toast-close" aria-label=${t.close} @click=${this.dismiss}>
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <path d="M3 3l10 10M13 3L3 13" stroke="currentColor" stroke-width="2" />
        </svg>
      </button>
    </div>`;
  }

  /** Removes the confirmation; the focus, if it was on ✕, goes back where it came from. */
  dismiss(): void {
    const back = this.#cameFrom;
    const focused = this.shadowRoot?.activeElement;
    this.remove();
    if (focused && back instanceof HTMLElement && back.isConnected) back.focus();
  }

  #onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') this.dismiss();
  };

  #hover(on: boolean): void {
    this.#hovered = on;
    this.#restart();
  }

  #onFocusIn = (event: FocusEvent): void => {
    this.#cameFrom ??= event.relatedTarget as Element | null;
    this.#restart();
  };

  #onFocusOut = (): void => {
    // The focus moves on after this event: look once it has.
    setTimeout(() => this.#restart());
  };

  /** The countdown runs only while neither the pointer nor the focus is on the toast. */
  #restart(): void {
    clearTimeout(this.#timer);
    // Gone already (a focusout's late look after ✕), hovered, or focused: no countdown.
    if (!this.isConnected || this.#hovered || this.shadowRoot?.activeElement) return;
    this.#timer = setTimeout(() => this.dismiss(), GateToast.duration);
  }
}

customElements.get('tour-gate-toast') ?? customElements.define('tour-gate-toast', GateToast);

/** Shows the confirmation in the gate's shadow root (one at a time), in the gate's language. */
export function showToast(gate: HTMLElement): GateToast {
  const root = gate.shadowRoot as ShadowRoot;
  root.querySelector('tour-gate-toast')?.remove();
  const toast = document.createElement('tour-gate-toast');
  toast.locale = localeOf(gate);
  toast.setAttribute('exportparts', 'toast, toast-text, toast-close');
  // Before Lit's own content, which it clears when the mask closes.
  root.prepend(toast);
  return toast;
}

declare global {
  interface HTMLElementTagNameMap {
    'tour-gate-toast': GateToast;
  }
}
