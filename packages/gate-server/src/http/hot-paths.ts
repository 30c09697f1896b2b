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
import type { IncomingMessage, ServerResponse } from 'node:http';
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
export function gateAnswer(
  tour: Tour,
  cors: Readonly<Record<string, string>>,
  ifNoneMatch: string | undefined,
): HotAnswer {
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
    return { status: 304, headers, body: null };
  }
  return { status: 200, headers, body: tour.gateJson };
}

/** The JSON of an access check's answer (checkAccess hands out the same object while it holds). */
const accessJson = new WeakMap<AccessResponse, string>();

/** A holding access check's answer: never stored by a cache. */
export function accessAnswer(answer: AccessResponse, cors: Readonly<Record<string, string>>): HotAnswer {
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
  return { status: 200, headers, body: json };
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

/** A hot lane's answer, whole: what `writeHead` and `end` get, and the route for the metrics. */
export interface HotAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string | null;
}

/**
 * The hot lane's decision for a GET of `path` (path and query, as Node's `incoming.url`):
 * the answer when it goes right, a promise of it when the access check has to read the
 * database, undefined (also from the promise) for everything the general way answers.
 * `header` reads a request header by its lower-case name.
 */
function hotAnswer(
  deps: GateDeps,
  path: string,
  header: (name: Lowercase<string>) => string | undefined,
): HotAnswer | Promise<HotAnswer | undefined> | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  const slash = path.indexOf('/', PREFIX.length);
  if (slash <= PREFIX.length) return undefined;
  const query = path.indexOf('?', slash);
  const what = path.slice(slash + 1, query === -1 ? undefined : query);
  if (what !== 'gate' && what !== 'access') return undefined;
  const id = path.slice(PREFIX.length, slash);
  const tour = id.includes('%') ? undefined : deps.tours.find(id);
  if (!tour) return undefined;
  const origin = header('origin');
  const cors = allowedCors(tour, origin);
  if (!cors) return undefined;
  const started = performance.now();
  if (what === 'gate') {
    // Counted for the embed page, as the general way counts it (embed-check.ts: an allowed origin).
    if (origin !== undefined) deps.embedOrigins.note(tour.config.id, origin, true);
    const answer = gateAnswer(tour, cors, header('if-none-match'));
    deps.metrics.record('GET', GATE_ROUTE, answer.status, (performance.now() - started) / 1000);
    return answer;
  }
  const bearer = bearerOf(header('authorization'));
  let held: AccessResponse | undefined;
  try {
    held = checkAccessNow(deps, tour.config.id, bearer);
  } catch {
    return undefined;
  }
  if (held) {
    const answer = accessAnswer(held, cors);
    deps.metrics.record('GET', ACCESS_ROUTE, answer.status, (performance.now() - started) / 1000);
    return answer;
  }
  return checkAccess(deps, tour.config.id, bearer).then(
    (checked) => {
      const answer = accessAnswer(checked, cors);
      deps.metrics.record('GET', ACCESS_ROUTE, answer.status, (performance.now() - started) / 1000);
      return answer;
    },
    // The general way answers the refusal (checkAccess remembers it: no second database read).
    () => undefined,
  );
}

/** A hot answer as a `Response` whose headers are final (the router's routes answer with it too). */
export const toResponse = (answer: HotAnswer): Response => completeResponse(answer.body, answer.status, answer.headers);

/**
 * The hot lane in front of the router, for `app.fetch` (`app.request()` in tests and any
 * runtime other than Node's own server): `GET /v1/tours/<id>/gate` and `…/access` for a known
 * tour, without an `Origin` or with one the tour allows, are answered here (the access check
 * when its token holds); everything else, and anything unusual about these (a `%` in the id,
 * another method), goes to `general`, the Hono app. `createApp` puts it in front of `app.fetch`.
 */
export function hotLane(deps: GateDeps, general: Fetch): Fetch {
  return (req, env, executionCtx) => {
    if (req.method !== 'GET') return general(req, env, executionCtx);
    const url = req.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    if (pathStart === -1) return general(req, env, executionCtx);
    const answer = hotAnswer(deps, url.slice(pathStart), (name) => headerOf(req, env, name));
    if (answer === undefined) return general(req, env, executionCtx);
    if (!(answer instanceof Promise)) return toResponse(answer);
    return answer.then((a) => (a ? toResponse(a) : general(req, env, executionCtx)));
  };
}

/**
 * The same lane one step earlier, for Node's HTTP server (`server.ts`): it answers on Node's
 * `ServerResponse` itself, before @hono/node-server builds a request object, a `Response` and
 * its listeners, which on these small answers cost as much as the answer itself (issue 13).
 * Returns false, having touched nothing, for what it doesn't answer; then, or when the access
 * check's database read ends in a refusal, `general` (the adapter's listener) takes the request.
 */
export function nodeHotLane(
  deps: GateDeps,
  general: (incoming: IncomingMessage, outgoing: ServerResponse) => unknown,
): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  const write = (outgoing: ServerResponse, answer: HotAnswer) => {
    outgoing.writeHead(answer.status, answer.headers);
    if (answer.body === null) outgoing.end();
    else outgoing.end(answer.body);
  };
  return (incoming, outgoing) => {
    if (incoming.method !== 'GET' || incoming.url === undefined) return false;
    const headers = incoming.headers;
    const answer = hotAnswer(deps, incoming.url, (name) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    });
    if (answer === undefined) return false;
    if (!(answer instanceof Promise)) {
      write(outgoing, answer);
      return true;
    }
    answer.then(
      (a) => (a ? write(outgoing, a) : general(incoming, outgoing)),
      () => general(incoming, outgoing),
    );
    return true;
  };
}
