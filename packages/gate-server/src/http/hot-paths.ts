/**
 * The two requests every page view and every returning visitor make, answered ahead of the
 * router and all middleware: `GET /v1/tours/:tour/gate` (the gate config) and
 * `GET /v1/tours/:tour/access` (the access check). `pnpm bench` holds them against a bare Hono
 * app, where each middleware layer, each WHATWG `Headers` and each database read shows.
 *
 * The hot lane answers only what goes right: a known tour, no `Origin` or one the tour allows,
 * a token that holds. Anything else (`next()`) takes the general way through app.ts (security
 * headers, CORS with its refusals, the routes in routes/tours.ts, the error handler), which
 * answers exactly as before; both ways build their answers with `gateAnswer` / `accessAnswer`.
 * The hot lane records its requests in the metrics as the general way does. It builds no Hono
 * context, no WHATWG `Headers` and (through @hono/node-server) no `Request` body or signal.
 */
import type { IncomingMessage } from 'node:http';
import type { AccessResponse } from '@tour-gate/shared';
import type { Hono } from 'hono';
import type { Tour } from '../config/tours.ts';
import { checkAccess, checkAccessNow } from '../core/access.ts';
import type { GateDeps } from '../core/deps.ts';
import { bearerOf } from './bearer.ts';
import type { GateEnv } from './context.ts';
import { allowedCors } from './cors.ts';
import { completeResponse, etagMatches } from './fast.ts';
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
const PREFIX = '/v1/tours/';

type Fetch = Hono<GateEnv>['fetch'];

/** A request header by lower-case name: from Node's parsed headers when the request came through @hono/node-server. */
function headerOf(req: Request, env: unknown, name: Lowercase<string>): string | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return req.headers.get(name) ?? undefined;
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The hot lane, in front of the router: `GET /v1/tours/<id>/gate` and `…/access` for a known
 * tour, without an `Origin` or with one the tour allows, are answered here (the access check
 * when its token holds); everything else, and anything unusual about these (a `%` in the id,
 * another method), goes to `general`, the Hono app. `createApp` puts it in front of `app.fetch`,
 * so `app.request()` in tests goes through it too.
 */
export function hotLane(deps: GateDeps, general: Fetch): Fetch {
  return (req, env, executionCtx) => {
    if (req.method !== 'GET') return general(req, env, executionCtx);
    const url = req.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    if (pathStart === -1 || !url.startsWith(PREFIX, pathStart)) return general(req, env, executionCtx);
    const idStart = pathStart + PREFIX.length;
    const slash = url.indexOf('/', idStart);
    if (slash <= idStart) return general(req, env, executionCtx);
    const query = url.indexOf('?', slash);
    const what = url.slice(slash + 1, query === -1 ? undefined : query);
    if (what !== 'gate' && what !== 'access') return general(req, env, executionCtx);
    const id = url.slice(idStart, slash);
    const tour = id.includes('%') ? undefined : deps.tours.find(id);
    if (!tour) return general(req, env, executionCtx);
    const origin = headerOf(req, env, 'origin');
    const cors = allowedCors(tour, origin);
    if (!cors) return general(req, env, executionCtx);
    const started = performance.now();
    if (what === 'gate') {
      // Counted for the embed page, as the general way counts it (embed-check.ts: an allowed origin).
      if (origin !== undefined) deps.embedOrigins.note(tour.config.id, origin, true);
      const res = gateAnswer(tour, cors, headerOf(req, env, 'if-none-match'));
      deps.metrics.record('GET', GATE_ROUTE, res.status, (performance.now() - started) / 1000);
      return res;
    }
    const bearer = bearerOf(headerOf(req, env, 'authorization'));
    let held: AccessResponse | undefined;
    try {
      held = checkAccessNow(deps, tour.config.id, bearer);
    } catch {
      return general(req, env, executionCtx);
    }
    if (held) {
      const res = accessAnswer(held, cors);
      deps.metrics.record('GET', ACCESS_ROUTE, res.status, (performance.now() - started) / 1000);
      return res;
    }
    return checkAccess(deps, tour.config.id, bearer).then(
      (answer) => {
        const res = accessAnswer(answer, cors);
        deps.metrics.record('GET', ACCESS_ROUTE, res.status, (performance.now() - started) / 1000);
        return res;
      },
      // The general way answers the refusal (checkAccess remembers it: no second database read).
      () => general(req, env, executionCtx),
    );
  };
}
