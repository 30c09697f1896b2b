/**
 * Access tokens in `localStorage`, one entry per gate server and tour, so that an unlock link
 * opened in one tab unlocks every tab of the same browser (through the `storage` event) and
 * survives a reload. An entry whose token has run out is dropped when read.
 */
import type { AssetGrant } from '@tour-gate/shared';
import { jwtExpiresAt } from './internal/jwt.ts';
import { isStoredAccess } from './internal/wire.ts';

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

/** Parses a stored value; undefined for anything malformed (an asset grant included) or expired. */
export function parseAccess(raw: string | null, now = Date.now()): StoredAccess | undefined {
  try {
    const access = JSON.parse(raw as string) as StoredAccess;
    // NaN (an unreadable date and no `exp`) compares false, so such an entry counts as expired.
    return isStoredAccess(access) && accessEndsAt(access) > now ? access : undefined;
  } catch {
    // Not JSON. (`null` parses as null, which no shape accepts.)
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
  const raw = storage()?.getItem(key) ?? null;
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
  const store = storage();
  try {
    store?.removeItem(key + REQUEST_SUFFIX);
    store?.setItem(key, JSON.stringify(access));
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
