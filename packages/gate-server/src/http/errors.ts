/** One place where every thrown error becomes `{"error": {code, message, fields?}}`. */
import { GateError } from '@tour-gate/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable } from '../store/store.ts';
import type { GateContext, GateEnv } from './context.ts';

function toGateError(err: unknown): GateError {
  if (err instanceof GateError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new GateError('PAYLOAD_TOO_LARGE', { cause: err });
    if (err.status === 404) return new GateError('NOT_FOUND', { cause: err });
    if (err.status === 405) return new GateError('METHOD_NOT_ALLOWED', { cause: err });
    if (err.status >= 400 && err.status < 500) return new GateError('INVALID_JSON', { cause: err });
  }
  // The database is away (restart, failover, a locked SQLite file): the same request will do
  // in a moment.
  if (isDatabaseUnavailable(err)) return new GateError('UNAVAILABLE', { retryAfter: UNAVAILABLE_RETRY_S, cause: err });
  return new GateError('INTERNAL', { cause: err });
}

/** `Retry-After` while the database is away: a restart takes seconds. */
const UNAVAILABLE_RETRY_S = 5;

function errorResponse(c: Context, err: GateError): Response {
  if (err.retryAfter !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfter))));
  c.header('Cache-Control', 'no-store');
  return c.json(err.toBody(), err.status as ContentfulStatusCode);
}

export function onError<E extends GateEnv>(err: Error, c: GateContext<E>): Response {
  const gate = toGateError(err);
  if (gate.code === 'UNAVAILABLE') {
    const cause = gate.cause as { code?: string; message?: string } | undefined;
    c.get('deps')?.log.warn('database unavailable', {
      route: c.req.routePath,
      error: cause?.code ?? cause?.message ?? String(cause),
    });
  } else if (gate.code === 'INTERNAL') {
    // The route pattern, not the path: review and sign-in links carry their token in the path.
    c.get('deps')?.log.error('unhandled error', { route: c.req.routePath, error: String(err?.stack ?? err) });
  }
  return errorResponse(c, gate);
}

export function notFound(c: Context<GateEnv>): Response {
  return errorResponse(c, new GateError('NOT_FOUND'));
}
