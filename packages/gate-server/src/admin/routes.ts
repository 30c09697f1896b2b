/**
 * `/v1/admin`: tours and brokers as JSON, stats and lead exports, for the platform (the key in
 * `GATE_ADMIN_KEY`) and for brokers (their own keys). A broker key sees and changes only its
 * broker's tours; any other tour id answers TOUR_NOT_FOUND, exactly like an id that does not
 * exist, so ids cannot be probed.
 */
import { GateError } from '@tour-gate/shared';
import { webhookRequestSchema } from '@tour-gate/shared/openapi';
import { type Context, Hono } from 'hono';
import * as z from 'zod/mini';
import type { Tour } from '../config/tours.ts';
import { createBrokerKey, type Principal, principalOf, revokeBrokerKey } from '../core/api-keys.ts';
import { isExportFormat } from '../core/export/stream.ts';
import { parseFilter } from '../core/lead-filter.ts';
import { actorOf, checkTourWrite, idTaken, parseBroker, parseTour, saveBroker, saveTour } from '../core/managed.ts';
import {
  createWebhook,
  deleteWebhook,
  deliveryAnswer,
  ownWebhook,
  resendDelivery,
  retireSecret,
  rotateSecret,
  sendTestEvent,
  updateWebhook,
  webhookAnswer,
} from '../core/webhooks.ts';
import { bearerOf } from '../http/bearer.ts';
import { readJson } from '../http/body.ts';
import type { GateEnv } from '../http/context.ts';
import { tourExportResponse } from '../http/export-response.ts';

type AdminEnv = { Variables: GateEnv['Variables'] & { principal: Principal } };
type C = Context<AdminEnv>;

const anyJson = z.unknown();

function platformOnly(c: C): void {
  if (c.get('principal').kind !== 'platform') throw new GateError('FORBIDDEN');
}

function visibleTour(c: C, id: string): Tour {
  const p = c.get('principal');
  const tour = c.get('deps').tours.find(id);
  if (!tour || (p.kind === 'broker' && tour.broker.id !== p.brokerId)) throw new GateError('TOUR_NOT_FOUND');
  return tour;
}

/** The broker of the path for this principal: the platform any, a broker key its own; else NOT_FOUND. */
function visibleBroker(c: C): string {
  const p = c.get('principal');
  const id = c.req.param('id') ?? '';
  if (!c.get('deps').tours.broker(id) || (p.kind === 'broker' && id !== p.brokerId)) throw new GateError('NOT_FOUND');
  return id;
}

function tourJson(c: C, t: Tour) {
  return { ...t.config, source: c.get('deps').tours.inConfigFile('tour', t.config.id) ? 'config-file' : 'api' };
}

/** The tour in a request body (with the path's id, if any), checked for this principal. */
function tourToWrite(c: C, body: unknown, id?: string) {
  const value = id && typeof body === 'object' && body !== null ? { ...body, id } : body;
  return checkTourWrite(c.get('deps'), c.get('principal'), parseTour(value));
}

