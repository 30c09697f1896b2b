import { type GateConfig, isProtected } from '@tour-gate/shared';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import {
  GateCloseEvent,
  GateErrorEvent,
  GateLockedEvent,
  GateOpenEvent,
  GateRegisteredEvent,
  GateUnlockedEvent,
} from './events.ts';
import { GateAccess } from './internal/access.ts';
import { type Endpoint, errorCode, type GateErrorCode, requestJson, tourUrl } from './internal/api.ts';
import { guardClicks, replayClick } from './internal/click-guard.ts';
import { deepActiveElement } from './internal/focus.ts';
import { Funnel } from './internal/funnel.ts';
import { resolveLocale } from './internal/locale.ts';
import { isGateConfig } from './internal/wire.ts';
import type { MaskErrorEvent, MaskRegisteredEvent } from './mask/events.ts';
import type { LinkCode, Screen } from './mask/screen.ts';
import { styles } from './tour-gate.styles.ts';

/** hCaptcha's loader; `captcha-script` replaces it (tests use a local stand-in). */
const HCAPTCHA_SCRIPT = 'https://js.hcaptcha.com/1/api.js';

/**
 * The mask is a separate chunk, fetched when the page is idle after the gate config came in and
 * then prepared for this tour (so the first locked click shows it without a request, and
 * quickly); a page whose config never loads never fetches it. Kept once loaded: an `import()` of
 * a module already there still settles only in a task of its own, which a click's mask would
 * wait for behind the page's next frame (issue 13). A chunk that failed is asked for again.
 */
let mask: typeof import('./mask/gate-mask.ts') | undefined;
const loadMask = async () => (mask ??= await import('./mask/gate-mask.ts'));
/** The cover and the embed notice: loaded for `cover`, or when the gate config can't be had. */
const loadCover = () => import('./cover/cover.ts');
/** The confirmation after an unlock: loaded when it is shown. */
const loadToast = () => import('./toast/toast.ts');

/** Config failures that mean the embed can't work on this page (notice, console line). */
const EMBED_CODES: readonly GateErrorCode[] = ['NETWORK', 'ORIGIN_NOT_ALLOWED', 'TOUR_NOT_FOUND'];
/** A failed gate config load's code: `NETWORK` when the server could not be reached. */
const configCode = (error: unknown): GateErrorCode => {
  const code = errorCode(error);
  return code === 'NETWORK_ERROR' ? 'NETWORK' : code;
};

