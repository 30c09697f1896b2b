/**
 * `GET /v1/tours/:tour/assets/*`: protected panorama files, only for a visitor whose access
 * still holds — by `Authorization: Bearer <access token>` or a short-lived signed query.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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

/** The file under the tour's assets folder, never outside it. */
export async function openAsset(
  tour: Tour,
  path: string,
): Promise<{ body: ReadableStream; type: string; size: number }> {
  const dir = tour.config.assetsDir;
  const type = TYPES[extname(path).toLowerCase()];
  if (!dir || !type || path.includes('\0')) throw new GateError('NOT_FOUND');
  const root = resolve(dir);
  const file = resolve(root, path);
  if (!file.startsWith(root + sep)) throw new GateError('NOT_FOUND');
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new GateError('NOT_FOUND');
  return { body: Readable.toWeb(createReadStream(file)) as ReadableStream, type, size: info.size };
}
