/**
 * `GET /metrics` in the Prometheus text format, on the main port only with
 * `Authorization: Bearer <GATE_METRICS_KEY>`; without the key set it does not exist here (a
 * scraper on the machine can use `GATE_METRICS_PORT` instead, see `server.ts`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import { bearerOf } from '../bearer.ts';
import type { GateEnv } from '../context.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export const metricsRoutes = new Hono<GateEnv>().get('/metrics', async (c) => {
  const { env, metrics } = c.get('deps');
  if (!env.metricsKey) throw new GateError('NOT_FOUND');
  const given = bearerOf(c.req.header('authorization'));
  if (!given || !timingSafeEqual(digest(given), digest(env.metricsKey))) {
    c.header('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new GateError('UNAUTHORIZED');
  }
  const { body, contentType } = await metrics.render();
  c.header('Cache-Control', 'no-store');
  return c.body(body, 200, { 'Content-Type': contentType });
});
