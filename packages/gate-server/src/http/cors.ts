/**
 * CORS only for each tour's allowed origins (and the origin of its tour page). A browser
 * request from any other origin gets no CORS headers, and a state-changing one is refused
 * outright, so a foreign page can't even trigger a mail.
 *
 * The headers are worked out before the handler and set on its answer afterwards (error
 * answers included); a hot path takes them with `corsHeaders(c)` into its `completeResponse`
 * instead, which this middleware then leaves alone (see fast.ts).
 */
import { GateError } from '@tour-gate/shared';
import type { Context, MiddlewareHandler } from 'hono';
import type { Tour } from '../config/tours.ts';
import type { GateEnv } from './context.ts';
import { checkEmbedOrigin, isGateConfigGet } from './embed-check.ts';
import { isComplete, requestHeader } from './fast.ts';

function allowed(c: Context<GateEnv>, origin: string): boolean {
  const { tours } = c.get('deps');
  const tourId = c.req.param('tour');
  if (tourId) {
    const tour = tours.find(tourId);
    return tour ? tour.origins.includes(origin) : false;
  }
  return tours.anyAllows(origin);
}

/** Every answer varies by `Origin`: whether it carries CORS headers, and which origin they name. */
const VARY_ONLY: Readonly<Record<string, string>> = Object.freeze({ vary: 'Origin' });

/** The CORS headers for an allowed origin (lower-case names). */
const allowedHeaders = (origin: string): Readonly<Record<string, string>> => ({
  vary: 'Origin',
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'ETag, Retry-After',
});

/**
 * The CORS headers of a GET on `tour`'s API: without `Origin` only `Vary`; undefined for an
 * origin the tour doesn't allow (tourCors answers that one).
 */
export function allowedCors(tour: Tour, origin: string | undefined): Readonly<Record<string, string>> | undefined {
  if (origin === undefined) return VARY_ONLY;
  return tour.origins.includes(origin) ? allowedHeaders(origin) : undefined;
}
const perRequest = new WeakMap<Context, Readonly<Record<string, string>>>();

/** The CORS headers of this request's answer (lower-case names), as `tourCors` worked them out. */
export function corsHeaders(c: Context): Readonly<Record<string, string>> {
  return perRequest.get(c) ?? VARY_ONLY;
}

export function tourCors(): MiddlewareHandler<GateEnv> {
  return async (c, next) => {
    const origin = requestHeader(c, 'origin');
    let headers = VARY_ONLY;
    if (origin) {
      const ok = allowed(c, origin);
      // The widget's first request: counted, and a refusal it can read (embed-check.ts).
      if (isGateConfigGet(c)) {
        const refused = checkEmbedOrigin(c, origin, ok);
        if (refused) {
          refused.headers.append('Vary', 'Origin');
          return refused;
        }
      }
      if (c.req.method === 'OPTIONS') {
        c.header('Vary', 'Origin', { append: true });
        if (!ok) return c.body(null, 403);
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        c.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
        c.header('Access-Control-Max-Age', '7200');
        return c.body(null, 204);
      }
      if (!ok) {
        if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new GateError('ORIGIN_NOT_ALLOWED');
      } else {
        headers = allowedHeaders(origin);
      }
    }
    perRequest.set(c, headers);
    await next();
    if (isComplete(c.res)) return;
    const out = c.res.headers;
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'vary') out.append(name, value);
      else out.set(name, value);
    }
  };
}