/**
 * Protects the viewpoints of a virtual tour: a click on a locked `[data-gate-viewpoint]` opens a
 * registration mask; the unlock link from the mail opens every viewpoint, in every tab.
 *
 * @summary Access gate for a virtual property tour.
 *
 * @attr lang - Language of the mask (`de`, `en`); without it the page's `<html lang>`, then English.
 * @attr cover - Protects the whole tour: a cover over the element's children (a placeholder) instead of the tour; after unlock an `<iframe>` of the tour's `embedUrl`.
 *
 * @slot captcha - Used by the gate itself: hCaptcha's widget lives in the light DOM, where its challenge works.
 *
 * @event {GateLockedEvent} gate-locked - A locked viewpoint was requested (`detail.viewpoint`). Cancelable: `preventDefault()` keeps the mask closed.
 * @event {GateOpenEvent} gate-open - The mask or a link screen was shown.
 * @event {GateCloseEvent} gate-close - The mask was closed.
 * @event {GateRegisteredEvent} gate-registered - The server accepted a registration (`detail.mode`, `detail.status`).
 * @event {GateUnlockedEvent} gate-unlocked - The tour was unlocked: by a link, or by another tab (`detail.viewpoint`: the one the link names). Read `unlocked` for the state at load. Cancelable: `preventDefault()` keeps the confirmation from showing.
 * @event {GateErrorEvent} gate-error - Something failed (`detail.code`: a shared error code, `NETWORK_ERROR` or `BAD_RESPONSE`; the gate config: `ORIGIN_NOT_ALLOWED`, `TOUR_NOT_FOUND` or `NETWORK`).
 *
 * @csspart backdrop - The dimmed layer behind the mask.
 * @csspart dialog - The mask's box.
 * @csspart header - Title row with the close button.
 * @csspart title - The mask's heading.
 * @csspart close-button - The × button.
 * @csspart body - Everything below the header.
 * @csspart intro - The sentence above the form.
 * @csspart form - The registration `<form>`.
 * @csspart field - One field: label, control and message.
 * @csspart label - A field's label.
 * @csspart control - A field's `<input>`, `<select>` or `<textarea>`.
 * @csspart field-error - The message under an invalid field.
 * @csspart consent - A consent checkbox with its text.
 * @csspart captcha - The box around hCaptcha's widget.
 * @csspart alert - A message about the whole form (network error, server refusal).
 * @csspart button - Every button of the mask.
 * @csspart submit-button - The send button.
 * @csspart screen-title - Heading of an outcome or link screen.
 * @csspart screen-text - Text of an outcome or link screen.
 * @csspart contact - The broker's contact data.
 * @csspart toast - The confirmation after an unlock ("Alle Räume sind jetzt freigeschaltet.").
 * @csspart toast-text - Its sentence (a `role="status"` region).
 * @csspart toast-close - Its ✕ button.
 *
 * @cssproperty --tour-gate-accent - Buttons, focus rings, links. Default `#1f5fbf`.
 * @cssproperty --tour-gate-accent-contrast - Text on the accent colour. Default `#fff`.
 * @cssproperty --tour-gate-surface - Background of the mask. Default `#fff`.
 * @cssproperty --tour-gate-text - Text colour. Default `#1b1b1f`.
 * @cssproperty --tour-gate-muted - Secondary text and borders. Default `#5c5f66`.
 * @cssproperty --tour-gate-danger - Error messages and invalid fields. Default `#b3261e`.
 * @cssproperty --tour-gate-backdrop - Colour of the backdrop. Default `rgb(0 0 0 / 0.55)`.
 * @cssproperty --tour-gate-radius - Corner radius of the mask and its controls. Default `0.5rem`.
 * @cssproperty --tour-gate-font - Font family. Default: inherited from the page.
 * @cssproperty --tour-gate-width - Largest width of the mask. Default `32rem`.
 * @cssproperty --tour-gate-z-index - Stacking level of the mask; keep it below hCaptcha's challenge. Default `100000`.
 */
export class TourGate extends LitElement {
  static override styles = styles;

  static override properties = {
    server: { type: String },
    tour: { type: String },
    captchaScript: { type: String, attribute: 'captcha-script' },
    screen: { state: true },
  };

  // Reactive properties are `declare`d and set in the constructor: a class field initializer
  // would shadow Lit's accessors wherever a tool compiles with `useDefineForClassFields: true`.

  /** Base URL of the gate server, like `https://gate.example.com`. */
  declare server: string;
  /** The tour's id in the gate server's configuration. */
  declare tour: string;
  /** URL of hCaptcha's loader script; only for tests and self-hosting. */
  declare captchaScript: string;
  /** What the mask shows; `undefined` while it is closed. */
  declare private screen: Screen | undefined;

