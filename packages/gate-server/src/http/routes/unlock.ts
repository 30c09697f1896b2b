import { unlockRequestSchema } from '@tour-gate/shared';
import { Hono } from 'hono';
import { clientKey, enforce } from '../../core/rate-limit.ts';
import { redeem } from '../../core/redeem.ts';
import { readJson } from '../body.ts';
import { clientIp } from '../client.ts';
import type { GateEnv } from '../context.ts';

/** `POST /v1/unlock` — the token from the link's fragment, sent by the widget. */
export const unlockRoutes = new Hono<GateEnv>().post('/', async (c) => {
  const deps = c.get('deps');
  const { token } = await readJson(c, unlockRequestSchema);
  await enforce(deps.rateCounter, `unlock:ip:${clientKey(clientIp(c))}`, deps.limits.unlockPerIp, deps.clock());
  const answer = await redeem(deps, token, c.req.header('origin'));
  c.header('Cache-Control', 'no-store');
  return c.json(answer);
});
