/** `GET /v1/tours/:tour/access`: does this access token still hold (signature, expiry, revocation)? */
import { type AccessResponse, type ErrorCode, GateError } from '@tour-gate/shared';
import type { AccessClaims } from '../security/access-token.ts';
import type { AccessToken, Registration } from '../store/schema.ts';
import type { GateDeps } from './deps.ts';
import { statusError } from './redeem.ts';

/**
 * How long the access check may answer from what it read before (per server instance): a
 * revocation (the broker's, or an erasure) made on another instance, or in the database
 * directly, stops the access check within this time; one made through this instance at once
 * (`forgetAccessHolds`). Expiry is never taken from memory: a token past `exp` fails its JWT.
 */
export const ACCESS_RECHECK_MS = 2_000;

/** What the database said of an access token a moment ago: it held (with what), or why not. */
type Hold = (
  | {
      /** The tour and registration of the access token, as the row said. */
      tour: string;
      registrationId: string;
      /** The answer, asset grant included (reused while the hold is: a grant lasts an hour). */
      answer: AccessResponse;
      /** When the row says the token expires (epoch ms). */
      expiresAt: number;
    }
  | { refused: ErrorCode }
) & {
  /** When it was read: monotonic ms, and the core's clock. */
  readAt: number;
  readNow: number;
};

/** Per composed core (tests start many in one process): jti → a recent read. */
const holds = new WeakMap<GateDeps, Map<string, Hold>>();
/** Entries kept per instance; past that the oldest half goes (a flood of fresh tokens can't grow it). */
const MAX_HOLDS = 50_000;

function holdsOf(deps: GateDeps): Map<string, Hold> {
  let map = holds.get(deps);
  if (!map) {
    map = new Map();
    holds.set(deps, map);
  }
  return map;
}

/**
 * Forget every access check this instance remembers (after a revocation here, so it shows on
 * the next request). Cheap and rare: revocations are a broker's decision or an erasure.
 */
export function forgetAccessHolds(deps: GateDeps): void {
  holds.get(deps)?.clear();
}

/**
 * One JWT verification, and at most one look at the database every `ACCESS_RECHECK_MS` per
 * token and instance: the answer for a token that held a moment ago comes from memory.
 */
export async function checkAccess(deps: GateDeps, tourId: string, bearer: string | undefined): Promise<AccessResponse> {
  const now = deps.clock();
  const claims = verified(deps, tourId, bearer, now);
  const map = holdsOf(deps);
  const mono = performance.now();
  let hold = map.get(claims.jti);
  if (!hold || stale(hold, mono, now)) {
    map.delete(claims.jti);
    hold = await readHold(deps, tourId, claims.jti, claims.expiresAt, now, mono);
    if (map.size >= MAX_HOLDS) {
      let drop = map.size >> 1;
      for (const key of map.keys()) {
        if (drop-- <= 0) break;
        map.delete(key);
      }
    }
    map.set(claims.jti, hold);
  }
  return answerOf(hold, claims, tourId);
}

/**
 * `checkAccess` without waiting: the answer when this instance read the token within the
 * bound, undefined when it must look (then `checkAccess`). Throws what `checkAccess` throws for
 * a token that fails its JWT or was refused on that read.
 */
export function checkAccessNow(deps: GateDeps, tourId: string, bearer: string | undefined): AccessResponse | undefined {
  const now = deps.clock();
  const claims = verified(deps, tourId, bearer, now);
  const hold = holds.get(deps)?.get(claims.jti);
  if (!hold || stale(hold, performance.now(), now)) return undefined;
  return answerOf(hold, claims, tourId);
}

function verified(deps: GateDeps, tourId: string, bearer: string | undefined, now: number): AccessClaims {
  if (!bearer) throw new GateError('TOKEN_INVALID');
  return deps.accessTokens.verifyNow(bearer, tourId, now);
}

function answerOf(hold: Hold, claims: AccessClaims, tourId: string): AccessResponse {
  if ('refused' in hold) throw new GateError(hold.refused);
  if (hold.registrationId !== claims.registrationId || hold.tour !== tourId) throw new GateError('TOKEN_INVALID');
  return hold.answer;
}

/** Older than the bound (by the wall or by the core's clock), or past the token's expiry. */
function stale(hold: Hold, mono: number, now: number): boolean {
  if (mono - hold.readAt >= ACCESS_RECHECK_MS || now - hold.readNow >= ACCESS_RECHECK_MS || now < hold.readNow) {
    return true;
  }
  return 'expiresAt' in hold && hold.expiresAt <= now;
}

/** Reads the token's hold; a refusal for a reason of the token's own (not an outage) is kept too. */
async function readHold(
  deps: GateDeps,
  tourId: string,
  jti: string,
  accessExpiresAt: number,
  now: number,
  mono: number,
): Promise<Hold> {
  try {
    const row = await holdsAccess(deps, jti, now);
    return {
      tour: tourId,
      registrationId: row.registration_id,
      // Frozen: every check while it holds hands out this one object.
      answer: Object.freeze({
        valid: true as const,
        tour: tourId,
        expiresAt: new Date(accessExpiresAt).toISOString(),
        assets: Object.freeze(deps.assetGrants.issue(tourId, jti, now, accessExpiresAt)),
      }),
      expiresAt: row.expires_at,
      readAt: mono,
      readNow: now,
    };
  } catch (err) {
    if (!(err instanceof GateError) || err.code === 'UNAVAILABLE' || err.code === 'INTERNAL') throw err;
    return { refused: err.code, readAt: mono, readNow: now };
  }
}

/**
 * Whether the access token `jti` still opens its tour: known, not expired, not revoked, and
 * its registration still released or granted. Throws the reason otherwise.
 */
export async function holdsAccess(deps: GateDeps, jti: string, now: number): Promise<AccessToken> {
  const hold = await deps.store.getAccessHold(jti);
  if (!hold) throw new GateError('TOKEN_INVALID');
  if (hold.revoked_at !== null) throw new GateError('ACCESS_REVOKED');
  if (hold.expires_at <= now) throw new GateError('ACCESS_EXPIRED');
  // The registration is gone (erased): the token opens nothing and says nothing about why.
  if (hold.status === null) throw new GateError('TOKEN_INVALID');
  // statusError reads the status only.
  const err = statusError({ status: hold.status } as Registration);
  if (err) throw err;
  return hold;
}
