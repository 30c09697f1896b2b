/**
 * `GET /v1/tours/:tour/assets/*`: protected panorama files, only for a visitor whose access
 * still holds — by `Authorization: Bearer <access token>` or a short-lived signed query.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { GateError } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { holdsAccess } from './access.ts';
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

export async function authorizeAsset(
  deps: GateDeps,
  tour: Tour,
  bearer: string | undefined,
  query: { t?: string; exp?: string; sig?: string },
): Promise<void> {
  const now = deps.clock();
  // Never the access token itself in a URL: it lives for months and URLs end up in logs.
  const jti = bearer
    ? (await deps.accessTokens.verify(bearer, tour.config.id, now)).jti
    : deps.assetGrants.verify(tour.config.id, query, now);
  const row = await holdsAccess(deps, jti, now);
  if (row.tour_id !== tour.config.id) throw new GateError('TOKEN_INVALID');
}

/**
 * The file under the tour's assets folder, never outside it: the path is resolved with
 * `realpath`, so a symbolic link is followed only if it ends inside the folder's own real path
 * (a link to the database or to another tour's folder answers 404). The file is then opened by
 * that real path without following a link at its end, so a link swapped in meanwhile isn't
 * followed either.
 */
export async function openAsset(
  tour: Tour,
  path: string,
): Promise<{ body: ReadableStream; type: string; size: number }> {
  const dir = tour.config.assetsDir;
  const type = TYPES[extname(path).toLowerCase()];
  if (!dir || !type || path.includes('\0')) throw new GateError('NOT_FOUND');
  const root = await realpath(resolve(dir)).catch(() => undefined);
  if (!root) throw new GateError('NOT_FOUND');
  const asked = resolve(root, path);
  if (!asked.startsWith(root + sep)) throw new GateError('NOT_FOUND');
  const file = await realpath(asked).catch(() => undefined);
  if (!file?.startsWith(root + sep)) throw new GateError('NOT_FOUND');
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) throw new GateError('NOT_FOUND');
  const info = await handle.stat().catch(() => undefined);
  if (!info?.isFile()) {
    await handle.close();
    throw new GateError('NOT_FOUND');
  }
  return { body: Readable.toWeb(handle.createReadStream()) as ReadableStream, type, size: info.size };
}
