/** The widget's API for one tour: `/v1/tours/:tour/…`. */
import {
  eventsRequestSchema,
  messageRequestSchema,
  newLinkRequestSchema,
  registrationRequestSchema,
  repeatRequestSchema,
} from '@tour-gate/shared';
import { Hono } from 'hono';
import { checkAccess } from '../../core/access.ts';
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
import { requestHeader } from '../fast.ts';
import { accessAnswer, gateAnswer, toResponse } from '../hot-paths.ts';
import { serveAsset } from './assets.ts';

/** The least time a new-link answer takes. */
const NEW_LINK_MIN_MS = 200;

export const tourRoutes = new Hono<GateEnv>()
  // The general way of the gate config (app.ts answers it first on its hot lane: hot-paths.ts).
  .get('/:tour/gate', (c) => {
    const tour = c.get('deps').tours.get(c.req.param('tour'));
    return toResponse(gateAnswer(tour, corsHeaders(c), requestHeader(c, 'if-none-match')));
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
  // The general way of the access check (app.ts answers it first on its hot lane: hot-paths.ts).
  .get('/:tour/access', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const answer = await checkAccess(deps, tour.config.id, bearerOf(requestHeader(c, 'authorization')));
    return toResponse(accessAnswer(answer, corsHeaders(c)));
  })
  // Protected panorama files, served like a static file server (routes/assets.ts).
  .get('/:tour/assets/*', serveAsset)
  .post('/:tour/events', async (c) => {
    const deps = c.get('deps');
    const tour = deps.tours.get(c.req.param('tour'));
    const request = await readJson(c, eventsRequestSchema);
    await countEvents(deps, tour, request, clientIp(c), c.req.header('origin'));
    return c.body(null, 204);
  });
