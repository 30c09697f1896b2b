import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { GateEnv } from './context.ts';

/** The client's IP: the socket's, or the first `X-Forwarded-For` hop behind a trusted proxy. */
export function clientIp(c: Context<GateEnv>): string {
  if (c.get('deps').trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}
