/**
 * Broker sessions in cookies. The cookie holds the session token (see `core/broker-access.ts`);
 * it is HttpOnly, SameSite=Lax, scoped to `/dashboard`, and Secure whenever the server is
 * reached over HTTPS or runs in production.
 *
 * CSRF: every form carries HMAC(secret, cookie value). Logged in, the cookie is the session;
 * before login (the login forms) it is a random pre-session cookie, so a foreign page cannot
 * log a broker into someone else's account either.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import type { BrokerConfig } from '@tour-gate/shared/config';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Tour } from '../config/tours.ts';
import { endSession as endBrokerSession, sessionBroker } from '../core/broker-access.ts';
import type { GateContext, GateEnv } from '../http/context.ts';
import { deriveKey } from '../security/access-token.ts';
import { isLinkToken } from '../security/tokens.ts';

export const SESSION_COOKIE = 'tg_session';
export const PRE_COOKIE = 'tg_pre';
/** The dashboard page a signed-out broker asked for (a lead linked from a mail), for after the sign-in. */
const WANTED_COOKIE = 'tg_wanted';

function secure<E extends GateEnv>(c: GateContext<E>): boolean {
  const { env } = c.get('deps');
  return env.production || env.publicUrl.startsWith('https:');
}

const cookieOptions = <E extends GateEnv>(c: GateContext<E>, maxAgeS: number) =>
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
export function preSession<E extends GateEnv>(c: GateContext<E>): string {
  let v = getCookie(c, PRE_COOKIE);
  if (!isLinkToken(v)) {
    v = randomBytes(32).toString('base64url');
    setCookie(c, PRE_COOKIE, v, cookieOptions(c, 60 * 60));
  }
  return v;
}

/** Sets the session cookie of a session the core opened. */
export function setSessionCookie<E extends GateEnv>(c: GateContext<E>, session: { token: string; maxAgeMs: number }) {
  setCookie(c, SESSION_COOKIE, session.token, cookieOptions(c, session.maxAgeMs / 1000));
  deleteCookie(c, PRE_COOKIE, { path: '/dashboard' });
}

/** A dashboard page to come back to: a path below `/dashboard/` with at most a query, nothing else. */
const WANTED = /^\/dashboard\/[A-Za-z0-9._~%\-/]*(\?[A-Za-z0-9._~%\-=&]*)?$/;

/** Remembers (for an hour) the page a signed-out broker asked for, if it is one to come back to. */
export function rememberWanted<E extends GateEnv>(c: GateContext<E>, pathAndQuery: string): void {
  if (WANTED.test(pathAndQuery) && !pathAndQuery.includes('//') && !pathAndQuery.startsWith('/dashboard/login')) {
    setCookie(c, WANTED_COOKIE, encodeURIComponent(pathAndQuery), cookieOptions(c, 60 * 60));
  }
}

/** Where a broker goes after signing in: the remembered page (then forgotten), else the dashboard's home. */
export function takeWanted<E extends GateEnv>(c: GateContext<E>): string {
  const raw = getCookie(c, WANTED_COOKIE);
  if (raw === undefined) return '/dashboard';
  deleteCookie(c, WANTED_COOKIE, { path: '/dashboard', secure: secure(c), httpOnly: true, sameSite: 'Lax' });
  let wanted: string;
  try {
    wanted = decodeURIComponent(raw);
  } catch {
    return '/dashboard';
  }
  return WANTED.test(wanted) && !wanted.includes('//') ? wanted : '/dashboard';
}

/** A dashboard route's environment: the app's, with the signed-in broker's session. */
export type DashEnv = { Variables: GateEnv['Variables'] & { session: Session } };

/** The signed-in broker's tour named by the `:tour` parameter, or NOT_FOUND — the same for another broker's tour as for none. */
export function ownTour(c: Context<DashEnv>): Tour {
  const tour = c.get('deps').tours.find(c.req.param('tour') ?? '');
  if (!tour || tour.broker.id !== c.get('session').broker.id) throw new GateError('NOT_FOUND');
  return tour;
}

export interface Session {
  token: string;
  broker: BrokerConfig;
  csrf: string;
}

/** The signed-in broker, or undefined (no cookie, unknown, expired, or broker removed). */
export async function currentSession<E extends GateEnv>(c: GateContext<E>): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const deps = c.get('deps');
  const broker = await sessionBroker(deps, token);
  return broker ? { token, broker, csrf: csrfFor(deps.env.secret, token) } : undefined;
}

export async function endSession<E extends GateEnv>(c: GateContext<E>, token: string): Promise<void> {
  await endBrokerSession(c.get('deps'), token);
  deleteCookie(c, SESSION_COOKIE, { path: '/dashboard', secure: secure(c), httpOnly: true, sameSite: 'Lax' });
}
