/**
 * A lazily loaded chunk for two things a page needs only sometimes:
 *
 * - the embed notice: when the gate config can't be had (the page's origin is not allowed, the
 *   tour is unknown, the server can't be reached), one `console.error` for the broker that says
 *   what to change, and for the visitor a neutral, true sentence instead of the mask;
 * - the cover (`<tour-gate cover>`): a tour embedded as an `<iframe>` from a tour provider is
 *   protected as a whole. The cover shows the tour's title and broker; its button opens the mask;
 *   once unlocked the viewer's address comes from `GET /v1/tours/:tour/embed` (with the access
 *   token), and only then is the `<iframe>` created. The address is never in the page before.
 */
import type { GateConfig } from '@tour-gate/shared';
import { css, html, LitElement, nothing } from 'lit';
import { GateCloseEvent, GateErrorEvent, GateOpenEvent } from '../events.ts';
import { type Endpoint, errorCode, type GateErrorCode, requestJson, tourUrl } from '../internal/api.ts';
import { type CoverStrings, coverStrings } from './strings.ts';

/**
 * What this chunk needs of `<tour-gate>` (not imported: `tour-gate.ts` loads this chunk, and the
 * two would depend on each other).
 */
interface TourGate extends HTMLElement {
  readonly accessToken: string | undefined;
}

/** The codes of an embed that can't work on this page, as `gate-error` reports them. */
export type EmbedErrorCode = 'ORIGIN_NOT_ALLOWED' | 'TOUR_NOT_FOUND' | 'NETWORK';

/**
 * The gate's language as `resolveLocale` picks it (its `lang`, the page's, then English), spelled
 * out: importing the helper would make the bundler split the code this chunk shares with the
 * page's `widget.js` into a file of its own, one more request up front.
 */
const localeOf = (gate: Element): 'de' | 'en' => {
  for (const tag of [gate.getAttribute('lang'), document.documentElement.lang]) {
    const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
};
const stringsOf = (gate: Element): CoverStrings => coverStrings[localeOf(gate)];

/**
 * The one console line for the broker (or whoever builds the page): what failed, for which
 * origin, and where to change it.
 */
export function logEmbedError(code: EmbedErrorCode, endpoint: Endpoint): void {
  const origin = location.origin;
  const tour = `"${endpoint.tour}"`;
  console.error(
    code === 'ORIGIN_NOT_ALLOWED'
      ? `tour-gate: the tour ${tour} on ${endpoint.server} does not allow pages from ${origin}, so the rooms can't be opened here. Allow this origin in the dashboard (the tour's settings → Allowed origins), or add "${origin}" to the tour's "allowedOrigins" in the server's config file.`
      : code === 'TOUR_NOT_FOUND'
        ? `tour-gate: the gate server ${endpoint.server} knows no tour ${tour}. Check the tour attribute of <tour-gate> on ${origin} against the tour ids in the dashboard or in the server's config file.`
        : `tour-gate: the gate server ${endpoint.server} could not be reached from ${origin} (GET ${tourUrl(endpoint, 'gate')} failed). Check the server attribute of <tour-gate>, and that the server is running and reachable from this page.`,
  );
}

const dialogStyles = css`
  dialog {
    box-sizing: border-box;
    max-width: min(28rem, calc(100vw - 2rem));
    padding: 1.25rem;
    border: 0;
    border-radius: var(--tour-gate-radius, 0.5rem);
    background: var(--tour-gate-surface, #fff);
    color: var(--tour-gate-text, #1b1b1f);
    font-family: var(--tour-gate-font, inherit);
    line-height: 1.5;
    box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.3);
  }
  dialog::backdrop {
    background: var(--tour-gate-backdrop, rgb(0 0 0 / 0.55));
  }
  p {
    margin: 0 0 1rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  button {
    min-height: 2.75rem;
    padding: 0.5rem 1rem;
    border: 1px solid var(--tour-gate-accent, #1f5fbf);
    border-radius: var(--tour-gate-radius, 0.5rem);
    background: var(--tour-gate-surface, #fff);
    color: var(--tour-gate-accent, #1f5fbf);
    font: inherit;
    cursor: pointer;
  }
  button.primary {
    background: var(--tour-gate-accent, #1f5fbf);
    color: var(--tour-gate-accent-contrast, #fff);
  }
  button:focus-visible {
    outline: 3px solid var(--tour-gate-accent, #1f5fbf);
    outline-offset: 2px;
  }
`;

/**
 * The embed notice: a modal `<dialog>` in the gate's shadow root with the sentence, a close
 * button and, when the server could not be reached, "try again" (`retry`). Emits `gate-open`,
 * and `gate-close` when it closes without a retry.
 */
export function showNotice(gate: TourGate, retry: (() => void) | undefined): void {
  const root = gate.shadowRoot;
  if (!root || root.querySelector('dialog.tour-gate-notice')) return;
  const t = stringsOf(gate);
  const dialog = document.createElement('dialog');
  dialog.className = 'tour-gate-notice';
  dialog.setAttribute('part', 'notice');
  dialog.setAttribute('aria-labelledby', 'tour-gate-notice-text');
  dialog.lang = localeOf(gate);
  const style = document.createElement('style');
  style.textContent = dialogStyles.cssText;
  const text = document.createElement('p');
  text.id = 'tour-gate-notice-text';
  text.textContent = t.unavailable;
  const actions = document.createElement('div');
  actions.className = 'actions';
  let retried = false;
  const button = (label: string, primary: boolean, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('part', primary ? 'button submit-button' : 'button');
    if (primary) b.className = 'primary';
    b.addEventListener('click', onClick);
    actions.append(b);
  };
  if (retry) {
    button(t.retry, true, () => {
      retried = true;
      dialog.close();
      retry();
    });
  }
  button(t.close, !retry, () => dialog.close());
  dialog.append(style, text, actions);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (!retried) gate.dispatchEvent(new GateCloseEvent());
  });
  root.prepend(dialog);
  dialog.showModal();
  gate.dispatchEvent(new GateOpenEvent());
}

