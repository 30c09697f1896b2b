/**
 * The modal of `<tour-gate>`: registration form, outcome screens and link screens. Loaded as a
 * separate chunk when it is first needed. Internal: pages talk to `<tour-gate>`, never to this.
 *
 * Why not `<dialog>.showModal()`: its top layer sits above everything, including hCaptcha's
 * challenge, which hCaptcha appends to `document.body` — the visitor could not solve it. So
 * this is a fixed layer below the challenge, with the modal behaviour done by hand
 * (`ModalController`) and `aria-modal` telling assistive technology to stay inside.
 *
 * The parts, after the way Shoelace splits its dialog: `ModalController` (focus in, Tab wraps,
 * Escape, focus back), `FormController` (messages, sending, hCaptcha, the requests), one
 * render function per screen in `screens/`, and the events in `events.ts` that tell
 * `<tour-gate>` what happened. This element only holds which screen is shown.
 */
import type { GateConfig, Locale, MessageResponse, RepeatResponse } from '@tour-gate/shared';
import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { loadedTranslation, loadTranslation, type Translation } from '../i18n/index.ts';
import type { Endpoint, GateErrorCode } from '../internal/api.ts';
import { isNewLinkResponse } from '../internal/wire-mask.ts';
import { MaskCloseEvent, MaskErrorEvent } from './events.ts';
import { FormController } from './form-controller.ts';
import { styles } from './gate-mask.styles.ts';
import { memoryOf, restoreValues, saveValues } from './memory.ts';
import { ModalController } from './modal.ts';
import { clearRequest, readRequest, writeRequest } from './request-store.ts';
import type { Screen, View } from './screen.ts';

// `<tour-gate>` forwards these parts once it has loaded this chunk (the list stays out of widget.js).
export { MASK_PARTS } from './screen.ts';

import { renderAskLink } from './screens/ask-link.ts';
import { renderError } from './screens/error.ts';
import { renderForm } from './screens/form.ts';
import { renderFrame } from './screens/frame.ts';
import { renderLimited } from './screens/limited.ts';
import { renderLink } from './screens/link.ts';
import { renderOutcome } from './screens/outcome.ts';
import { type MaskActions, type MaskState, message } from './screens/parts.ts';
import { MESSAGE, renderDenied, renderPending, renderReleased, renderRevoked } from './screens/returning.ts';

// The answers only the mask reads, checked here rather than in `internal/wire.ts` (up front).
const isMessageAdded = (v: unknown): v is MessageResponse => (v as MessageResponse | null)?.status === 'message-added';
const isRepeatAnswer = (v: unknown): v is RepeatResponse =>
  (v as RepeatResponse | null)?.status === 'awaiting-approval' && typeof (v as RepeatResponse).request === 'string';

export class GateMask extends LitElement {
  static override styles = styles;

  /**
   * Does at idle what the first drawing of this tour's mask would do on the visitor's click and
   * needs no click for: loads the language, names the countries, and has a mask of its own go
   * through its whole first update where the real one will be (in `gate`'s shadow root), laid
   * out and taken out again in the same task, so the page never shows it. Lit has then parsed the
   * form's templates, the engine has compiled the code of the update (the element's and its
   * controllers' as well as the drawing's), the stylesheet is built, and the fonts of the mask's
   * texts are loaded and measured. `<tour-gate>` calls this once it has preloaded the chunk.
   */
  static async prepare(config: GateConfig, locale: Locale, gate: LitElement): Promise<void> {
    const mask = new GateMask();
    // Without the broker's logo: preparing loads nothing (and without a captcha container, no
    // hCaptcha). Inert: its update's focus goes nowhere, the page keeps its own.
    mask.config = { ...config, broker: { name: config.broker.name } };
    mask.locale = locale;
    mask.inert = true;
    await loadTranslation(locale);
    gate.renderRoot.appendChild(mask);
    mask.performUpdate();
    void mask.offsetWidth;
    mask.remove();
  }

