/**
 * The modal of `<tour-gate>`: registration form, outcome screens and link screens. Loaded as a
 * separate chunk when it is first needed. Internal: pages talk to `<tour-gate>`, never to this.
 *
 * Why not `<dialog>.showModal()`: its top layer sits above everything, including hCaptcha's
 * challenge, which hCaptcha appends to `document.body` — the visitor could not solve it. So
 * this is a fixed layer below the challenge, with the modal behaviour done by hand: focus moves
 * in, Tab wraps around (sentinels at both ends), Escape closes, and `aria-modal` tells
 * assistive technology to stay inside.
 */
import type { GateConfig, Locale, RegistrationResponse } from '@tour-gate/shared';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { translations } from '../i18n/index.ts';
import {
  type Endpoint,
  errorCode,
  type GateErrorCode,
  GateRequestError,
  requestJson,
  tourUrl,
} from '../internal/api.ts';
import { isNewLinkResponse, isRegistrationResponse } from '../internal/wire.ts';
import { Captcha } from './captcha.ts';
import { renderContact } from './contact.ts';
import { controlId, errorId, fieldError, renderField } from './field.ts';
import { styles } from './gate-mask.styles.ts';
import { interpolate } from './interpolate.ts';
import { CAPTCHA, MARKETING, PRIVACY, placeServerErrors, prepareRegistration, readForm } from './registration.ts';
import { safeUrl } from './safe-url.ts';
import type { Screen } from './screen.ts';

export interface MaskRegisteredDetail {
  status: RegistrationResponse['status'];
}

/** Failures worth a "try again" button: the same request may well succeed a moment later. */
const RETRIABLE: readonly GateErrorCode[] = [
  'NETWORK_ERROR',
  'BAD_RESPONSE',
  'RATE_LIMITED',
  'CAPTCHA_UNAVAILABLE',
  'NOT_READY',
  'INTERNAL',
];

type View = Screen | { kind: 'outcome'; status: RegistrationResponse['status'] };

export class GateMask extends LitElement {
  static override styles = styles;

  static override properties = {
    screen: { attribute: false },
    config: { attribute: false },
    endpoint: { attribute: false },
    locale: { attribute: false },
    viewpoint: { attribute: false },
    captchaScript: { attribute: false },
    captchaContainer: { attribute: false },
    view: { state: true },
    errors: { state: true },
    formError: { state: true },
    sending: { state: true },
  };

  declare screen: Screen;
  declare config: GateConfig | undefined;
  declare endpoint: Endpoint | undefined;
  declare locale: Locale;
  declare viewpoint: string | undefined;
  declare captchaScript: string;
  declare captchaContainer: HTMLElement | undefined;
  /** The screen shown now: starts as `screen`, then moves on by itself. */
  declare private view: View;
  /** Messages per field key (and the consent and captcha controls). */
  declare private errors: Record<string, string>;
  /** A failure of the whole request, shown as an alert. */
  declare private formError: GateErrorCode | undefined;
  declare private sending: boolean;

  constructor() {
    super();
    // Set here rather than as field initializers, which would shadow Lit's accessors.
    this.screen = { kind: 'form' };
    this.locale = 'en';
    this.captchaScript = '';
    this.view = { kind: 'form' };
    this.errors = {};
    this.sending = false;
  }

  #captcha: Captcha | undefined;
  /** hCaptcha's script did not load; tried again only when the visitor asks to. */
  #captchaFailed = false;
  /** Whether the next render should move focus into the new view. */
  #focusPending = true;

