/**
 * The two requests every page view and every returning visitor make, answered ahead of the
 * general middleware: `GET /v1/tours/:tour/gate` (the gate config) and
 * `GET /v1/tours/:tour/access` (the access check). `pnpm bench` holds them against a bare Hono
 * app, where each middleware layer, each WHATWG `Headers` and each database read shows.
 *
 * The hot lane answers only what goes right: a known tour, no `Origin` or one the tour allows,
 * a token that holds. Anything else (`next()`) takes the general way through app.ts (security
 * headers, CORS with its refusals, the routes in routes/tours.ts, the error handler), which
 * answers exactly as before; both ways build their answers with `gateAnswer` / `accessAnswer`.
 * The hot lane records its requests in the metrics as the general way does.
 */
import type { AccessResponse } from '@tour-gate/shared';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Tour } from '../config/tours.ts';
import { checkAccess } from '../core/access.ts';
import type { GateDeps } from '../core/deps.ts';
import { bearerOf } from './bearer.ts';
import type { GateEnv } from './context.ts';
import { allowedCors } from './cors.ts';
import { checkEmbedOrigin } from './embed-check.ts';
import { completeResponse, etagMatches, requestHeader } from './fast.ts';
import { API_HEADERS } from './security-headers.ts';

/**
 * The gate config may be reused for a minute (a broker's change shows within it) and served
 * stale for ten while it is revalidated, which costs a 304.
 */
export const GATE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

/**
 * The gate config from memory: the tour's JSON and ETag (its content hash) are made when the
 * tour is loaded or changed, so a changed tour answers with a new ETag at once.
 * `If-None-Match` that matches → 304 with ETag, Cache-Control and Vary, and no body.
 */
export function gateAnswer(tour: Tour, cors: Readonly<Record<string, string>>, ifNoneMatch: string | undefined) {
  const headers: Record<string, string> = {
    ...API_HEADERS,
    ...cors,
    etag: tour.gateEtag,
    'cache-control': GATE_CACHE_CONTROL,
  };
  // The 200's type on a 304 too (else the Node adapter would name it text/plain).
  headers['content-type'] = 'application/json; charset=utf-8';
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, tour.gateEtag)) {
    // Content-Length, if a 304 has one, must be the one a 200 would have.
    headers['content-length'] = String(Buffer.byteLength(tour.gateJson));
    return completeResponse(null, 304, headers);
  }
  return completeResponse(tour.gateJson, 200, headers);
}

/** The JSON of an access check's answer (checkAccess hands out the same object while it holds). */
const accessJson = new WeakMap<AccessResponse, string>();

/** A holding access check's answer: never stored by a cache. */
export function accessAnswer(answer: AccessResponse, cors: Readonly<Record<string, string>>): Response {
  let json = accessJson.get(answer);
  if (json === undefined) {
    json = JSON.stringify(answer);
    accessJson.set(answer, json);
  }
  return completeResponse(json, 200, {
    ...API_HEADERS,
    ...cors,
    'cache-control': 'no-store',
    'content-type': 'application/json',
  });
}

const GATE_ROUTE = '/v1/tours/:tour/gate';
const ACCESS_ROUTE = '/v1/tours/:tour/access';

/** The tour and the CORS headers of a request the hot lane may answer, or undefined (go the general way). */
function admit(
  c: Context<GateEnv>,
  deps: GateDeps,
): { tour: Tour; cors: Readonly<Record<string, string>> } | undefined {
  const tour = deps.tours.find(c.req.param('tour') ?? '');
  if (!tour) return undefined;
  const origin = requestHeader(c, 'origin');
  const cors = allowedCors(tour, origin);
  return cors ? { tour, cors } : undefined;
}

export function hotGateConfig(deps: GateDeps): MiddlewareHandler<GateEnv> {
  return (c: Context<GateEnv>, next: Next) => {
    const started = performance.now();
    c.set('deps', deps);
    const admitted = admit(c, deps);
    if (!admitted) return next();
    const origin = requestHeader(c, 'origin');
    // Counted for the embed page, as the general way counts it (an allowed origin: no answer).
    if (origin !== undefined) checkEmbedOrigin(c, origin, true);
    const res = gateAnswer(admitted.tour, admitted.cors, requestHeader(c, 'if-none-match'));
    deps.metrics.record('GET', GATE_ROUTE, res.status, (performance.now() - started) / 1000);
    return Promise.resolve(res);
  };
}

export function hotAccessCheck(deps: GateDeps): MiddlewareHandler<GateEnv> {
  return async (c: Context<GateEnv>, next: Next) => {
    const started = performance.now();
    c.set('deps', deps);
    const admitted = admit(c, deps);
    if (!admitted) return next();
    let answer: AccessResponse;
    try {
      answer = await checkAccess(deps, admitted.tour.config.id, bearerOf(requestHeader(c, 'authorization')));
    } catch {
      // The general way answers the refusal (checkAccess remembers it: no second database read).
      return next();
    }
    const res = accessAnswer(answer, admitted.cors);
    deps.metrics.record('GET', ACCESS_ROUTE, res.status, (performance.now() - started) / 1000);
    return res;
  };
}
