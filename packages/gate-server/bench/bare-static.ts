/**
 * The baseline for protected assets: a bare static file server, `@hono/node-server/serve-static`
 * on @hono/node-server, nothing of tour-gate around it (no access check, no middleware). Started by
 * bench/parts/assets.ts as a child process: `node --import tsx bench/bare-static.ts` with `PORT`
 * and `BARE_STATIC_ROOT` (the folder it serves under `/v1/tours/:tour/assets/`, the gate's paths).
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const root = process.env.BARE_STATIC_ROOT;
if (!root) throw new Error('BARE_STATIC_ROOT is not set');
const app = new Hono()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .use(
    '/v1/tours/:tour/assets/*',
    serveStatic({ root, rewriteRequestPath: (path) => path.replace(/^\/v1\/tours\/[^/]+\/assets/, '') }),
  );

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
