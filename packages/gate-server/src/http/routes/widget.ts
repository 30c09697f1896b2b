/**
 * The embed script. `/widget.js` keeps its name (brokers paste it), so it is cached for five
 * minutes and then revalidated (no stale-while-revalidate: an old widget.js would ask for
 * chunks a new deploy no longer has); the chunks carry a content hash and are cached for a
 * year. Deploys should keep the previous build's `widget-chunks/` for a few minutes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { GateError } from '@tour-gate/shared';
import { type Context, Hono } from 'hono';
import type { GateEnv } from '../context.ts';

const cache = new Map<string, { body: Buffer; etag: string }>();

async function load(file: string): Promise<{ body: Buffer; etag: string }> {
  const hit = cache.get(file);
  if (hit) return hit;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    throw new GateError('NOT_FOUND', {
      message: 'The widget is not built. Run `pnpm --filter @tour-gate/gate-widget build`.',
    });
  }
  const entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  cache.set(file, entry);
  return entry;
}

/**
 * Module scripts from another origin need CORS. The widget is public code, the same for every
 * page: it is served to every origin, so a page on an origin no tour allows still gets a
 * `<tour-gate>` that tells the visitor and the broker what is wrong. What is protected is the
 * API (`/v1/…`), whose CORS stays per tour.
 */
function cors(c: Context<GateEnv>): void {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Cross-Origin-Resource-Policy', 'cross-origin');
}

async function serve(c: Context<GateEnv>, file: string, cacheControl: string): Promise<Response> {
  const { body, etag } = await load(file);
  cors(c);
  c.header('Cache-Control', cacheControl);
  c.header('ETag', etag);
  c.header('X-Content-Type-Options', 'nosniff');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  return c.body(new Uint8Array(body));
}

export const widgetRoutes = new Hono<GateEnv>()
  .get('/widget.js', (c) =>
    serve(c, join(c.get('deps').env.widgetDist, 'widget.js'), 'public, max-age=300, must-revalidate'),
  )
  .get('/widget-chunks/:file{[A-Za-z0-9._-]+\\.js}', (c) => {
    const file = normalize(c.req.param('file'));
    return serve(c, join(c.get('deps').env.widgetDist, 'widget-chunks', file), 'public, max-age=31536000, immutable');
  });
