/**
 * CORS only for each tour's allowed origins (and the origin of its tour page). A browser
 * request from any other origin gets no CORS headers, and a state-changing one is refused
 * outright, so a foreign page can't even trigger a mail.
 */
import { GateError } from '@tour-gate/shared';
import type { Context, MiddlewareHandler } from 'hono';
import type { GateEnv } from './context.ts';
import { checkEmbedOrigin, isGateConfigGet } from './embed-check.ts';

function allowed(c: Context<GateEnv>, origin: string): boolean {
  const { tours } = c.get('deps');
  const tourId = c.req.param('tour');
  if (tourId) {
    const tour = tours.find(tourId);
    return tour ? tour.origins.includes(origin) : false;
  }
  return tours.anyAllows(origin);
}

export function tourCors(): MiddlewareHandler<GateEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    c.header('Vary', 'Origin', { append: true });
    if (!origin) return next();
    const ok = allowed(c, origin);
    // The widget's first request: counted, and a refusal it can read (embed-check.ts).
    if (isGateConfigGet(c)) {
      const refused = checkEmbedOrigin(c, origin, ok);
      if (refused) return refused;
    }
    if (c.req.method === 'OPTIONS') {
      if (!ok) return c.body(null, 403);
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      c.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      c.header('Access-Control-Max-Age', '7200');
      return c.body(null, 204);
    }
    if (!ok) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new GateError('ORIGIN_NOT_ALLOWED');
      return next();
    }
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', 'ETag, Retry-After');
    return next();
  };
}
