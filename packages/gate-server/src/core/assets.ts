/**
 * `GET|HEAD /v1/tours/:tour/assets/*`: protected panorama files, only for a visitor whose access
 * still holds — by `Authorization: Bearer <access token>` or a short-lived signed query.
 *
 * A multiresolution panorama asks for a few hundred tiles per room within seconds, each with the
 * same credential. So an authorization is remembered per server instance, per tour and exact
 * credential, for `ACCESS_RECHECK_MS` (2 s, the access check's bound, core/access.ts): a burst of
 * tiles costs one signature check and one database read every 2 s, not one each. It never holds
 * across tours (the tour is part of the key, and each credential is signed for one tour), never
 * past the token's or the grant's expiry (checked on every request), and a revocation stops the
 * files within 2 s on every instance.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { type ErrorCode, GateError } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { ACCESS_RECHECK_MS, holdsAccess } from './access.ts';
import type { GateDeps } from './deps.ts';

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.json': 'application/json',
  '.mp4': 'video/mp4',
};

/** How long an authorization is remembered: the access check's revocation bound. */
export const ASSET_RECHECK_MS = ACCESS_RECHECK_MS;

/** A recent authorization: it held until `until` (epoch ms), or was refused with `refused`. */
interface Grant {
  until: number;
  refused?: ErrorCode;
  /** When it was checked: monotonic ms, and the core's clock. */
  readAt: number;
  readNow: number;
}

/** Per composed core (tests start many in one process): `tour \n credential` → a recent check. */
const grants = new WeakMap<GateDeps, Map<string, Grant>>();
/** Entries kept per instance; past that the oldest half goes (fresh credentials can't grow it). */
const MAX_GRANTS = 50_000;

function grantsOf(deps: GateDeps): Map<string, Grant> {
  let map = grants.get(deps);
  if (!map) {
    map = new Map();
    grants.set(deps, map);
  }
  return map;
}

/**
 * Whether the credential opens the tour's files now: TOKEN_INVALID, ACCESS_EXPIRED or
 * ACCESS_REVOKED otherwise. Never the access token itself in a URL: it lives for months and
 * URLs end up in logs.
 */
export async function authorizeAsset(
  deps: GateDeps,
  tour: Tour,
  bearer: string | undefined,
  query: { t?: string | undefined; exp?: string | undefined; sig?: string | undefined },
): Promise<void> {
  const tourId = tour.config.id;
  const credential = bearer ? `b ${bearer}` : `g ${query.t}.${query.exp}.${query.sig}`;
  const key = `${tourId}\n${credential}`;
  const now = deps.clock();
  const mono = performance.now();
  const map = grantsOf(deps);
  const known = map.get(key);
  if (known && !stale(known, mono, now)) {
    if (known.refused) throw new GateError(known.refused);
    if (now < known.until) return;
    throw new GateError('ACCESS_EXPIRED');
  }
  map.delete(key);
  // Signatures first: a credential that isn't ours is refused without being remembered.
  let jti: string;
  let until: number;
  if (bearer) {
    const claims = await deps.accessTokens.verify(bearer, tourId, now);
    jti = claims.jti;
    until = claims.expiresAt;
  } else {
    jti = deps.assetGrants.verify(tourId, query, now);
    until = Number(query.exp) * 1000;
  }
  let grant: Grant;
  try {
    const row = await holdsAccess(deps, jti, now);
    if (row.tour_id !== tourId) throw new GateError('TOKEN_INVALID');
    grant = { until: Math.min(until, row.expires_at), readAt: mono, readNow: now };
  } catch (err) {
    if (!(err instanceof GateError) || err.code === 'UNAVAILABLE' || err.code === 'INTERNAL') throw err;
    grant = { until: 0, refused: err.code, readAt: mono, readNow: now };
  }
  if (map.size >= MAX_GRANTS) {
    let drop = map.size >> 1;
    for (const k of map.keys()) {
      if (drop-- <= 0) break;
      map.delete(k);
    }
  }
  map.set(key, grant);
  if (grant.refused) throw new GateError(grant.refused);
}

/** Older than the bound, by the wall or by the core's clock (which tests move). */
function stale(g: Grant, mono: number, now: number): boolean {
  return mono - g.readAt >= ASSET_RECHECK_MS || now - g.readNow >= ASSET_RECHECK_MS || now < g.readNow;
}

/** What a static file server says about a file: type, size, validators. */
export interface AssetInfo {
  type: string;
  size: number;
  /** Strong validator from size and modification time (as nginx makes it). */
  etag: string;
  /** `Last-Modified`, in HTTP date format (whole seconds). */
  lastModified: string;
  /** Modification time in whole seconds (epoch ms), for `If-Modified-Since`. */
  modifiedAt: number;
}

