/**
 * The HTTP app: routes split by resource, one error handler. Tests call `app.request()`
 * without opening a port.
 */
import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { adminRoutes } from '../admin/routes.ts';
import type { GateDeps } from '../core/deps.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { MAX_BODY_BYTES } from './body.ts';
import type { GateEnv } from './context.ts';
import { tourCors } from './cors.ts';
import { notFound, onError } from './errors.ts';
import { hotLane } from './hot-paths.ts';
import { devMailboxRoutes } from './routes/dev-mailbox.ts';
import { embedRoutes } from './routes/embed.ts';
import { logoRoutes } from './routes/logo.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { opsRoutes } from './routes/ops.ts';
import { reviewRoutes } from './routes/review.ts';
import { tourRoutes } from './routes/tours.ts';
import { unlockRoutes } from './routes/unlock.ts';
import { widgetRoutes } from './routes/widget.ts';
import { apiHeaders, dashboardHeaders, devMailboxHeaders, reviewHeaders } from './security-headers.ts';

/** Methods whose requests the routes never read a body of. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createApp(deps: GateDeps): Hono<GateEnv> {
  const app = new Hono<GateEnv>();
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.header('X-Content-Type-Options', 'nosniff');
    const started = performance.now();
    await next();
    // The route pattern (`/review/:token`), never the path: links carry their token in it.
    const route = routePath(c, -1) || 'unmatched';
    deps.metrics.record(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  });
  app.onError(onError);
  app.notFound(notFound);
  // One policy per surface (security-headers.ts), before the routes so error pages get it too.
  app.use('/v1/*', apiHeaders);
  app.use('/review/*', reviewHeaders);
  app.use('/dashboard/*', dashboardHeaders);
  app.use('/dev/*', devMailboxHeaders);

  // Counted while the body streams in: a chunked upload without Content-Length is cut off at
  // the limit instead of being read into memory first. Only for methods that carry a body:
  // bodyLimit reads `c.req.raw.body`, for which @hono/node-server builds a whole WHATWG
  // Request (with an AbortSignal) from Node's request; a GET, HEAD or OPTIONS never reads a
  // body (Node discards one that comes anyway), so it skips that cost.
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new GateError('PAYLOAD_TOO_LARGE');
    },
  });
  app.use('/v1/*', (c, next) => (BODYLESS.has(c.req.method) ? next() : limitBody(c, next)));
  app.use('/v1/tours/:tour/*', tourCors());
  app.use('/v1/unlock', tourCors());
  app.route('/v1/tours', tourRoutes);
  app.route('/v1/tours', embedRoutes);
  app.route('/v1/unlock', unlockRoutes);
  app.route('/v1', openApiRoutes);
  app.route('/review', reviewRoutes);
  app.route('/', opsRoutes);
  app.route('/', metricsRoutes);
  app.route('/', widgetRoutes);
  // Brokers' logos (issue 9): public images, by content hash.
  app.route('/', logoRoutes);
  app.route('/v1/admin', adminRoutes);
  app.route('/dashboard', dashboardRoutes);
  // Only when development asked for it (readEnv never sets devMailbox in production).
  if (deps.transport.kind === 'dev-mailbox' && deps.env.devMailbox && !deps.env.production) {
    app.route('/dev', devMailboxRoutes);
  }
  // The hot lane (hot-paths.ts) in front of the router: what goes right on the two requests of
  // every page view and returning visitor is answered there, whole; everything else comes here.
  app.fetch = hotLane(deps, app.fetch);
  return app;
}
