/**
 * The HTTP app: routes split by resource, one error handler. Tests call `app.request()`
 * without opening a port.
 */
import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { adminRoutes } from '../admin/routes.ts';
import type { GateDeps } from '../core/deps.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { MAX_BODY_BYTES } from './body.ts';
import type { GateEnv } from './context.ts';
import { tourCors } from './cors.ts';
import { notFound, onError } from './errors.ts';
import { devMailboxRoutes } from './routes/dev-mailbox.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { opsRoutes } from './routes/ops.ts';
import { reviewRoutes } from './routes/review.ts';
import { tourRoutes } from './routes/tours.ts';
import { unlockRoutes } from './routes/unlock.ts';
import { widgetRoutes } from './routes/widget.ts';
import { apiHeaders, dashboardHeaders, devMailboxHeaders, reviewHeaders } from './security-headers.ts';

export function createApp(deps: GateDeps): Hono<GateEnv> {
  const app = new Hono<GateEnv>();
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });
  app.onError(onError);
  app.notFound(notFound);
  // One policy per surface (security-headers.ts), before the routes so error pages get it too.
  app.use('/v1/*', apiHeaders);
  app.use('/review/*', reviewHeaders);
  app.use('/dashboard/*', dashboardHeaders);
  app.use('/dev/*', devMailboxHeaders);

  // Counted while the body streams in: a chunked upload without Content-Length is cut off at
  // the limit instead of being read into memory first.
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new GateError('PAYLOAD_TOO_LARGE');
      },
    }),
  );
  app.use('/v1/tours/:tour/*', tourCors());
  app.use('/v1/unlock', tourCors());
  app.route('/v1/tours', tourRoutes);
  app.route('/v1/unlock', unlockRoutes);
  app.route('/v1', openApiRoutes);
  app.route('/review', reviewRoutes);
  app.route('/', opsRoutes);
  app.route('/', widgetRoutes);
  app.route('/v1/admin', adminRoutes);
  app.route('/dashboard', dashboardRoutes);
  // Only when development asked for it (readEnv never sets devMailbox in production).
  if (deps.transport.kind === 'dev-mailbox' && deps.env.devMailbox && !deps.env.production) {
    app.route('/dev', devMailboxRoutes);
  }
  return app;
}