/** An asset opened for reading: its info and the open file (close it, or hand it to `readAsset`). */
export interface OpenAsset extends AssetInfo {
  handle: FileHandle;
}

/** The real path of each tour's folder, looked up at most every 2 s (not on every tile). */
const roots = new Map<string, { real: string | undefined; at: number }>();

async function rootOf(dir: string): Promise<string | undefined> {
  const mono = performance.now();
  const known = roots.get(dir);
  if (known && mono - known.at < ASSET_RECHECK_MS) return known.real;
  const real = await realpath(resolve(dir)).catch(() => undefined);
  roots.set(dir, { real, at: mono });
  return real;
}

/**
 * The real path of a file under the tour's assets folder, never outside it: the path is resolved
 * with `realpath`, so a symbolic link is followed only if it ends inside the folder's own real
 * path (a link to the database or to another tour's folder answers 404).
 */
async function locate(tour: Tour, path: string): Promise<{ file: string; type: string }> {
  const dir = tour.config.assetsDir;
  const type = TYPES[extname(path).toLowerCase()];
  if (!dir || !type || path.includes('\0')) throw new GateError('NOT_FOUND');
  const root = await rootOf(dir);
  if (!root) throw new GateError('NOT_FOUND');
  const asked = resolve(root, path);
  if (!asked.startsWith(root + sep)) throw new GateError('NOT_FOUND');
  const file = await realpath(asked).catch(() => undefined);
  if (!file?.startsWith(root + sep)) throw new GateError('NOT_FOUND');
  return { file, type };
}

function infoOf(type: string, s: Stats): AssetInfo {
  const seconds = Math.floor(s.mtimeMs / 1000);
  return {
    type,
    size: s.size,
    etag: `"${seconds.toString(16)}-${s.size.toString(16)}"`,
    lastModified: new Date(seconds * 1000).toUTCString(),
    modifiedAt: seconds * 1000,
  };
}

/**
 * The file's info without opening it (`HEAD`, and a revalidation that may end in 304): `lstat`
 * of the real path, so a link swapped in meanwhile is no file.
 */
export async function statAsset(tour: Tour, path: string): Promise<AssetInfo> {
  const { file, type } = await locate(tour, path);
  const s = await lstat(file).catch(() => undefined);
  if (!s?.isFile()) throw new GateError('NOT_FOUND');
  return infoOf(type, s);
}

/**
 * The file opened for reading, by its real path and without following a link at its end, so a
 * link swapped in meanwhile isn't followed either; its info from the open file.
 */
export async function openAsset(tour: Tour, path: string): Promise<OpenAsset> {
  const { file, type } = await locate(tour, path);
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) throw new GateError('NOT_FOUND');
  const s = await handle.stat().catch(() => undefined);
  if (!s?.isFile()) {
    await handle.close();
    throw new GateError('NOT_FOUND');
  }
  return { ...infoOf(type, s), handle };
}

/** Files up to this size are read whole into memory and sent in one write. */
export const WHOLE_READ_MAX = 512 * 1024;
/** Chunks a larger file is streamed in. */
const CHUNK = 256 * 1024;

/**
 * Bytes `start`..`end` (inclusive) of an opened asset; the handle is closed when done (or
 * when the reader cancels). Up to `WHOLE_READ_MAX` as one buffer (no stream at all); larger as
 * a byte stream read straight from the file handle in 256 KB chunks (no Node stream converted
 * to a web stream on the way).
 */
export async function readAsset(
  asset: OpenAsset,
  start: number,
  end: number,
): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  const { handle } = asset;
  const length = end - start + 1;
  if (length <= WHOLE_READ_MAX) {
    try {
      const buf = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buf, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      // A file that shrank meanwhile: never send bytes we didn't read.
      if (filled < length) throw new GateError('NOT_FOUND');
      return buf;
    } finally {
      await handle.close();
    }
  }
  let position = start;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const want = Math.min(CHUNK, end + 1 - position);
      try {
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, position);
        if (bytesRead === 0) {
          await close();
          controller.error(new Error('asset file ended early'));
          return;
        }
        position += bytesRead;
        controller.enqueue(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
        if (position > end) {
          await close();
          controller.close();
        }
      } catch (err) {
        await close().catch(() => {});
        controller.error(err);
      }
    },
    cancel: () => close(),
  });
}

/** Closes an opened asset that won't be read (304, an unsatisfiable range). */
export async function closeAsset(asset: OpenAsset): Promise<void> {
  await asset.handle.close().catch(() => {});
}