/** What the cover shows. */
type CoverState =
  | { kind: 'loading' }
  | { kind: 'cover'; config: GateConfig }
  | { kind: 'failed'; code: GateErrorCode }
  | { kind: 'tour'; url: string; config: GateConfig | undefined };

/**
 * `<tour-gate-cover>`: lives in the shadow root of a `<tour-gate cover>`, wraps its placeholder
 * (the gate's own children, through a slot) and shows the cover on it, then the tour.
 */
export class TourGateCover extends LitElement {
  static override styles = css`
    :host {
      position: relative;
      display: block;
      width: 100%;
      height: 100%;
      min-height: inherit;
      overflow: hidden;
      font-family: var(--tour-gate-font, inherit);
      color: var(--tour-gate-text, #1b1b1f);
    }
    .cover {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      padding: 1rem;
      background: rgb(0 0 0 / 0.35);
    }
    .card {
      box-sizing: border-box;
      max-width: min(26rem, 100%);
      padding: 1.25rem;
      border-radius: var(--tour-gate-radius, 0.5rem);
      background: var(--tour-gate-surface, #fff);
      box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.3);
      text-align: center;
      line-height: 1.45;
    }
    h2 {
      margin: 0 0 0.25rem;
      font-size: 1.2rem;
    }
    p {
      margin: 0 0 0.75rem;
      color: var(--tour-gate-muted, #5c5f66);
    }
    button {
      min-height: 2.75rem;
      padding: 0.6rem 1.25rem;
      border: 0;
      border-radius: var(--tour-gate-radius, 0.5rem);
      background: var(--tour-gate-accent, #1f5fbf);
      color: var(--tour-gate-accent-contrast, #fff);
      font: inherit;
      font-weight: 600;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--tour-gate-accent, #1f5fbf);
      outline-offset: 2px;
    }
    iframe {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      border: 0;
    }
  `;

  static override properties = { state: { state: true } };

  declare private state: CoverState;
  /** Set by `attachCover`. */
  gate!: TourGate;
  endpoint!: Endpoint;
  loadConfig!: () => Promise<GateConfig>;
  /** Opens the mask as a locked click would (funnel, `gate-locked`). */
  openMask!: (focus: HTMLElement | undefined) => void;

