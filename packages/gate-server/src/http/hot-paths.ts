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
import { completeResponse, etagMatches, requestHeader } from './fast.ts';
import { API_HEADERS } from './security-headers.ts';

/**
 * The gate config may be reused for a minute (a broker's change shows within it) and served
 * stale for ten while it is revalidated, which costs a 304.
 */
const GATE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

/**
 * Header objects made once per answer body and CORS headers (the hot lane hands the same object
 * to every answer of a kind; writeHead only reads it). Keyed by what the body belongs to (the
 * tour, the access answer), so a changed tour or a new read starts afresh; per owner at most the
 * allowed origins and none, so it stays as small as the tour's config.
 */
const headerCache = new WeakMap<object, Map<string, Readonly<Record<string, string>>>>();
function cachedHeaders(
  owner: object,
  key: string,
  make: () => Record<string, string>,
): Readonly<Record<string, string>> {
  let perOwner = headerCache.get(owner);
  if (!perOwner) {
    perOwner = new Map();
    headerCache.set(owner, perOwner);
  }
  let headers = perOwner.get(key);
  if (!headers) {
    headers = Object.freeze(make());
    perOwner.set(key, headers);
  }
  return headers;
}
const corsKey = (cors: Readonly<Record<string, string>>) => cors['access-control-allow-origin'] ?? '';

/**
 * The gate config from memory: the tour's JSON and ETag (its content hash) are made when the
 * tour is loaded or changed, so a changed tour answers with a new ETag at once.
 * `If-None-Match` that matches → 304 with ETag, Cache-Control and Vary, and no body.
 */
export function gateAnswer(tour: Tour, cors: Readonly<Record<string, string>>, ifNoneMatch: string | undefined) {
  const headers = cachedHeaders(tour, corsKey(cors), () => ({
    ...API_HEADERS,
    ...cors,
    etag: tour.gateEtag,
    'cache-control': GATE_CACHE_CONTROL,
    // The 200's type and length on a 304 too (else the Node adapter would call it text/plain);
    // a 304's Content-Length, if it has one, must be the 200's.
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(tour.gateJson)),
  }));
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, tour.gateEtag)) {
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
  const body = json;
  const headers = cachedHeaders(answer, corsKey(cors), () => ({
    ...API_HEADERS,
    ...cors,
    'cache-control': 'no-store',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  }));
  return completeResponse(json, 200, headers);
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
    // Counted for the embed page, as the general way counts it (embed-check.ts: an allowed origin).
    if (origin !== undefined) deps.embedOrigins.note(admitted.tour.config.id, origin, true);
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
