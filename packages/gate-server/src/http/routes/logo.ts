/**
 * `GET /logos/:broker/:hash.:ext` — a broker's logo (issue 9), from the database, for the mask
 * on any page and for mail clients. The bytes were checked by content when saved
 * (`core/profile.ts`); they go out with their own strict type, `nosniff`, a policy under
 * which nothing in them could run, and a year's cache: the URL carries the content hash, so a
 * new logo has a new URL. An old or guessed URL is a plain 404.
 */
import { GateError } from '@tour-gate/shared';
import { Hono } from 'hono';
import { LOGO_TYPES, logoPath } from '../../core/profile.ts';
import type { GateEnv } from '../context.ts';

export const logoRoutes = new Hono<GateEnv>().get(
  '/logos/:broker/:file{[A-Za-z0-9_-]{22}\\.(?:png|jpg|webp)}',
  async (c) => {
    const broker = c.req.param('broker');
    const [hash = ''] = c.req.param('file').split('.');
    const logo = await c.get('deps').store.profiles.logo(broker, hash);
    // The extension must be the stored type's: one URL per logo.
    if (!logo || !LOGO_TYPES.includes(logo.type as never) || logoPath(broker, hash, logo.type) !== c.req.path) {
      throw new GateError('NOT_FOUND');
    }
    const etag = `"${logo.hash}"`;
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('ETag', etag);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', "default-src 'none'; sandbox");
    // An image on the broker's pages and in mail clients: any origin may show it.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', logo.type);
    return c.body(new Uint8Array(logo.bytes));
  },
);