  constructor() {
    super();
    this.state = { kind: 'loading' };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.gate.addEventListener('gate-unlocked', this.#sync);
    this.gate.addEventListener('gate-error', this.#sync);
    this.#sync();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.gate.removeEventListener('gate-unlocked', this.#sync);
    this.gate.removeEventListener('gate-error', this.#sync);
  }

  #queue: Promise<void> = Promise.resolve();
  /** True while this element dispatches on the gate: its own events are not news to it. */
  #own = false;

  /** Follows the gate: the tour once unlocked, the cover while locked (again, after a revocation). */
  #sync = (): void => {
    if (!this.#own) this.#queue = this.#queue.then(() => this.#follow());
  };

  async #follow(): Promise<void> {
    const accessToken = this.gate.accessToken;
    if (!accessToken) {
      // Locked, or locked again (revoked, expired, dropped in another tab): the cover.
      if (this.state.kind !== 'cover') await this.#cover();
      return;
    }
    if (this.state.kind === 'tour') return;
    const config = await this.loadConfig().catch(() => undefined);
    try {
      const { url } = await requestJson(tourUrl(this.endpoint, 'embed'), isEmbedResponse, { accessToken });
      // The address goes into the iframe only: https, or http on this machine (as the server checks).
      if (!/^https:\/\/|^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(url)) throw new Error('unsafe');
      if (this.gate.accessToken) this.state = { kind: 'tour', url, config };
    } catch (error) {
      const code = errorCode(error);
      this.#own = true;
      this.gate.dispatchEvent(new GateErrorEvent(code));
      this.#own = false;
      // No embed URL for this tour: nothing the visitor can do. Anything else (a lost access,
      // which the gate drops and reports; the network): the cover, whose button tries again.
      if (code === 'NOT_FOUND') this.state = { kind: 'failed', code };
      else await this.#cover();
    }
  }

  async #cover(): Promise<void> {
    try {
      this.state = { kind: 'cover', config: await this.loadConfig() };
    } catch (error) {
      this.state = { kind: 'failed', code: errorCode(error) };
    }
  }

  #onView(event: Event): void {
    const button = event.currentTarget as HTMLElement;
    if (this.state.kind === 'failed' || this.gate.accessToken) {
      this.state = { kind: 'loading' };
      this.#sync();
    } else this.openMask(button);
  }

  protected override render() {
    const s = this.state;
    const t = stringsOf(this.gate);
    if (s.kind === 'tour') {
      // No `allow-top-navigation`: the viewer can't take the visitor away from the page.
      return html`<iframe
        part="frame"
        src=${s.url}
        title=${s.config ? `${t.frame}: ${s.config.title}` : t.frame}
        allow="fullscreen; xr-spatial-tracking; gyroscope; accelerometer; magnetometer; web-share"
        allowfullscreen
        sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms allow-presentation"
        referrerpolicy="strict-origin-when-cross-origin"
      ></iframe>`;
    }
    const slot = html`<slot></slot>`;
    if (s.kind === 'loading') return slot;
    const broker =
      s.kind === 'cover' ? [s.config.broker.name, s.config.broker.company].filter(Boolean).join(' · ') : '';
    return html`${slot}
      <div class="cover" part="cover">
        <div class="card" part="cover-card">
          ${
            s.kind === 'cover'
              ? html`<h2 part="cover-title">${s.config.title}</h2>
                  <p part="cover-broker">${broker}</p>
                  <p part="cover-hint">${t.hint}</p>
                  <button type="button" part="button cover-button" @click=${this.#onView}>${t.view}</button>`
              : html`<p part="cover-text" role="status">${t.unavailable}</p>
                  ${
                    s.code === 'NETWORK_ERROR' || s.code === 'UNAVAILABLE'
                      ? html`<button type="button" part="button cover-button" @click=${this.#onView}>${t.retry}</button>`
                      : nothing
                  }`
          }
        </div>
      </div>`;
  }
}

const isEmbedResponse = (v: unknown): v is { url: string } =>
  typeof v === 'object' && v !== null && typeof (v as { url?: unknown }).url === 'string';

if (!customElements.get('tour-gate-cover')) customElements.define('tour-gate-cover', TourGateCover);

/** The gate's own box in cover mode (it is `display: contents` otherwise). */
const hostStyles = css`
  :host {
    display: block;
    position: relative;
  }
`;

/** Puts the cover into a `<tour-gate cover>`'s shadow root, around its children. */
export function attachCover(
  gate: TourGate,
  endpoint: Endpoint,
  loadConfig: () => Promise<GateConfig>,
  openMask: (focus: HTMLElement | undefined) => void,
): void {
  const root = gate.shadowRoot;
  if (!root) return;
  root.querySelector('tour-gate-cover')?.remove();
  if (hostStyles.styleSheet && !root.adoptedStyleSheets.includes(hostStyles.styleSheet)) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, hostStyles.styleSheet];
  }
  const cover = document.createElement('tour-gate-cover');
  cover.gate = gate;
  cover.endpoint = endpoint;
  cover.loadConfig = loadConfig;
  cover.openMask = openMask;
  // Styled from the page as `tour-gate::part(cover-button)` and so on.
  cover.setAttribute(
    'exportparts',
    'cover, cover-card, cover-title, cover-broker, cover-hint, cover-text, cover-button, button, frame',
  );
  cover.append(document.createElement('slot'));
  // Before the gate's own rendering (the mask): Lit clears what follows its marker.
  root.prepend(cover);
}

declare global {
  interface HTMLElementTagNameMap {
    'tour-gate-cover': TourGateCover;
  }
}
