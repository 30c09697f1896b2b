/** The widget's API for one tour: `/v1/tours/:tour/…`. */
import {
  eventsRequestSchema,
  GateError,
  messageRequestSchema,
  newLinkRequestSchema,
  registrationRequestSchema,
  repeatRequestSchema,
} from '@tour-gate/shared';
import { Hono } from 'hono';
import { checkAccess } from '../../core/access.ts';
import { authorizeAsset, openAsset } from '../../core/assets.ts';
import { countEvents } from '../../core/events.ts';
import { requestNewLink } from '../../core/new-link.ts';
import { register } from '../../core/register.ts';
import { addMessage, repeatRequest } from '../../core/returning.ts';
import { inEvenTime } from '../../util/even-time.ts';
import { bearerOf } from '../bearer.ts';
import { readJson } from '../body.ts';
import { clientIp } from '../client.ts';
import type { GateEnv } from '../context.ts';
import { corsHeaders } from '../cors.ts';
import { completeResponse, etagMatches, requestHeader } from '../fast.ts';
import { API_HEADERS } from '../security-headers.ts';

/**
 * The gate config may be reused for a minute (a broker's change shows within it) and served
 * stale for ten while it is revalidated, which costs a 304.
 */
const GATE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

/** The least time a new-link answer takes. */
const NEW_LINK_MIN_MS = 200;

export const tourRoutes = new Hono<GateEnv>()
  // Every page view asks: answered from memory (the tour's JSON and ETag are made when the tour
  // is loaded or changed, so a change gives a new ETag at once), all headers in one object.
  .get('/:tour/gate', (c) => {
    const tour = c.get('deps').tours.get(c.req.param('tour'));
    const headers: Record<string, string> = {
      ...API_HEADERS,
      ...corsHeaders(c),
      etag: tour.gateEtag,
      'cache-control': GATE_CACHE_CONTROL,
    };
    const ifNoneMatch = requestHeader(c, 'if-none-match');
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, tour.gateEtag)) {
      // No body; Content-Length, if sent on a 304, must be the one a 200 would have.
      headers['content-length'] = String(Buffer.byteLength(tour.gateJson));
      return completeResponse('', 304, headers);
    }
    headers['content-type'] = 'application/json; charset=utf-8';
    return completeResponse(tour.gateJson, 200, headers);
  })
  .post('/:tour/registrations', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, registrationRequestSchema);
    const answer = await register(deps, { tour, request, ip: clientIp(c) });
    c.header('Cache-Control', 'no-store');
    return c.json(answer, 202);
  })
  .post('/:tour/links', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, newLinkRequestSchema);
    // Work for a known address (a transaction, a mail) takes longer than for an unknown one.
    await inEvenTime(NEW_LINK_MIN_MS, () => requestNewLink(deps, tour, request, clientIp(c)));
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'check-email' as const }, 202);
  })
  // Returning visitors (issue 10): a message with a registration's handle, and a repeat request
  // after a denial with a link token (core/returning.ts).
  .post('/:tour/messages', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, messageRequestSchema);
    // An open request gets a review link with the message, a decided one doesn't: even time.
    await inEvenTime(NEW_LINK_MIN_MS, () => addMessage(deps, tour, request, clientIp(c)));
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'message-added' as const }, 202);
  })
  .post('/:tour/repeat-requests', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, repeatRequestSchema);
    const answer = await repeatRequest(deps, tour, request, clientIp(c));
    c.header('Cache-Control', 'no-store');
    return c.json(answer, 202);
  })
  // Every returning visitor asks: one JWT verification, the revocation read at most every
  // ACCESS_RECHECK_MS (core/access.ts).
  .get('/:tour/access', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const answer = await checkAccess(deps, tour.config.id, bearerOf(requestHeader(c, 'authorization')));
    return completeResponse(JSON.stringify(answer), 200, {
      ...API_HEADERS,
      ...corsHeaders(c),
      'cache-control': 'no-store',
      'content-type': 'application/json',
    });
  })
  .get('/:tour/assets/*', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    await authorizeAsset(deps, tour, bearerOf(c.req.header('authorization')), c.req.query());
    const prefix = `/v1/tours/${tour.config.id}/assets/`;
    let path: string;
    try {
      path = decodeURIComponent(c.req.path.slice(prefix.length));
    } catch {
      throw new GateError('NOT_FOUND');
    }
    const asset = await openAsset(tour, path);
    // Private: a shared cache must never hand a protected room to someone else.
    c.header('Cache-Control', 'private, max-age=3600');
    c.header('Content-Type', asset.type);
    c.header('Content-Length', String(asset.size));
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    return c.body(asset.body);
  })
  .post('/:tour/events', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, eventsRequestSchema);
    await countEvents(deps, tour, request, clientIp(c), c.req.header('origin'));
    return c.body(null, 204);
  });
