import { getConnInfo } from '@hono/node-server/conninfo';
import type { GateContext, GateEnv } from './context.ts';

/**
 * The client's IP: the socket's, or behind a trusted proxy the last `X-Forwarded-For` hop —
 * the one that proxy added. Earlier hops are whatever the client chose to send.
 */
export function clientIp<E extends GateEnv>(c: GateContext<E>): string {
  if (c.get('deps').env.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}
