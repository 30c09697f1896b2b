/**
 * The modal behaviour of the mask, done by hand because the mask is a fixed layer rather than a
 * `<dialog>` in the top layer (which would cover hCaptcha's challenge; see `gate-mask.ts`).
 *
 * While the host is connected it is modal: focus moves in after each render that asked for it
 * (`focusIn()`), Tab and Shift+Tab wrap around through the two `.sentinel` elements the frame
 * renders at both ends, a press on the backdrop keeps the focus where it is, and Escape asks the
 * host to close. When the host leaves the page (the mask closed), focus goes back to where it
 * was before the mask opened. There is no scroll lock: the backdrop covers the page and its
 * `overscroll-behavior` keeps scrolling the mask from scrolling the page.
 */
import type { ReactiveController, ReactiveElement } from 'lit';

/** Escape; a press on the backdrop; focus arriving at a sentinel. */
const EVENTS = ['keydown', 'mousedown', 'focusin'];

export interface ModalOptions {
  /** Where focus goes when the content changes. */
  initialFocus(): HTMLElement | null | undefined;
  /** Where focus goes back to when the modal leaves the page. */
  returnFocus(): HTMLElement | undefined;
  /** Escape was pressed. */
  requestClose(): void;
}

export class ModalController implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #options: ModalOptions;
  #focusPending = true;

  constructor(host: ReactiveElement, options: ModalOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Moves focus in after the next render: the content changed, the old focus may be gone. */
  focusIn(): void {
    this.#focusPending = true;
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    // On the shadow root, where events from inside are not yet retargeted to the host.
    for (const type of EVENTS) this.#host.renderRoot.addEventListener(type, this);
    // Connected again (the page moved `<tour-gate>`): the focus was lost on the way out.
    this.focusIn();
  }

  hostDisconnected(): void {
    for (const type of EVENTS) this.#host.renderRoot.removeEventListener(type, this);
    this.#options.returnFocus()?.focus();
  }

  hostUpdated(): void {
    if (!this.#focusPending) return;
    this.#focusPending = false;
    this.#options.initialFocus()?.focus();
  }

  /** One listener object for the three events of `EVENTS`. */
  handleEvent(event: Event): void {
    const target = event.target as Element;
    if (event.type === 'keydown') {
      if ((event as KeyboardEvent).key !== 'Escape') return;
      event.stopPropagation();
      this.#options.requestClose();
    } else if (event.type === 'mousedown') {
      // A press on the backdrop would move focus to `<body>`, from where Tab leaves the mask. (A
      // press on plain text inside the dialog focuses the dialog itself, thanks to its tabindex.)
      if (target.classList.contains('backdrop')) event.preventDefault();
    } else if (target.classList.contains('sentinel')) {
      // Tab from the last control lands on the trailing sentinel, Shift+Tab from the first on
      // the leading one: continue at the other end. (The first sentinel in the tree leads.)
      const focusables = this.#focusables();
      const leading = this.#host.renderRoot.querySelector('.sentinel') === target;
      (leading ? focusables.at(-1) : focusables[0])?.focus();
    }
  }

  #focusables(): HTMLElement[] {
    return [
      ...this.#host.renderRoot.querySelectorAll<HTMLElement>(
        'button, a[href], input, select, textarea, [tabindex="0"]',
      ),
    ].filter((el) => !el.classList.contains('sentinel') && !(el as HTMLButtonElement).disabled);
  }
}