  #endpoint: Endpoint | undefined;
  #config: Promise<GateConfig> | undefined;
  #configValue: GateConfig | undefined;
  #viewpoint: string | undefined;
  #returnFocus: HTMLElement | undefined;
  #captchaContainer: HTMLElement | undefined;
  #stopGuard: (() => void) | undefined;
  #access = new GateAccess({
    unlocked: (viewpoint) => {
      if (this.screen) this.close();
      // The confirmation, unless a listener cancelled it; a chunk that doesn't load (offline) is
      // no confirmation and no unhandled rejection (`Boolean` takes the error and drops it).
      if (this.dispatchEvent(new GateUnlockedEvent(viewpoint)))
        void loadToast().then((m) => m.showToast(this), Boolean);
    },
    linkFailed: (code, token) => this.#showLinkError(code, token),
    // Withdrawn (found on load, on renewal, or by another tab): said at once, with the contact.
    lost: (code) => (code === 'ACCESS_REVOKED' ? this.#showLinkError(code, '') : this.#emitError(code)),
  });
  #parts = '';
  #funnel = new Funnel(() => this.#endpoint && tourUrl(this.#endpoint, 'events'));

  constructor() {
    super();
    this.server = '';
    this.tour = '';
    this.captchaScript = HCAPTCHA_SCRIPT;
  }

  /** Whether the tour is unlocked in this browser (an access token that has not run out). */
  get unlocked(): boolean {
    return this.#access.current !== undefined;
  }

  /** The access token for the viewer's own requests (`Authorization: Bearer …`); undefined while locked. */
  get accessToken(): string | undefined {
    return this.#access.current?.accessToken;
  }

  /**
   * The viewpoint the unlock link of this page names (`#tour-gate-viewpoint=…`, what the visitor
   * asked for), undefined without one. Set as the link is taken from the address bar, whether it
   * works or not: read it with `unlocked`, say after `await guard(…)`, in a script that may start
   * after `gate-unlocked` has gone by. The viewer adapters go there.
   */
  get linkViewpoint(): string | undefined {
    return this.#access.viewpoint;
  }

  /** Whether a click on this viewpoint goes through now. Locked while the gate config is still loading. */
  isUnlocked(viewpointId: string): boolean {
    if (this.unlocked) return true;
    return this.#configValue ? !isProtected(this.#configValue.viewpoints, viewpointId) : false;
  }

  /**
   * Asks before showing a viewpoint: `true` to go on now, `false` when it is locked (the mask is
   * then shown unless a `gate-locked` listener cancelled it). For viewers that switch scenes
   * in script rather than through clicks. Waits for an unlock link being redeemed, and while
   * unlocked for a fresh asset grant, so `assetUrl()` works right after a `true`. When the gate
   * config does not load, it resolves once the visitor has retried (with that answer) or closed
   * the error screen (`false`).
   */
  async guard(viewpointId: string): Promise<boolean> {
    await this.#access.settled();
    if (this.unlocked) {
      this.#funnel.count('viewpoint-view', viewpointId);
      return true;
    }
    const returnFocus = deepActiveElement();
    // A viewer adapter may ask before the element's first update has read its attributes.
    if (!this.#endpoint && this.isConnected) await this.updateComplete;
    let config: GateConfig;
    try {
      config = await this.#loadConfig();
    } catch (error) {
      return new Promise((resolve) =>
        this.#fail(
          error,
          () => resolve(this.guard(viewpointId)),
          returnFocus,
          () => resolve(this.isUnlocked(viewpointId)),
        ),
      );
    }
    if (this.unlocked || !isProtected(config.viewpoints, viewpointId)) {
      this.#funnel.count('viewpoint-view', viewpointId);
      return true;
    }
    this.#locked(viewpointId, returnFocus);
    return false;
  }

  /**
   * URL of a protected file of this tour (`GET {server}/v1/tours/{tour}/assets/{path}`) that an
   * `<img>` or a viewer's texture loader can fetch without headers: signed with the short-lived
   * grant the server hands out with the access (renewed in the background before it runs out).
   * Undefined while locked or without a valid grant; `await guard(id)` first to be sure of one.
   */
  assetUrl(path: string): string | undefined {
    const query = this.#access.assetQuery();
    if (!query || !this.#endpoint) return undefined;
    // Dot segments would let the URL parser climb out of the tour's asset folder.
    const clean = path
      .split('/')
      .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
      .map(encodeURIComponent)
      .join('/');
    return `${tourUrl(this.#endpoint, `assets/${clean}`)}?${query}`;
  }

  /** Opens the registration mask. */
  async open(): Promise<void> {
    await this.#show({ kind: 'form' }, deepActiveElement());
  }

  /** Closes the mask and gives focus back to where it was. */
  close(): void {
    this.shadowRoot?.querySelector('dialog')?.close();
    if (!this.screen) return;
    this.screen = undefined;
    // Removes the mask now, whose modal controller gives the focus back as it leaves: code
    // right after `close()` (a retry that opens the mask again, say) finds the focus outside.
    this.performUpdate();
    this.dispatchEvent(new GateCloseEvent());
  }

  // `lang` is a global attribute with a native property; declaring it as a Lit property would
  // shadow that. It is only observed, so the mask follows a page that switches language.
  static override get observedAttributes(): string[] {
    // biome-ignore lint/complexity/noThisInStatic: Lit computes the list for the class it is called on; `LitElement.observedAttributes` would be LitElement's.
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopGuard = guardClicks(this.#onViewpointClick);
    window.addEventListener('pagehide', this.#flushFunnel);
    // Moved in the page: pick up where it left off.
    this.#access.resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopGuard?.();
    this.#stopGuard = undefined;
    this.#access.pause();
    window.removeEventListener('pagehide', this.#flushFunnel);
    this.#funnel.flush();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('server') || changed.has('tour')) && this.server && this.tour) this.#start();
  }

  protected override render() {
    const screen = this.screen;
    const config = this.#configValue;
    if (!screen || !this.#endpoint) return nothing;
    return html`<tour-gate-mask
      exportparts=${this.#parts}
      .screen=${screen}
      .config=${config}
      .endpoint=${this.#endpoint}
      .locale=${resolveLocale(this.getAttribute('lang'))}
      .viewpoint=${this.#viewpoint}
      .captchaScript=${this.captchaScript}
      .captchaContainer=${this.#captchaContainer}
      .returnFocus=${this.#returnFocus}
      @mask-close=${this.close}
      @mask-registered=${this.#onRegistered}
      @mask-error=${this.#onMaskError}
      ><slot name="captcha" slot="captcha"></slot
    ></tour-gate-mask>`;
  }

  /** (Re)starts everything that depends on server and tour. */
  #start(): void {
    this.#endpoint = { server: this.server.replace(/\/+$/, ''), tour: this.tour };
    this.#config = undefined;
    this.#configValue = undefined;
    const endpoint = this.#endpoint;
    this.#loadConfig().then(
      (config) => {
        // One anonymous tour view per page (and tour) for the broker's statistics.
        this.#funnel.count('tour-view');
        (window.requestIdleCallback ?? setTimeout)(
          () =>
            void loadMask()
              .then((m) => m.GateMask.prepare(config, resolveLocale(this.getAttribute('lang')), this))
              .catch(() => {}),
        );
      },
      (error: unknown) => {
        const code = configCode(error);
        this.#emitError(code);
        // One line for whoever builds the page: which origin, and where to allow it.
        if (EMBED_CODES.includes(code)) {
          void loadCover().then((m) => m.logEmbedError(code as 'NETWORK', endpoint));
        }
      },
    );
    if (this.hasAttribute('cover')) {
      void loadCover().then((m) =>
        m.attachCover(
          this,
          endpoint,
          () => this.#loadConfig(),
          (focus) => this.#locked(undefined, focus),
        ),
      );
    }

    this.#access.start(endpoint);
  }

  /** The gate config, fetched once per server and tour; a failed load is tried again on the next call. */
  #loadConfig(): Promise<GateConfig> {
    const endpoint = this.#endpoint;
    if (!endpoint) return Promise.reject(Error('no server or tour'));
    this.#config ??= requestJson(tourUrl(endpoint, 'gate'), isGateConfig).then(
      (config) => {
        if (endpoint === this.#endpoint) this.#configValue = config;
        return config;
      },
      (error: unknown) => {
        if (endpoint === this.#endpoint) this.#config = undefined;
        throw error;
      },
    );
    return this.#config;
  }

  #onViewpointClick = (viewpoint: string, element: Element): boolean => {
    if (this.isUnlocked(viewpoint)) {
      this.#funnel.count('viewpoint-view', viewpoint);
      return false;
    }
    const focus = element instanceof HTMLElement ? element : undefined;
    if (this.#configValue && !this.#access.pending) {
      this.#locked(viewpoint, focus);
      return true;
    }
    // Not known yet whether this viewpoint is protected, or an unlock link is being redeemed:
    // hold the click, and replay it once it turns out free. Failing open here would hand out
    // protected rooms on a slow network.
    Promise.all([this.#access.pending, this.#loadConfig()]).then(
      () => {
        if (this.isUnlocked(viewpoint)) replayClick(element);
        else this.#locked(viewpoint, focus);
      },
      (error: unknown) => this.#fail(error, () => replayClick(element), focus),
    );
    return true;
  };

  #locked(viewpoint: string | undefined, returnFocus: HTMLElement | undefined): void {
    this.#funnel.count('locked-click', viewpoint);
    if (!this.dispatchEvent(new GateLockedEvent(viewpoint))) return;
    void this.#show({ kind: 'form' }, returnFocus, viewpoint);
  }

  async #show(screen: Screen, returnFocus: HTMLElement | undefined, viewpoint?: string): Promise<void> {
    if (screen.kind === 'form') {
      try {
        await this.#loadConfig();
      } catch (error) {
        this.#fail(error, () => void this.#show(screen, returnFocus, viewpoint), returnFocus);
        return;
      }
    } else {
      // Link and error screens do without the config (they only lack the broker's name), so
      // they wait for a load under way but never start one.
      await this.#config?.catch(() => undefined);
    }
    try {
      this.#parts = (await loadMask()).MASK_PARTS;
    } catch {
      // The chunk itself did not load (offline, or a deploy replaced it): nothing to show it with.
      this.#emitError('NETWORK_ERROR');
      return;
    }
    // Unlocked while waiting (an unlock link redeemed meanwhile): nothing to ask for any more.
    if (viewpoint !== undefined && this.isUnlocked(viewpoint)) return;
    if (!this.screen) this.#returnFocus = returnFocus;
    this.#viewpoint = viewpoint;
    if (this.#configValue?.captcha && !this.#captchaContainer) {
      // hCaptcha must render into the light DOM: its challenge breaks inside a shadow root.
      const container = document.createElement('div');
      container.slot = 'captcha';
      this.#captchaContainer = this.appendChild(container);
    }
    const wasOpen = this.screen !== undefined;
    this.screen = screen;
    if (screen.kind === 'form' && !wasOpen) this.#funnel.count('mask-shown', viewpoint);
    if (!wasOpen) {
      await this.updateComplete;
      this.dispatchEvent(new GateOpenEvent());
    }
  }

  /**
   * Shows a failure; its retry closes the error screen first, then does again what failed.
   * `dismissed` runs when the mask closes some other way.
   */
  #fail(error: unknown, retry: () => void, returnFocus?: HTMLElement, dismissed?: () => void): void {
    const code = configCode(error);
    this.#emitError(code);
    let retried = false;
    const again = () => {
      retried = true;
      this.close();
      retry();
    };
    if (dismissed) this.addEventListener('gate-close', () => retried || dismissed(), { once: true });
    // The embed can't work here: a true sentence, not the mask (and "try again" if the server was away).
    if (EMBED_CODES.includes(code)) {
      void loadCover().then((m) => m.showNotice(this, code === 'NETWORK' ? again : undefined));
      return;
    }
    void this.#show({ kind: 'error', code, retry: again }, returnFocus ?? deepActiveElement());
  }

  #emitError(code: GateErrorCode): void {
    this.dispatchEvent(new GateErrorEvent(code));
  }

  #showLinkError(code: GateErrorCode, token: string): void {
    this.#emitError(code);
    // The link codes of mask/screen.ts (LINK_*, ACCESS_DENIED, ACCESS_REVOKED) without importing
    // it: that module goes with the mask chunk, not up front.
    const screen: Screen = /^LINK_|^ACCESS_(DE|RE)/.test(code)
      ? { kind: 'link', code: code as LinkCode, token }
      : { kind: 'error', code, retry: () => void this.#access.unlock(token) };
    void this.#show(screen, deepActiveElement());
  }

  #flushFunnel = (): void => this.#funnel.flush();

  #onRegistered(event: MaskRegisteredEvent): void {
    const mode = this.#configValue?.mode ?? 'email';
    this.dispatchEvent(new GateRegisteredEvent(mode, event.status));
  }

  #onMaskError(event: MaskErrorEvent): void {
    this.#emitError(event.code);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tour-gate': TourGate;
  }
}
