import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import type { GateEnv } from '../context.ts';

/** Liveness and readiness for orchestrators; readiness asks the database. */
export const opsRoutes = new Hono<GateEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    try {
      await c.get('deps').store.ping();
    } catch (cause) {
      throw new GateError('NOT_READY', { message: 'The database does not answer.', cause });
    }
    return c.json({ status: 'ready' });
  });
