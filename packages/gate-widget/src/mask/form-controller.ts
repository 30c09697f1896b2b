/**
 * The registration form's state and its requests: the messages per control, a failure of the
 * whole request, whether a request is under way, hCaptcha, sending the form and asking for a
 * new link. The values stay in the native controls, which hold them anyway; they are read once
 * per send attempt (`readForm`), not mirrored on every keystroke.
 */
import { type GateConfig, isValidEmail, type Locale, type RegistrationResponse } from '@tour-gate/shared';
import type { ReactiveController, ReactiveElement } from 'lit';
import type { Translation } from '../i18n/index.ts';
import {
  type Endpoint,
  errorCode,
  type GateErrorCode,
  GateRequestError,
  requestJson,
  tourUrl,
} from '../internal/api.ts';
import type { Guard } from '../internal/wire.ts';
import { isNewLinkResponse, isRegistrationResponse } from '../internal/wire-mask.ts';
import { Captcha } from './captcha.ts';
import { MaskErrorEvent, MaskRegisteredEvent } from './events.ts';
import { CAPTCHA, type Messages, placeServerErrors, prepareRegistration, readForm } from './registration.ts';

/** The page the visitor is on, without its fragment (an unlock token never travels back). */
const pageUrl = () => location.href.split('#')[0] ?? '';

/** What the form needs from the element it lives in. */
export interface FormHost extends ReactiveElement {
  readonly config: GateConfig | undefined;
  readonly endpoint: Endpoint | undefined;
  readonly locale: Locale;
  /** The texts in `locale` (or, while they load, the ones on screen). */
  readonly t: Translation;
  readonly viewpoint: string | undefined;
  readonly captchaScript: string;
  readonly captchaContainer: HTMLElement | undefined;
}

/** Where the mask goes once a request of the form went through, or was refused for a while. */
export interface FormOutcomes {
  /**
   * The server took the request; `email` is the address it went to, when the visitor typed one;
   * `registered` for a registration, with the server's handle for it (if it sent one).
   */
  sent(status: RegistrationResponse['status'], email: string | undefined, registered?: { request?: string }): void;
  /** `RATE_LIMITED`: `seconds` to wait, when the server said so. */
  limited(seconds: number | undefined): void;
}

export class FormController implements ReactiveController {
  /** Messages per field key (and the consent and captcha controls). */
  errors: Messages = {};
  /** A failure of the whole request, shown as an alert. */
  formError: GateErrorCode | undefined;
  sending = false;

  readonly #host: FormHost;
  /** Called with the server's answer once a request went through: the mask shows the outcome. */
  readonly #outcomes: FormOutcomes;
  #captcha: Captcha | undefined;
  /** hCaptcha's script did not load; tried again only when the visitor asks to. */
  #captchaFailed = false;

  constructor(host: FormHost, outcomes: FormOutcomes) {
    this.#host = host;
    this.#outcomes = outcomes;
    host.addController(this);
  }

