/**
 * The visitor's last request for a tour, kept in this browser so a returning visitor is told
 * where things stand: sent with a link by email (`check-email`), with the broker
 * (`awaiting-approval`), denied (learnt from a redeemed link) or withdrawn (learnt from the
 * server's answer about the stored access). No typed value is kept here — no name, no address:
 * only the state, the time, the server's request handle and, after a denial, the link token that
 * lets the visitor ask again. Stored under the access key plus `REQUEST_SUFFIX`, so storing an
 * access (an unlock) removes it (`writeAccess`). Lives in the mask's chunk: the page's up-front
 * script only removes it.
 */
import type { Endpoint } from '../internal/api.ts';
import { accessKey, REQUEST_SUFFIX } from '../storage.ts';

type RequestState = 'check-email' | 'awaiting-approval' | 'denied' | 'revoked';

export interface StoredRequest {
  state: RequestState;
  /** When it was sent or learnt (ISO 8601). */
  at: string;
  /** The server's handle from the registration or repeat answer: adds a message, asks for the link again. */
  request?: string | undefined;
  /** After a denial: the redeemed link's token, which proves the address for "ask again". */
  token?: string | undefined;
}

const STATES: readonly string[] = ['check-email', 'awaiting-approval', 'denied', 'revoked'];

const keyOf = (endpoint: Endpoint) => accessKey(endpoint.server, endpoint.tour) + REQUEST_SUFFIX;

export function readRequest(endpoint: Endpoint | undefined): StoredRequest | undefined {
  if (!endpoint) return undefined;
  try {
    const value = JSON.parse(localStorage.getItem(keyOf(endpoint)) ?? 'null') as StoredRequest | null;
    // Checked for what the screens rely on (a state, a date); the handle and the token only
    // travel back to the server, which checks them.
    return value && STATES.includes(value.state) && !Number.isNaN(Date.parse(value.at)) ? value : undefined;
  } catch {
    // Unreadable, or storage is off (sandboxed iframe, privacy settings): nothing is known.
    return undefined;
  }
}

/** Stores what the visitor's request came to; the time is now unless given. */
export function writeRequest(endpoint: Endpoint | undefined, request: Omit<StoredRequest, 'at'>): StoredRequest {
  const stored = { ...request, at: new Date().toISOString() };
  try {
    if (endpoint) localStorage.setItem(keyOf(endpoint), JSON.stringify(stored));
  } catch {
    // Quota or privacy settings: the state still holds for this page view (the mask shows it).
  }
  return stored;
}

export function clearRequest(endpoint: Endpoint | undefined): void {
  try {
    if (endpoint) localStorage.removeItem(keyOf(endpoint));
  } catch {
    // see writeRequest
  }
}
