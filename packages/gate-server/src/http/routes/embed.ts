/**
 * Cover mode: `GET /v1/tours/:tour/embed` hands the tour viewer's address to a visitor whose
 * access holds (`Authorization: Bearer <access token>`), so the widget creates the `<iframe>`
 * only after unlock. CORS comes from `tourCors` like every tour route.
 */
import { Hono } from 'hono';
import { embedUrlFor } from '../../core/embed.ts';
import { bearerOf } from '../bearer.ts';
import type { GateEnv } from '../context.ts';

export const embedRoutes = new Hono<GateEnv>().get('/:tour/embed', async (c) => {
  const deps = c.get('deps');
  const tour = deps.tours.get(c.req.param('tour'));
  const answer = await embedUrlFor(deps, tour, bearerOf(c.req.header('authorization')));
  // Never kept by a cache: the address is for this visitor, now.
  c.header('Cache-Control', 'no-store');
  return c.json(answer);
});
