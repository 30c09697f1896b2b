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

/**
 * The client went away while we read its request (closed the connection, or the server's
 * request timeout cut a body that came too slowly). Nothing is wrong with the server.
 */
function clientAborted(err: unknown, c: Context): boolean {
  if (c.req.raw.signal.aborted) return true;
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | undefined;
  return (
    e?.code === 'ECONNABORTED' ||
    e?.code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    e?.name === 'AbortError' ||
    (typeof e?.message === 'string' && /^(aborted|terminated|Client connection prematurely closed)/i.test(e.message))
  );
}

/** Status recorded for a request whose client went away before the answer (as nginx does). */
const CLIENT_CLOSED = 499;

export function onError<E extends GateEnv>(err: Error, c: GateContext<E>): Response {
  const deps = c.get('deps');
  if (!(err instanceof GateError) && !(err instanceof HTTPException) && clientAborted(err, c)) {
    // One line, no stack: a visitor closing the tab is not an error of ours.
    deps?.log.info('client aborted the request', { method: c.req.method, route: c.req.routePath });
    return new Response(null, { status: CLIENT_CLOSED });
  }
  const gate = toGateError(err);
  if (gate.code === 'UNAVAILABLE') {
    const cause = gate.cause as { code?: string; message?: string } | undefined;
    deps?.metrics.databaseErrors.inc({ kind: 'unavailable' });
    deps?.log.warn('database unavailable', {
      route: c.req.routePath,
      error: cause?.code ?? cause?.message ?? String(cause),
    });
  } else if (gate.code === 'INTERNAL') {
    // The route pattern, not the path: review and sign-in links carry their token in the path.
    deps?.log.error('unhandled error', { route: c.req.routePath, error: String(err?.stack ?? err) });
  }
  return errorResponse(c, gate);
}

export function notFound(c: Context<GateEnv>): Response {
  return errorResponse(c, new GateError('NOT_FOUND'));
}