  get #t() {
    return this.#host.t;
  }

  get #form(): HTMLFormElement | null {
    return this.#host.renderRoot.querySelector('form');
  }

  /** Sets state and renders it. */
  #set(state: Partial<Pick<FormController, 'errors' | 'formError' | 'sending'>>): void {
    Object.assign(this, state);
    this.#host.requestUpdate();
  }

  /** Forgets the messages: the mask moved to another screen. */
  clear(): void {
    this.#set({ errors: {}, formError: undefined });
  }

  hostUpdated(): void {
    // The form with a captcha is on screen: hCaptcha renders into the container slotted there.
    if (this.#host.renderRoot.querySelector('slot[name="captcha"]')) void this.#mountCaptcha();
  }

  /** Renders hCaptcha into its light-DOM container (once per container). */
  async #mountCaptcha(): Promise<void> {
    const captcha = this.#host.config?.captcha;
    const container = this.#host.captchaContainer;
    if (!captcha || !container || this.#captcha || this.#captchaFailed) return;
    this.#captcha = new Captcha(container);
    try {
      await this.#captcha.mount(this.#host.captchaScript, captcha.siteKey, this.#host.locale, () => {
        // A solved challenge clears the "please solve" message.
        if (this.errors[CAPTCHA]) {
          const { [CAPTCHA]: _solved, ...rest } = this.errors;
          this.#set({ errors: rest });
        }
      });
    } catch (error) {
      this.#captcha = undefined;
      this.#captchaFailed = true;
      this.#set({ formError: errorCode(error) });
    }
  }

  /** "Try again": loads a captcha that failed to load, else sends the form again. */
  retry = (): void => {
    if (this.#captchaFailed) {
      this.#captchaFailed = false;
      this.#set({ formError: undefined });
      return;
    }
    this.#form?.requestSubmit();
  };

  submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const host = this.#host;
    const form = this.#form;
    const config = host.config;
    const endpoint = host.endpoint;
    if (this.sending || !form || !config || !endpoint) return;
    const input = readForm(form, config, this.#captcha?.response() ?? '');
    const prepared = prepareRegistration(config, input, { locale: host.locale, viewpoint: host.viewpoint, t: this.#t });
    this.#set({ formError: undefined });
    if (prepared.errors) {
      await this.#showErrors(prepared.errors);
      return;
    }
    this.#set({ sending: true, errors: {} });
    try {
      const answer = await requestJson(tourUrl(endpoint, 'registrations'), isRegistrationResponse, {
        method: 'POST',
        body: { ...prepared.body, pageUrl: pageUrl() },
      });
      host.dispatchEvent(new MaskRegisteredEvent(answer.status));
      const email = prepared.body.fields.email;
      // The handle is checked here: the up-front guard lets unknown keys through unchecked.
      const request = typeof answer.request === 'string' ? answer.request : undefined;
      this.#outcomes.sent(answer.status, typeof email === 'string' ? email : undefined, request ? { request } : {});
    } catch (error) {
      await this.#showRequestError(error);
    } finally {
      this.#set({ sending: false });
      this.#captcha?.reset();
    }
  };

  /** Asks for a new unlock link in place of an expired one. */
  newLink = async (token: string): Promise<void> => {
    const endpoint = this.#host.endpoint;
    if (!endpoint) return;
    this.#set({ sending: true, formError: undefined });
    try {
      await requestJson(tourUrl(endpoint, 'links'), isNewLinkResponse, {
        method: 'POST',
        body: { token, ...this.landing() },
      });
      this.#outcomes.sent('check-email', undefined);
    } catch (error) {
      await this.#showRequestError(error);
    } finally {
      this.#set({ sending: false });
    }
  };

  /**
   * Asks for a new unlock link for the address typed in the screen's only field (`email`): for a
   * link that does not work, or one that went to this visitor but was opened elsewhere.
   */
  askLink = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const endpoint = this.#host.endpoint;
    const form = this.#form;
    if (this.sending || !endpoint || !form) return;
    const t = this.#t;
    const email = String((form.elements.namedItem('email') as HTMLInputElement | null)?.value ?? '').trim();
    const captcha = this.#captcha?.response() ?? '';
    const errors: Messages = {};
    if (!email) errors.email = t.fieldErrors.required;
    else if (!isValidEmail(email)) errors.email = t.fieldErrors.invalid_email;
    if (this.#host.config?.captcha && !captcha) errors[CAPTCHA] = t.errors.CAPTCHA_REQUIRED;
    this.#set({ formError: undefined });
    if (Object.keys(errors).length) {
      await this.#showErrors(errors);
      return;
    }
    this.#set({ sending: true, errors: {} });
    try {
      await requestJson(tourUrl(endpoint, 'links'), isNewLinkResponse, {
        method: 'POST',
        body: { email, ...this.landing(), ...(captcha ? { captcha } : {}) },
      });
      this.#outcomes.sent('check-email', email);
    } catch (error) {
      await this.#showRequestError(error);
    } finally {
      this.#set({ sending: false });
      this.#captcha?.reset();
    }
  };

  /**
   * The language of the mail, and where its link should land: this page and the viewpoint the
   * visitor asked for (the server falls back to the tour's page for an origin it does not allow).
   */
  landing(): { locale: Locale; pageUrl: string; viewpoint?: string } {
    const viewpoint = this.#host.viewpoint;
    return { locale: this.#host.locale, pageUrl: pageUrl(), ...(viewpoint ? { viewpoint } : {}) };
  }

  /**
   * One request of a returning visitor's screen: POSTs `body` to the tour's `path`, and hands the answer to `ok`. `refused` may take a refusal over (it
   * returns true when it did); any other one is shown as on the form.
   */
  send = async <T>(
    path: string,
    accept: Guard<T>,
    body: Record<string, unknown>,
    ok: (answer: T) => void,
    refused?: (code: GateErrorCode) => boolean,
  ): Promise<void> => {
    const endpoint = this.#host.endpoint;
    if (this.sending || !endpoint) return;
    this.#set({ sending: true, errors: {}, formError: undefined });
    try {
      ok(await requestJson(tourUrl(endpoint, path), accept, { method: 'POST', body }));
    } catch (error) {
      const code = errorCode(error);
      if (refused?.(code)) this.#host.dispatchEvent(new MaskErrorEvent(code));
      else await this.#showRequestError(error);
    } finally {
      this.#set({ sending: false });
    }
  };

  /** Shows a failure of the whole request (after moving to the screen it belongs on). */
  fail(code: GateErrorCode): void {
    this.#set({ formError: code });
  }

  /** Shows messages a screen found in its own input, at their fields. */
  showErrors = (errors: Messages): Promise<void> => this.#showErrors(errors);

  /** Puts a refused request's reasons where the visitor looks: at the fields, or in an alert. */
  async #showRequestError(error: unknown): Promise<void> {
    const code = errorCode(error);
    this.#host.dispatchEvent(new MaskErrorEvent(code));
    if (code === 'RATE_LIMITED') {
      // Its own screen with the time to wait: a "try again" next to it could only fail again.
      this.#outcomes.limited(error instanceof GateRequestError ? error.retryAfter : undefined);
      return;
    }
    const fields = error instanceof GateRequestError ? error.fields : undefined;
    const config = this.#host.config;
    if (code === 'VALIDATION_FAILED' && fields && config) {
      const placed = placeServerErrors(config, fields, this.#t);
      if (placed.unplaced) this.#set({ formError: code });
      await this.#showErrors(placed.errors);
    } else if (code === 'CAPTCHA_REQUIRED' || code === 'CAPTCHA_FAILED') {
      await this.#showErrors({ [CAPTCHA]: this.#t.errors[code] });
    } else {
      this.#set({ formError: code });
    }
  }

  /** Shows messages at their fields and moves focus to the first, so it is read out. */
  async #showErrors(errors: Messages): Promise<void> {
    this.#set({ errors });
    await this.#host.updateComplete;
    const first = this.#host.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
    // Only the captcha is wrong: its frame takes the focus (the summary reads out why).
    (first ?? this.#host.captchaContainer?.querySelector('iframe'))?.focus();
  }
}
