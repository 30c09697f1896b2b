/**
 * Two helpers for the hot paths (gate config, access check), which every page view and every
 * returning visitor hit. On @hono/node-server, `c.req.header()` builds a WHATWG `Headers` of
 * every request header and `c.header()` another for the answer; an answer whose headers are one
 * plain object goes to Node's `writeHead` as it is. So:
 *
 * - `requestHeader` reads Node's parsed request headers when the request came through a Node
 *   server (`c.env.incoming`), `c.req.header()` otherwise (tests call `app.request()`);
 * - `completeResponse` makes an answer that already carries every header its surface needs
 *   (security headers, CORS, caching); the middleware that would add them after the handler
 *   (`apiHeaders`, `tourCors`) see `isComplete` and leave it alone.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** A request header by its lower-case name (repeated headers joined with `, `, as `Headers` does). */
export function requestHeader(c: Context, name: Lowercase<string>): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

const complete = new WeakSet<Response>();

/** An answer with all its headers (lower-case names); middleware adds none. */
export function completeResponse(
  body: string | null,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  const res = new Response(body, { status, headers });
  complete.add(res);
  return res;
}

/** Whether `res` came from `completeResponse` (its headers are final). */
export function isComplete(res: Response): boolean {
  return complete.has(res);
}

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 weak comparison: a list of entity
 * tags, `W/` ignored, `*` matches any).
 */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === etag) return true;
  for (const part of ifNoneMatch.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
