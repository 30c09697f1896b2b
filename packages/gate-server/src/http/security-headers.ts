/**
 * The security headers of every surface, in one place: one policy per surface, applied by
 * app.ts as middleware where it mounts the surface, so a route cannot forget them and no two
 * routes of one surface disagree. Hono's `secureHeaders` sets them after the handler (error
 * pages included) and replaces what a handler set.
 *
 * Hono's defaults stay on (nosniff, Cross-Origin-Opener-Policy and -Resource-Policy
 * `same-origin`, Origin-Agent-Cluster, X-DNS-Prefetch-Control `off`, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies `none`, X-XSS-Protection `0`), except where a surface says.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { isComplete } from './fast.ts';
import { REVIEW_STYLE_SRC } from './review-page.ts';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

const COMMON = {
  xFrameOptions: 'DENY',
  // Review and login links carry their token in the path: no Referer may take it elsewhere.
  referrerPolicy: 'no-referrer',
  // TLS ends at the operator's reverse proxy, which knows whether the whole host is HTTPS-only.
  strictTransportSecurity: false,
} satisfies SecureHeadersOptions;

/**
 * Pages for one person (a broker's requests, leads, mails): never stored by a cache, never in
 * a search index, whatever the page itself says.
 */
const PRIVATE_PAGE = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' };

function surface(options: SecureHeadersOptions, extra: Record<string, string> = {}): MiddlewareHandler {
  const secure = secureHeaders({ ...COMMON, ...options });
  return async (c, next) => {
    await secure(c, next);
    for (const [name, value] of Object.entries(extra)) c.res.headers.set(name, value);
  };
}

/** `/v1/*`: JSON for the widget and the admin API; nothing in it may run, render or be framed. */
const API_OPTIONS = {
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  // Tour assets are images on the broker's page; their route allows that with `cross-origin`.
  crossOriginResourcePolicy: false,
  // What only a document's browsing context (or a long-gone browser) reads has no effect on JSON
  // that may not render (CSP `default-src 'none'`, nosniff, X-Frame-Options): off here, as the
  // OWASP REST cheat sheet lists. Every page view's gate config carries these headers, so each
  // costs (issue 13). Pages keep them all.
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} satisfies SecureHeadersOptions;

/**
 * The `/v1/*` policy as the headers it comes to (lower-case names): the same for every answer
 * (no nonce), so it is worked out once, by Hono's `secureHeaders` itself on a throwaway answer.
 * The hot paths put it into their answers whole (`completeResponse`).
 */
export const API_HEADERS: Readonly<Record<string, string>> = await (async () => {
  const probe = new Hono().use(secureHeaders({ ...COMMON, ...API_OPTIONS })).get('/', (c) => c.body(null, 204));
  const headers = Object.fromEntries((await probe.request('/')).headers);
  delete headers['content-type'];
  return Object.freeze(headers);
})();
const API_ENTRIES = Object.entries(API_HEADERS);

/**
 * `/v1/*`: `API_HEADERS` set after the handler (error answers included), replacing what a
 * handler set, as `secureHeaders` does; an answer from `completeResponse` has them already.
 */
export const apiHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (isComplete(c.res)) return;
  const headers = c.res.headers;
  for (const [name, value] of API_ENTRIES) headers.set(name, value);
  headers.delete('X-Powered-By');
};

/** `/review/*`: no script, the one stylesheet by its hash, forms only back to the page. */
export const reviewHeaders = surface(
  {
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: [REVIEW_STYLE_SRC],
      imgSrc: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  PRIVATE_PAGE,
);

/**
 * `/dashboard/*`: the one `<style>` carries a per-response nonce (`styleNonce`), so no `style`
 * attribute works; the chart's SVG uses presentation attributes. Scripts only under the same
 * nonce: the embed page's copy buttons (progressive enhancement; every page works without).
 */
export const dashboardHeaders = surface(
  {
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: [NONCE],
      scriptSrc: [NONCE],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  PRIVATE_PAGE,
);

/**
 * `/dev/*` (development only): each mail is shown in a sandboxed `srcdoc` frame, which inherits
 * this policy, and mails style with attributes: so `'unsafe-inline'` styles, but no script.
 */
export const devMailboxHeaders = surface(
  {
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      imgSrc: ['data:'],
      frameSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  PRIVATE_PAGE,
);

/** The nonce of this response's dashboard CSP, for its `<style>`; only under `dashboardHeaders`. */
export function styleNonce(c: Context): string {
  const nonce = c.get('secureHeadersNonce');
  if (typeof nonce !== 'string') throw new Error('dashboard page rendered outside dashboardHeaders: no CSP nonce');
  return nonce;
}
