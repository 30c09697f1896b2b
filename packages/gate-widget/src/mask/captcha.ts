/**
 * hCaptcha, loaded only when a mask with a site key opens. Its widget renders into a container
 * in the page's light DOM (the challenge does not work inside a shadow root), and the mask is a
 * plain fixed layer rather than a `showModal()` dialog, whose top layer would cover the
 * challenge that hCaptcha appends to `document.body`.
 */
import { GateRequestError } from '../internal/api.ts';

declare global {
  interface Window {
    /** hCaptcha's `onload` callback: its loader calls it by this global name. */
    __tourGateHcaptchaLoaded?: () => void;
  }
}

const ONLOAD = '__tourGateHcaptchaLoaded' satisfies keyof Window;

let loading: Promise<HCaptcha> | undefined;

/** Loads hCaptcha's script once per page; resolves when its API is ready. */
function loadHcaptcha(src: string): Promise<HCaptcha> {
  if (typeof window.hcaptcha?.render === 'function') return Promise.resolve(window.hcaptcha);
  loading ??= new Promise<HCaptcha>((resolve, reject) => {
    const url = new URL(src, document.baseURI);
    url.searchParams.set('render', 'explicit');
    url.searchParams.set('onload', ONLOAD);
    window[ONLOAD] = () => resolve(window.hcaptcha);
    const script = document.createElement('script');
    script.src = url.href;
    script.async = true;
    script.onerror = () => {
      loading = undefined;
      script.remove();
      reject(new GateRequestError('CAPTCHA_UNAVAILABLE'));
    };
    document.head.append(script);
  });
  return loading;
}

/** Widget ids per container: the container outlives the mask, so reopening reuses the widget. */
const widgets = new WeakMap<HTMLElement, string>();

/** One hCaptcha widget in one container. */
export class Captcha {
  #api: HCaptcha | undefined;
  readonly #container: HTMLElement;

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  /** Loads the script and renders the widget (once per container). */
  async mount(src: string, siteKey: string, locale: string, onChange: () => void): Promise<void> {
    const api = await loadHcaptcha(src);
    this.#api = api;
    if (widgets.has(this.#container)) return;
    const id = api.render(this.#container, {
      sitekey: siteKey,
      hl: locale,
      callback: onChange,
      'expired-callback': onChange,
    });
    widgets.set(this.#container, id);
  }

  /** The token of a solved challenge; empty while unsolved. */
  response(): string {
    const id = widgets.get(this.#container);
    return this.#api && id !== undefined ? this.#api.getResponse(id) : '';
  }

  /** A token is good for one verification only, so every send attempt needs a fresh challenge. */
  reset(): void {
    const id = widgets.get(this.#container);
    if (this.#api && id !== undefined) this.#api.reset(id);
  }
}
