/**
 * The baseline: a bare Hono app on @hono/node-server, what the same answers cost with nothing
 * of tour-gate around them (no middleware, no database). Started by the bench parts as a child
 * process: `node --import tsx bench/bare.ts` with `PORT`; `BARE_GATE_JSON` is the gate config
 * answer to send (the bench copies tour-gate's, so both send the same bytes). Parts may add routes
 * here for their own baselines.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const gateJson = process.env.BARE_GATE_JSON ?? '{}';
const app = new Hono()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/v1/tours/:tour/gate', (c) => c.body(gateJson, 200, { 'Content-Type': 'application/json; charset=utf-8' }))
  .get('/v1/tours/:tour/access', (c) =>
    c.json({ valid: true, tour: c.req.param('tour'), expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
  )
  .post('/v1/tours/:tour/registrations', async (c) => {
    await c.req.json();
    return c.json({ status: 'check-email' }, 202);
  });

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
// Exit (not die by the signal), so `--cpu-prof` can write its profile.
process.once('SIGTERM', () => process.exit(0));
