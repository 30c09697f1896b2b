/**
 * Broker sessions. The cookie holds 256 random bits; the database holds only their SHA-256,
 * so a copy of the database opens no dashboard. The cookie is HttpOnly, SameSite=Lax, scoped to
 * `/dashboard`, and Secure whenever the server is reached over HTTPS or runs in production.
 *
 * CSRF: every form carries HMAC(secret, cookie value). Logged in, the cookie is the session;
 * before login (the login forms) it is a random pre-session cookie, so a foreign page cannot
 * log a broker into someone else's account either.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BrokerConfig } from '@tour-gate/shared/config';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { GateEnv } from '../http/context.ts';
import { deriveKey } from '../security/access-token.ts';
import { hashToken } from '../security/tokens.ts';

export const SESSION_COOKIE = 'tg_session';
export const PRE_COOKIE = 'tg_pre';
export const SESSION_TTL_MS = 12 * 60 * 60_000;

function secure(c: Context<GateEnv>): boolean {
  const { env } = c.get('deps');
  return env.production || env.publicUrl.startsWith('https:');
}

const cookieOptions = (c: Context<GateEnv>, maxAgeS: number) =>
  ({ path: '/dashboard', httpOnly: true, sameSite: 'Lax', secure: secure(c), maxAge: maxAgeS }) as const;

export function csrfFor(secret: string, cookieValue: string): string {
  return createHmac('sha256', deriveKey(secret, 'dashboard-csrf')).update(cookieValue).digest('base64url');
}

export function csrfValid(secret: string, cookieValue: string | undefined, presented: unknown): boolean {
  if (!cookieValue || typeof presented !== 'string') return false;
  const want = Buffer.from(csrfFor(secret, cookieValue));
  const got = Buffer.from(presented);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The pre-session cookie value (set when missing) for the login forms' CSRF token. */
export function preSession(c: Context<GateEnv>): string {
  let v = getCookie(c, PRE_COOKIE);
  if (!v || !/^[A-Za-z0-9_-]{43}$/.test(v)) {
    v = randomBytes(32).toString('base64url');
    setCookie(c, PRE_COOKIE, v, cookieOptions(c, 60 * 60));
  }
  return v;
}

export async function startSession(c: Context<GateEnv>, brokerId: string): Promise<void> {
  const { store, clock } = c.get('deps');
  const token = randomBytes(32).toString('base64url');
  const now = clock();
  await store.kysely
    .insertInto('dashboard_sessions')
    .values({ token_hash: hashToken(token), broker_id: brokerId, created_at: now, expires_at: now + SESSION_TTL_MS })
    .execute();
  // Housekeeping on the way: ended sessions are of no use.
  await store.kysely.deleteFrom('dashboard_sessions').where('expires_at', '<', now).execute();
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, SESSION_TTL_MS / 1000));
  deleteCookie(c, PRE_COOKIE, { path: '/dashboard' });
}

export interface Session {
  token: string;
  broker: BrokerConfig;
  csrf: string;
}

/** The signed-in broker, or undefined (no cookie, unknown, expired, or broker removed). */
export async function currentSession(c: Context<GateEnv>): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 100) return undefined;
  const { store, clock, tours, env } = c.get('deps');
  const row = await store.kysely
    .selectFrom('dashboard_sessions')
    .select(['broker_id', 'expires_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || Number(row.expires_at) <= clock()) return undefined;
  const broker = tours.broker(row.broker_id);
  return broker ? { token, broker, csrf: csrfFor(env.secret, token) } : undefined;
}

export async function endSession(c: Context<GateEnv>, token: string): Promise<void> {
  await c
    .get('deps')
    .store.kysely.deleteFrom('dashboard_sessions')
    .where('token_hash', '=', hashToken(token))
    .execute();
  deleteCookie(c, SESSION_COOKIE, { path: '/dashboard', secure: secure(c), httpOnly: true, sameSite: 'Lax' });
}
