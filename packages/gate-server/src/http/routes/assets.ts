/**
 * `GET|HEAD /v1/tours/:tour/assets/*` (mounted by routes/tours.ts): protected panorama files,
 * answered like a static file server would — `ETag` and `Last-Modified`, `If-None-Match` /
 * `If-Modified-Since` → 304, one `Range` → 206 (416 past the end), `If-Range`, `HEAD` without
 * a body, `Accept-Ranges: bytes` — after the access check of core/assets.ts.
 */
import { GateError } from '@tour-gate/shared';
import type { Context } from 'hono';
import { type AssetInfo, authorizeAsset, closeAsset, openAsset, readAsset, statAsset } from '../../core/assets.ts';
import { bearerOf } from '../bearer.ts';
import type { GateEnv } from '../context.ts';
import { etagMatches, requestHeader } from '../fast.ts';

/** Private: a shared cache must never hand a protected room to someone else. */
const CACHE_CONTROL = 'private, max-age=3600';

export async function serveAsset(c: Context<GateEnv>): Promise<Response> {
  const deps = c.get('deps');
  const tour = deps.tours.get(c.req.param('tour') ?? '');
  await authorizeAsset(deps, tour, bearerOf(requestHeader(c, 'authorization')), {
    t: c.req.query('t'),
    exp: c.req.query('exp'),
    sig: c.req.query('sig'),
  });
  const prefix = `/v1/tours/${tour.config.id}/assets/`;
  let path: string;
  try {
    path = decodeURIComponent(c.req.path.slice(prefix.length));
  } catch {
    throw new GateError('NOT_FOUND');
  }
  const head = c.req.method === 'HEAD';
  const ifNoneMatch = requestHeader(c, 'if-none-match');
  const ifModifiedSince = requestHeader(c, 'if-modified-since');
  const range = requestHeader(c, 'range');
  const ifRange = requestHeader(c, 'if-range');

  // HEAD and revalidations need the file's validators only: no file opened for them.
  if (head || ifNoneMatch !== undefined || ifModifiedSince !== undefined) {
    const info = await statAsset(tour, path);
    if (notModified(info, ifNoneMatch, ifModifiedSince)) return c.body(null, 304, validators(info));
    if (head) {
      const part = wanted(info, range, ifRange);
      return c.body(null, part.status, headersFor(info, part));
    }
  }
  const asset = await openAsset(tour, path);
  const part = wanted(asset, range, ifRange);
  if (part.status === 416) {
    await closeAsset(asset);
    return c.body(null, 416, headersFor(asset, part));
  }
  // A whole small file is one buffer (one write), a large one a byte stream.
  const body = (await readAsset(asset, part.start, part.end)) as Uint8Array<ArrayBuffer> | ReadableStream;
  return c.body(body, part.status, headersFor(asset, part));
}

/** RFC 9110 § 13.1.3: If-None-Match when sent (weak comparison), else If-Modified-Since. */
function notModified(info: AssetInfo, ifNoneMatch: string | undefined, ifModifiedSince: string | undefined): boolean {
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, info.etag);
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && info.modifiedAt <= since;
}

type Part = { status: 200 | 206; start: number; end: number } | { status: 416; start: 0; end: -1 };

/**
 * The bytes to send: one range of `bytes=a-b`, `bytes=a-` or `bytes=-n` (206), past the end
 * 416; the whole file (200) without a Range, with several ranges or one we can't read (a server
 * may ignore Range), or when If-Range names another version of the file.
 */
function wanted(info: AssetInfo, range: string | undefined, ifRange: string | undefined): Part {
  const whole = { status: 200 as const, start: 0, end: info.size - 1 };
  if (range === undefined) return whole;
  if (ifRange !== undefined) {
    const tag = ifRange.trim();
    // A strong comparison for an entity tag; a date must be the exact Last-Modified.
    const same = tag.startsWith('"') || tag.startsWith('W/') ? tag === info.etag : tag === info.lastModified;
    if (!same) return whole;
  }
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!m || (m[1] === '' && m[2] === '')) return whole;
  const size = info.size;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { status: 416, start: 0, end: -1 };
    return { status: 206, start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (last < start) return whole;
  if (start >= size) return { status: 416, start: 0, end: -1 };
  return { status: 206, start, end: Math.min(last, size - 1) };
}

/**
 * What a 304 carries too: the validators, `Cache-Control`, and the cross-origin permission the
 * 200 had (a viewer on the tour's page loads the file from another origin).
 */
function validators(info: AssetInfo): Record<string, string> {
  return {
    ETag: info.etag,
    'Last-Modified': info.lastModified,
    'Cache-Control': CACHE_CONTROL,
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}

function headersFor(info: AssetInfo, part: Part): Record<string, string> {
  const headers: Record<string, string> = {
    ...validators(info),
    'Accept-Ranges': 'bytes',
    'Content-Type': info.type,
  };
  if (part.status === 416) {
    headers['Content-Range'] = `bytes */${info.size}`;
    headers['Content-Length'] = '0';
    // No image: a 416 says what is wrong in its header.
    delete headers['Content-Type'];
    return headers;
  }
  headers['Content-Length'] = String(part.end - part.start + 1);
  if (part.status === 206) headers['Content-Range'] = `bytes ${part.start}-${part.end}/${info.size}`;
  return headers;
}
