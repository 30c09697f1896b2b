/**
 * Access tokens in `localStorage`, one entry per gate server and tour, so that an unlock link
 * opened in one tab unlocks every tab of the same browser (through the `storage` event) and
 * survives a reload. An entry whose token has run out is dropped when read.
 */
import type { AssetGrant } from '@tour-gate/shared';
import { jwtExpiresAt } from './internal/jwt.ts';

export interface StoredAccess {
  accessToken: string;
  /** ISO 8601, from the unlock answer; used when the token's own `exp` can't be read. */
  expiresAt: string;
  /** The short-lived signed query for asset URLs, if the server hands one out. */
  assets?: AssetGrant | undefined;
}

const PREFIX = 'tour-gate:access:';

/** The storage key of one tour on one server. */
export function accessKey(server: string, tour: string): string {
  return `${PREFIX}${server}|${tour}`;
}

/** Milliseconds since the epoch when this access ends. */
export function accessEndsAt(access: StoredAccess): number {
  return jwtExpiresAt(access.accessToken) ?? Date.parse(access.expiresAt);
}

/** Parses a stored value; undefined for anything malformed or expired. */
export function parseAccess(raw: string | null, now = Date.now()): StoredAccess | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StoredAccess>;
    if (typeof value.accessToken !== 'string' || typeof value.expiresAt !== 'string') return undefined;
    const assets = value.assets;
    const access: StoredAccess = { accessToken: value.accessToken, expiresAt: value.expiresAt };
    if (assets && typeof assets.query === 'string' && typeof assets.expiresAt === 'string') access.assets = assets;
    // NaN (an unreadable date and no `exp`) compares false, so such an entry counts as expired.
    return accessEndsAt(access) > now ? access : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Storage can be missing or throw (Safari private mode of old, sandboxed iframes, disabled
 * cookies); the gate then still works for the current page view.
 */
function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function readAccess(key: string): StoredAccess | undefined {
  const store = storage();
  let raw: string | null = null;
  try {
    raw = store?.getItem(key) ?? null;
  } catch {
    return undefined;
  }
  const access = parseAccess(raw);
  // An expired entry locks again quietly: drop it so other tabs see the change too.
  if (raw && !access) clearAccess(key);
  return access;
}

/**
 * Appended to an access key, the key of the visitor's last request for that tour (kept by the
 * mask, `mask/request-store.ts`): pending, link sent, denied, revoked. An access stored for the
 * tour makes it history, so writing one removes it.
 */
export const REQUEST_SUFFIX = ':request';

export function writeAccess(key: string, access: StoredAccess): void {
  try {
    storage()?.removeItem(key + REQUEST_SUFFIX);
    storage()?.setItem(key, JSON.stringify(access));
  } catch {
    // Quota or privacy settings: the access still holds for this page view.
  }
}

export function clearAccess(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // see writeAccess
  }
}

/**
 * Calls `listener` when another tab changes this key (the `storage` event never fires in the
 * tab that made the change). Returns the function that stops listening.
 */
export function watchAccess(key: string, listener: (access: StoredAccess | undefined) => void): () => void {
  const onStorage = (event: StorageEvent) => {
    // `key === null` means another tab called `localStorage.clear()`.
    if (event.key === key || event.key === null) listener(parseAccess(event.key === null ? null : event.newValue));
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