  get #t() {
    return translations[this.locale];
  }

  /** A newer server may send a code this widget has no text for yet. */
  #errorText(code: GateErrorCode): string {
    return this.#t.errors[code] ?? this.#t.errors.BAD_RESPONSE;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('screen')) {
      this.view = this.screen;
      this.errors = {};
      this.formError = undefined;
      this.#focusPending = true;
    }
  }

  protected override updated(): void {
    if (this.view.kind === 'form') void this.#mountCaptcha();
    if (!this.#focusPending) return;
    this.#focusPending = false;
    // A form starts at its first control; any other screen at its heading, read out first.
    const target =
      this.view.kind === 'form'
        ? this.renderRoot.querySelector<HTMLElement>('input, select, textarea')
        : this.renderRoot.querySelector<HTMLElement>('[data-screen-title]');
    target?.focus();
  }

  protected override render() {
    const t = this.#t;
    // The sentinels sit outside the dialog: the dialog itself takes focus after a press on plain
    // text, and Tab or Shift+Tab from there must reach a sentinel, not leave or skip the controls.
    return html`<div class="backdrop" part="backdrop" @mousedown=${this.#keepFocus}>
      <span class="sentinel" tabindex="0" @focus=${this.#wrapToEnd}></span>
      <div
        class="dialog"
        part="dialog"
        role="dialog"
        tabindex="-1"
        aria-modal="true"
        lang=${this.locale}
        aria-labelledby="tg-title"
        aria-describedby=${ifDefined(this.view.kind === 'form' ? undefined : 'tg-text')}
        @keydown=${this.#onKeydown}
      >
        <header part="header">
          <h2 id="tg-title" part="title">${this.config?.title ?? t.maskTitle}</h2>
          <button type="button" class="close" part="button close-button" aria-label=${t.close} @click=${this.#close}>
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              <path d="M3 3l10 10M13 3L3 13" stroke="currentColor" stroke-width="2" />
            </svg>
          </button>
        </header>
        <div class="body" part="body">${this.#renderView()}</div>
      </div>
      <span class="sentinel" tabindex="0" @focus=${this.#wrapToStart}></span>
    </div>`;
  }

  #renderView(): TemplateResult {
    const view = this.view;
    const t = this.#t;
    const broker = this.config?.broker.name ?? '';
    switch (view.kind) {
      case 'form':
        return this.#renderForm();
      case 'outcome':
        return view.status === 'check-email'
          ? this.#renderMessage(t.checkEmailTitle, t.checkEmailText(broker))
          : this.#renderMessage(t.awaitingTitle, t.awaitingText(broker));
      case 'link':
        switch (view.code) {
          case 'LINK_EXPIRED':
            return this.#renderMessage(
              t.linkExpiredTitle,
              t.linkExpiredText,
              this.#button(t.newLinkButton, () => this.#requestNewLink(view.token), true),
            );
          case 'ACCESS_DENIED':
            return this.#renderMessage(t.accessDeniedTitle, t.accessDeniedText(broker), undefined, true);
          case 'ACCESS_REVOKED':
            return this.#renderMessage(t.accessRevokedTitle, t.accessRevokedText(broker), undefined, true);
          case 'LINK_REVOKED':
            return this.#renderMessage(t.linkRevokedTitle, t.linkRevokedText, this.#registerAgainButton());
          default: // LINK_INVALID, the last of LINK_CODES
            return this.#renderMessage(t.linkInvalidTitle, t.linkInvalidText, this.#registerAgainButton());
        }
      case 'error': {
        const retry = view.retry;
        return this.#renderMessage(
          t.errorTitle,
          this.#errorText(view.code),
          retry ? this.#button(t.retry, () => retry(), true) : undefined,
        );
      }
    }
  }

  #renderMessage(title: string, text: string, action?: TemplateResult, contact = false): TemplateResult {
    const t = this.#t;
    return html`<h3 part="screen-title" tabindex="-1" data-screen-title>${title}</h3>
      <p id="tg-text" part="screen-text">${text}</p>
      ${contact ? renderContact(this.config?.broker, t) : nothing} ${this.#renderAlert()}
      <div class="actions">${action ?? nothing} ${this.#button(t.close, this.#close, !action)}</div>`;
  }

  #button(label: string, onClick: () => void, primary = false): TemplateResult {
    return html`<button
      type="button"
      part=${primary ? 'button submit-button' : 'button'}
      class=${primary ? 'primary' : ''}
      aria-disabled=${this.sending ? 'true' : 'false'}
      @click=${() => {
        if (!this.sending) onClick();
      }}
    >
      ${label}
    </button>`;
  }

  #registerAgainButton(): TemplateResult | undefined {
    if (!this.config) return undefined;
    return this.#button(this.#t.registerAgain, () => this.#go({ kind: 'form' }), true);
  }

  #renderAlert(): TemplateResult | typeof nothing {
    const code = this.formError;
    if (!code) return nothing;
    return html`<div class="alert" part="alert" role="alert">
      <p>${this.#errorText(code)}</p>
    </div>`;
  }

  #renderForm(): TemplateResult {
    const t = this.#t;
    const config = this.config;
    if (!config) return html``;
    const locale = this.locale;
    const broker = config.broker.name;
    const privacyLink = html`<a href=${ifDefined(safeUrl(config.consent.privacyUrl))} target="_blank" rel="noopener"
      >${t.privacyLink}</a
    >`;
    const termsUrl = safeUrl(config.consent.termsUrl);
    const consentText = termsUrl
      ? interpolate(t.consentPrivacyTerms, {
          broker,
          privacy: privacyLink,
          terms: html`<a href=${termsUrl} target="_blank" rel="noopener">${t.termsLink}</a>`,
        })
      : interpolate(t.consentPrivacy, { broker, privacy: privacyLink });
    const errorCount = Object.keys(this.errors).length;
    const retriable = this.formError && RETRIABLE.includes(this.formError);
    return html`<p part="intro">${config.mode === 'email' ? t.maskIntroEmail(broker) : t.maskIntroManual(broker)}</p>
      <p class="note">${t.requiredNote}</p>
      <form part="form" novalidate aria-busy=${this.sending ? 'true' : 'false'} @submit=${this.#submit}>
        ${config.fields.map((field) => renderField(field, this.errors[field.key], t, locale))}
        ${this.#renderConsent(PRIVACY, consentText, true)}
        ${config.consent.marketing ? this.#renderConsent(MARKETING, [t.consentMarketing(broker)], false) : nothing}
        ${
          config.captcha
            ? html`<div class="captcha" part="captcha" role="group" aria-label=${t.captchaLabel}>
                <slot name="captcha"></slot>
                ${fieldError(CAPTCHA, this.errors[CAPTCHA])}
              </div>`
            : nothing
        }
        <div class="live" role="alert">
          ${errorCount === 1 && this.errors[CAPTCHA] ? this.errors[CAPTCHA] : errorCount ? t.checkFieldsSummary(errorCount) : nothing}
        </div>
        ${this.#renderAlert()}
        <div class="actions">
          ${retriable ? this.#button(t.retry, () => this.#retry()) : nothing}
          <button type="submit" class="primary" part="button submit-button" aria-disabled=${this.sending ? 'true' : 'false'}>
            ${this.sending ? t.sending : t.submit}
          </button>
        </div>
      </form>`;
  }

  #renderConsent(name: string, text: unknown[], required: boolean): TemplateResult {
    const error = this.errors[name];
    return html`<div class="field check" part="consent">
      <input
        id=${controlId(name)}
        name=${name}
        type="checkbox"
        part="control"
        ?required=${required}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${ifDefined(error ? errorId(name) : undefined)}
      /><label for=${controlId(name)} part="label"
        >${text}${required ? html`<span class="required" aria-hidden="true">${this.#t.requiredMarker}</span>` : nothing}</label
      >
      ${fieldError(name, error)}
    </div>`;
  }

  async #mountCaptcha(): Promise<void> {
    const captcha = this.config?.captcha;
    const container = this.captchaContainer;
    if (!captcha || !container || this.#captcha || this.#captchaFailed) return;
    this.#captcha = new Captcha(container);
    try {
      await this.#captcha.mount(this.captchaScript, captcha.siteKey, this.locale, () => {
        // A solved challenge clears the "please solve" message.
        if (this.errors[CAPTCHA]) this.errors = this.#without(CAPTCHA);
      });
    } catch (error) {
      this.#captcha = undefined;
      this.#captchaFailed = true;
      this.formError = errorCode(error);
    }
  }

  #without(key: string): Record<string, string> {
    const { [key]: _removed, ...rest } = this.errors;
    return rest;
  }

  get #form(): HTMLFormElement | null {
    return this.renderRoot.querySelector('form');
  }

  /** "Try again": loads a captcha that failed to load, else sends the form again. */
  #retry(): void {
    if (this.#captchaFailed) {
      this.#captchaFailed = false;
      this.formError = undefined;
      return;
    }
    this.#form?.requestSubmit();
  }

  #submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = this.#form;
    const config = this.config;
    const endpoint = this.endpoint;
    if (this.sending || !form || !config || !endpoint) return;
    const input = readForm(form, config, this.#captcha?.response() ?? '');
    const prepared = prepareRegistration(config, input, { locale: this.locale, viewpoint: this.viewpoint, t: this.#t });
    this.formError = undefined;
    if (prepared.errors) {
      await this.#showErrors(prepared.errors);
      return;
    }
    this.sending = true;
    this.errors = {};
    try {
      const answer = await requestJson(tourUrl(endpoint, 'registrations'), isRegistrationResponse, {
        method: 'POST',
        body: prepared.body,
      });
      this.#emit('mask-registered', { status: answer.status } satisfies MaskRegisteredDetail);
      this.#go({ kind: 'outcome', status: answer.status });
    } catch (error) {
      await this.#showRequestError(error);
    } finally {
      this.sending = false;
      this.#captcha?.reset();
    }
  };

  /** Puts a refused request's reasons where the visitor looks: at the fields, or in an alert. */
  async #showRequestError(error: unknown): Promise<void> {
    const code = errorCode(error);
    this.#emit('mask-error', { code });
    const fields = error instanceof GateRequestError ? error.fields : undefined;
    if (code === 'VALIDATION_FAILED' && fields && this.config) {
      const placed = placeServerErrors(this.config, fields, this.#t);
      if (placed.unplaced) this.formError = code;
      await this.#showErrors(placed.errors);
    } else if (code === 'CAPTCHA_REQUIRED' || code === 'CAPTCHA_FAILED') {
      await this.#showErrors({ [CAPTCHA]: this.#t.errors[code] });
    } else {
      this.formError = code;
    }
  }

  /** Shows messages at their fields and moves focus to the first, so it is read out. */
  async #showErrors(errors: Record<string, string>): Promise<void> {
    this.errors = errors;
    await this.updateComplete;
    const first = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
    // Only the captcha is wrong: its frame takes the focus (the summary reads out why).
    (first ?? this.captchaContainer?.querySelector('iframe'))?.focus();
  }

  async #requestNewLink(token: string): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    this.sending = true;
    this.formError = undefined;
    try {
      await requestJson(tourUrl(endpoint, 'links'), isNewLinkResponse, {
        method: 'POST',
        body: { token, locale: this.locale },
      });
      this.#go({ kind: 'outcome', status: 'check-email' });
    } catch (error) {
      const code = errorCode(error);
      this.#emit('mask-error', { code });
      this.formError = code;
    } finally {
      this.sending = false;
    }
  }

  #go(view: View): void {
    this.view = view;
    this.errors = {};
    this.formError = undefined;
    this.#focusPending = true;
  }

  #emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #close = (): void => {
    this.#emit('mask-close', undefined);
  };

  /**
   * A press on the backdrop would move focus to `<body>`, from where Tab leaves the mask. (A
   * press on plain text inside the dialog focuses the dialog itself, thanks to its tabindex.)
   */
  #keepFocus = (event: MouseEvent): void => {
    if (event.target === event.currentTarget) event.preventDefault();
  };

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.#close();
  };

  #focusables(): HTMLElement[] {
    return [
      ...this.renderRoot.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [tabindex="0"]'),
    ].filter((el) => !el.classList.contains('sentinel') && !(el as HTMLButtonElement).disabled);
  }

  /** Shift+Tab from the first control lands on the leading sentinel: continue at the end. */
  #wrapToEnd = (): void => {
    this.#focusables().at(-1)?.focus();
  };

  /** Tab from the last control lands on the trailing sentinel: continue at the start. */
  #wrapToStart = (): void => {
    this.#focusables()[0]?.focus();
  };
}

customElements.get('tour-gate-mask') ?? customElements.define('tour-gate-mask', GateMask);

declare global {
  interface HTMLElementTagNameMap {
    'tour-gate-mask': GateMask;
  }
}