  static override properties = {
    screen: { attribute: false },
    config: { attribute: false },
    endpoint: { attribute: false },
    locale: { attribute: false },
    viewpoint: { attribute: false },
    captchaScript: { attribute: false },
    captchaContainer: { attribute: false },
    returnFocus: { attribute: false },
    view: { state: true },
  };

  declare screen: Screen;
  declare config: GateConfig | undefined;
  declare endpoint: Endpoint | undefined;
  declare locale: Locale;
  declare viewpoint: string | undefined;
  declare captchaScript: string;
  declare captchaContainer: HTMLElement | undefined;
  /** Gets the focus back when the mask closes. */
  declare returnFocus: HTMLElement | undefined;
  /** The screen shown now: starts as `screen`, then moves on by itself. */
  declare private view: View;

  constructor() {
    super();
    // Set here rather than as field initializers, which would shadow Lit's accessors.
    this.screen = { kind: 'form' };
    this.locale = 'en';
    this.captchaScript = '';
    this.view = { kind: 'form' };
  }

  readonly #modal = new ModalController(this, {
    // A form starts at its first control; any other screen at its heading, read out first.
    initialFocus: () =>
      this.renderRoot.querySelector<HTMLElement>(
        this.view.kind === 'form' ? 'input, select, textarea' : '[data-screen-title]',
      ),
    returnFocus: () => this.returnFocus,
    requestClose: () => this.#close(),
  });

  readonly #form = new FormController(this, {
    sent: (status, email, registered) => {
      // What a returning visitor is shown next time: pending, or the link sent.
      if (registered) writeRequest(this.endpoint, { state: status, request: registered.request });
      const from = this.view.kind;
      const back = from === 'form' || from === 'ask-link' ? { kind: from } : undefined;
      this.#go({ kind: 'outcome', status, email, back });
    },
    limited: (seconds) => {
      const until = seconds === undefined ? undefined : Date.now() + seconds * 1000;
      this.#memory.limitedUntil = until;
      this.#go({
        kind: 'limited',
        until,
        // Back to where the visitor was: the form, the address, the pending or denied screen.
        back: this.view,
      });
    },
  });

  readonly #actions: MaskActions = {
    close: () => this.#close(),
    submit: this.#form.submit,
    retry: this.#form.retry,
    newLink: this.#form.newLink,
    registerAgain: () => this.#go({ kind: 'form' }),
    askLink: this.#form.askLink,
    go: (view) => this.#go(view),
    addMessage: (event) => {
      event.preventDefault();
      const view = this.view;
      const message = this.#typed(MESSAGE);
      if (view.kind !== 'pending' || !view.record.request) return;
      if (!message) {
        void this.#form.showErrors({ [MESSAGE]: this.t.fieldErrors.required });
        return;
      }
      void this.#form.send(
        'messages',
        isMessageAdded,
        { request: view.record.request, message, locale: this.locale },
        () => {
          delete this.#memory.values[MESSAGE];
          this.#go({ kind: 'done', what: 'message' });
        },
        (code) => code === 'REQUEST_INVALID' && this.#forget(code),
      );
    },
    resend: () => {
      const view = this.view;
      const request = view.kind === 'pending' ? view.record.request : undefined;
      // Without a handle (or with one the server no longer knows), the address is asked for.
      if (!request) return this.#go({ kind: 'ask-link' });
      void this.#form.send(
        'links',
        isNewLinkResponse,
        { request, ...this.#form.landing() },
        () => this.#go({ kind: 'done', what: 'resent' }),
        (code) => {
          if (code !== 'REQUEST_INVALID') return false;
          this.#go({ kind: 'ask-link' });
          return true;
        },
      );
    },
    repeat: (event) => {
      event.preventDefault();
      const view = this.view;
      if (view.kind !== 'denied' || !view.record.token) return;
      const message = this.#typed(MESSAGE);
      void this.#form.send(
        'repeat-requests',
        isRepeatAnswer,
        { token: view.record.token, ...(message ? { message } : {}), ...this.#form.landing() },
        (answer) => {
          delete this.#memory.values[MESSAGE];
          this.#go({
            kind: 'pending',
            record: writeRequest(this.endpoint, { state: answer.status, request: answer.request }),
          });
        },
        (code) => this.#repeatRefused(code),
      );
    },
  };

  /** A returning visitor's screen, from what this browser holds; undefined: the form. */
  #returning(): View | undefined {
    const record = readRequest(this.endpoint);
    switch (record?.state) {
      case 'awaiting-approval':
        return { kind: 'pending', record };
      case 'check-email':
        return { kind: 'released', record };
      case 'denied':
        return { kind: 'denied', record, repeat: !!record.token && this.config?.repeatRequests !== false };
      case 'revoked':
        return { kind: 'revoked' };
      default:
        return undefined;
    }
  }

  /** A redeemed link or the server said denied or withdrawn: kept, so the next visit says so too. */
  #learn(code: 'ACCESS_DENIED' | 'ACCESS_REVOKED', token: string): View {
    if (code === 'ACCESS_REVOKED') {
      writeRequest(this.endpoint, { state: 'revoked' });
      return { kind: 'revoked' };
    }
    const record = writeRequest(this.endpoint, { state: 'denied', token: token || undefined });
    return { kind: 'denied', record, repeat: !!token && this.config?.repeatRequests !== false };
  }

  /** "Ask again" was refused: each reason moves to the screen that says where things stand. */
  #repeatRefused(code: GateErrorCode): boolean {
    switch (code) {
      case 'REPEAT_NOT_ALLOWED':
        // Said once, next to the denial; the button that can't help is gone.
        this.#go({ kind: 'denied', record: writeRequest(this.endpoint, { state: 'denied' }), repeat: false });
        this.#form.fail(code);
        return true;
      case 'ACCESS_PENDING':
        this.#go({ kind: 'pending', record: writeRequest(this.endpoint, { state: 'awaiting-approval' }) });
        return true;
      case 'ALREADY_DECIDED':
        // Access was given meanwhile: a new link to the address, which is all that's missing.
        clearRequest(this.endpoint);
        this.#go({ kind: 'ask-link' });
        return true;
      case 'ACCESS_REVOKED':
        this.#go(this.#learn(code, ''));
        return true;
      default:
        return false;
    }
  }

  /** The server no longer knows the request: forgotten here too, and the form says why. */
  #forget(code: GateErrorCode): true {
    clearRequest(this.endpoint);
    this.#go({ kind: 'form' });
    this.#form.fail(code);
    return true;
  }

  /** The trimmed text of a control on screen. */
  #typed(name: string): string {
    return (this.renderRoot.querySelector<HTMLTextAreaElement>(`[name="${name}"]`)?.value ?? '').trim();
  }

  /** The form whose controls got the remembered values; a new form element gets them again. */
  #restored: HTMLFormElement | undefined;
  /** Re-renders a `limited` screen once its wait is over. */
  #waitTimer: ReturnType<typeof setTimeout> | undefined;

  #t: Translation | undefined;

  /** The texts in the mask's language; the ones on screen while another language loads. */
  get t(): Translation {
    return loadedTranslation(this.locale) ?? (this.#t as Translation);
  }

  /**
   * Each render waits for its language's chunk (one per language: a visitor loads one). The
   * first drawing leaves most countries out (`optionsOf`); they are drawn in the same update a
   * frame later, once the mask is on screen, so `updateComplete` means the whole mask.
   */
  protected override async scheduleUpdate(): Promise<void> {
    try {
      this.#t = await loadTranslation(this.locale);
    } catch {
      if (!this.#t) {
        // Nothing to say anything with (offline): as when the mask's own chunk fails.
        this.dispatchEvent(new MaskErrorEvent('NETWORK_ERROR'));
        this.#close();
        return;
      }
    }
    const first = !this.hasUpdated;
    super.scheduleUpdate();
    if (first) {
      // A task queued from an animation frame runs once that frame is drawn.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
      this.requestUpdate();
      super.scheduleUpdate();
    }
  }

  /** What this gate's mask remembers between openings (values typed, a wait). */
  get #memory() {
    return memoryOf(this.endpoint);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Every keystroke and choice goes to memory: closing the mask keeps what was typed.
    this.renderRoot.addEventListener('input', this.#remember);
    this.renderRoot.addEventListener('change', this.#remember);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#waitTimer);
  }

  #remember = (event: Event): void => {
    const target = event.target as HTMLInputElement;
    const form = target.closest?.('form');
    if (form) saveValues(form, this.#memory.values);
    // Another country: the postal code field's keyboard follows.
    if (target.name === 'country') this.requestUpdate();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('screen')) {
      // While the server asks to wait, a form would only be refused again: the wait screen instead.
      const until = this.#memory.limitedUntil;
      const screen = this.screen;
      if (screen.kind === 'form' && until !== undefined && until > Date.now()) {
        this.#go({ kind: 'limited', until, back: this.#returning() ?? screen });
      } else if (screen.kind === 'form') this.#go(this.#returning() ?? screen);
      else if (screen.kind === 'link' && (screen.code === 'ACCESS_DENIED' || screen.code === 'ACCESS_REVOKED')) {
        this.#go(this.#learn(screen.code, screen.token));
      } else this.#go(screen);
    }
  }

  protected override updated(): void {
    const form = this.renderRoot.querySelector('form') ?? undefined;
    if (form && form !== this.#restored) restoreValues(form, this.#memory.values);
    this.#restored = form;
  }

  protected override render() {
    const view = this.view;
    const t = this.t;
    const form = this.#form;
    const state: MaskState = {
      config: this.config,
      locale: this.locale,
      errors: form.errors,
      formError: form.formError,
      sending: form.sending,
      values: this.#memory.values,
      first: !this.hasUpdated,
    };
    const on = this.#actions;
    let body: TemplateResult;
    switch (view.kind) {
      case 'form':
        body = renderForm(state, t, on);
        break;
      case 'outcome':
        body = renderOutcome(view.status, view.email, view.back, state, t, on);
        break;
      case 'link':
        body = renderLink(view.code, view.token, state, t, on);
        break;
      case 'ask-link':
        body = renderAskLink(state, t, on);
        break;
      case 'limited':
        body = renderLimited(view.until, view.back, Date.now(), state, t, on);
        break;
      case 'pending':
        body = renderPending(view.record, state, t, on);
        break;
      case 'released':
        body = renderReleased(view.record, state, t, on);
        break;
      case 'denied':
        body = renderDenied(view.repeat, state, t, on);
        break;
      case 'revoked':
        body = renderRevoked(state, t, on);
        break;
      case 'done':
        body =
          view.what === 'message'
            ? message(state, t, on, t.messageSentTitle, t.messageSentText(this.config?.broker.name ?? ''))
            : message(state, t, on, t.newLinkSentTitle, t.resentText);
        break;
      default:
        body = renderError(view.code, view.retry, state, t, on);
    }
    return renderFrame(state, t, on, view.kind !== 'form', body);
  }

  /** Shows another screen, without the last one's messages, and moves focus into it. */
  #go(view: View): void {
    this.#saveForm();
    this.view = view;
    this.#form.clear();
    this.#modal.focusIn();
    clearTimeout(this.#waitTimer);
    if (view.kind === 'limited' && view.until !== undefined) {
      // Shown again when the wait is over: new heading (focused, so it is read out) and "Continue".
      this.#waitTimer = setTimeout(() => this.#go(view), Math.max(0, view.until - Date.now()) + 500);
    }
  }

  /** Takes what the form on screen holds into memory (as well as every input does). */
  #saveForm(): void {
    const form = this.renderRoot?.querySelector('form');
    if (form) saveValues(form, this.#memory.values);
  }

  #close(): void {
    this.#saveForm();
    this.dispatchEvent(new MaskCloseEvent());
  }
}

customElements.get('tour-gate-mask') ?? customElements.define('tour-gate-mask', GateMask);

declare global {
  interface HTMLElementTagNameMap {
    'tour-gate-mask': GateMask;
  }
}