export const adminRoutes = new Hono<AdminEnv>()
  .use(async (c, next) => {
    c.header('Cache-Control', 'no-store');
    const bearer = bearerOf(c.req.header('authorization'));
    const deps = c.get('deps');
    const principal = bearer ? await principalOf(deps.store, deps.env.adminKey, bearer) : undefined;
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="tour-gate admin"');
      throw new GateError('UNAUTHORIZED');
    }
    c.set('principal', principal);
    await next();
  })
  .get('/brokers', (c) => {
    const p = c.get('principal');
    const { tours } = c.get('deps');
    const list = tours.brokers().filter((b) => p.kind === 'platform' || b.id === p.brokerId);
    return c.json({
      brokers: list.map((b) => ({ ...b, source: tours.inConfigFile('broker', b.id) ? 'config-file' : 'api' })),
    });
  })
  .get('/brokers/:id', (c) => {
    const p = c.get('principal');
    const b = c.get('deps').tours.broker(c.req.param('id'));
    if (!b || (p.kind === 'broker' && b.id !== p.brokerId)) throw new GateError('NOT_FOUND');
    return c.json(b);
  })
  .post('/brokers', async (c) => {
    platformOnly(c);
    const deps = c.get('deps');
    const broker = parseBroker(await readJson(c, anyJson));
    if (deps.tours.broker(broker.id)) throw new GateError('CONFLICT', { message: 'A broker with this id exists.' });
    await saveBroker(deps.store, deps.tours, broker, deps.clock());
    return c.json(broker, 201);
  })
  .put('/brokers/:id', async (c) => {
    platformOnly(c);
    const deps = c.get('deps');
    const body = await readJson(c, anyJson);
    const broker = parseBroker(typeof body === 'object' && body !== null ? { ...body, id: c.req.param('id') } : body);
    const existed = Boolean(deps.tours.broker(broker.id));
    await saveBroker(deps.store, deps.tours, broker, deps.clock());
    return c.json(broker, existed ? 200 : 201);
  })
  .post('/brokers/:id/keys', async (c) => {
    platformOnly(c);
    const deps = c.get('deps');
    const id = c.req.param('id');
    if (!deps.tours.broker(id)) throw new GateError('NOT_FOUND');
    const body = c.req.header('content-type')
      ? await readJson(c, z.object({ label: z.optional(z.string().check(z.maxLength(100))) }))
      : {};
    const key = await createBrokerKey(deps.store, id, body.label ?? null, deps.clock());
    return c.json({ ...key, broker: id }, 201);
  })
  .delete('/keys/:id', async (c) => {
    platformOnly(c);
    const deps = c.get('deps');
    if (!(await revokeBrokerKey(deps.store, c.req.param('id'), deps.clock()))) throw new GateError('NOT_FOUND');
    return c.body(null, 204);
  })
  .get('/brokers/:id/webhooks', async (c) => {
    const deps = c.get('deps');
    const hooks = await deps.store.webhooks.list(visibleBroker(c));
    return c.json({ webhooks: hooks.map((h) => webhookAnswer(h, deps.clock())) });
  })
  .post('/brokers/:id/webhooks', async (c) => {
    const broker = visibleBroker(c);
    const body = await readJson(c, webhookRequestSchema);
    return c.json(await createWebhook(c.get('deps'), broker, body), 201);
  })
  .get('/brokers/:id/webhooks/:hook', async (c) => {
    const deps = c.get('deps');
    return c.json(webhookAnswer(await ownWebhook(deps, visibleBroker(c), c.req.param('hook')), deps.clock()));
  })
  .put('/brokers/:id/webhooks/:hook', async (c) => {
    const broker = visibleBroker(c);
    const deps = c.get('deps');
    await ownWebhook(deps, broker, c.req.param('hook'));
    const body = await readJson(c, webhookRequestSchema);
    return c.json(await updateWebhook(deps, broker, c.req.param('hook'), body));
  })
  .delete('/brokers/:id/webhooks/:hook', async (c) => {
    await deleteWebhook(c.get('deps'), visibleBroker(c), c.req.param('hook'));
    return c.body(null, 204);
  })
  .post('/brokers/:id/webhooks/:hook/rotate-secret', async (c) =>
    c.json(await rotateSecret(c.get('deps'), visibleBroker(c), c.req.param('hook'))),
  )
  .post('/brokers/:id/webhooks/:hook/retire-secret', async (c) =>
    c.json(await retireSecret(c.get('deps'), visibleBroker(c), c.req.param('hook'))),
  )
  .post('/brokers/:id/webhooks/:hook/test', async (c) =>
    c.json(await sendTestEvent(c.get('deps'), visibleBroker(c), c.req.param('hook')), 202),
  )
  .get('/brokers/:id/webhooks/:hook/deliveries', async (c) => {
    const deps = c.get('deps');
    const broker = visibleBroker(c);
    const hook = await ownWebhook(deps, broker, c.req.param('hook'));
    const list = await deps.store.webhooks.deliveries(broker, hook.id);
    return c.json({ deliveries: list.map(deliveryAnswer) });
  })
  .post('/brokers/:id/webhooks/:hook/deliveries/:delivery/resend', async (c) =>
    c.json(await resendDelivery(c.get('deps'), visibleBroker(c), c.req.param('hook'), c.req.param('delivery')), 202),
  )
  .get('/tours', (c) => {
    const p = c.get('principal');
    const tours = c
      .get('deps')
      .tours.all()
      .filter((t) => p.kind === 'platform' || t.broker.id === p.brokerId);
    return c.json({ tours: tours.map((t) => tourJson(c, t)) });
  })
  .get('/tours/:id', (c) => c.json(tourJson(c, visibleTour(c, c.req.param('id')))))
  .post('/tours', async (c) => {
    const deps = c.get('deps');
    const tour = await tourToWrite(c, await readJson(c, anyJson));
    if (deps.tours.find(tour.id)) throw idTaken();
    // `create`: the database decides, so a tour another instance is creating at this moment
    // under the same id is not taken over (409 for the one that came second).
    await saveTour(deps.store, deps.tours, tour, deps.clock(), actorOf(c.get('principal')), { create: true });
    return c.json(tourJson(c, deps.tours.get(tour.id)), 201);
  })
  .put('/tours/:id', async (c) => {
    const deps = c.get('deps');
    const tour = await tourToWrite(c, await readJson(c, anyJson), c.req.param('id'));
    const existed = Boolean(deps.tours.find(tour.id));
    await saveTour(deps.store, deps.tours, tour, deps.clock(), actorOf(c.get('principal')));
    return c.json(tourJson(c, deps.tours.get(tour.id)), existed ? 200 : 201);
  })
  .get('/tours/:id/stats', async (c) => {
    const tour = visibleTour(c, c.req.param('id'));
    const { from, to } = parseFilter((k) => c.req.query(k));
    return c.json(await c.get('deps').store.statistics.tour(tour.config.id, { from, to }, tour.config.mode));
  })
  .get('/tours/:id/leads', (c) => {
    const tour = visibleTour(c, c.req.param('id'));
    const format = c.req.query('format') ?? 'json';
    const separator = c.req.query('separator') ?? ',';
    const locale = c.req.query('locale');
    if (!isExportFormat(format) || (separator !== ',' && separator !== ';')) {
      throw new GateError('VALIDATION_FAILED', {
        fields: !isExportFormat(format) ? { format: 'invalid' } : { separator: 'invalid' },
      });
    }
    if (locale !== undefined && locale !== 'de' && locale !== 'en') {
      throw new GateError('VALIDATION_FAILED', { fields: { locale: 'invalid' } });
    }
    const filter = parseFilter((k) => c.req.query(k));
    return tourExportResponse(c.get('deps'), tour, { format, separator, filter, locale });
  });
