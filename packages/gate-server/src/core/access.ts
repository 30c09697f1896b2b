/** `GET /v1/tours/:tour/access`: does this access token still hold (signature, expiry, revocation)? */
import { type AccessResponse, type AssetGrant, GateError } from '@tour-gate/shared';
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

interface Hold {
  /** The tour and registration of the access token, as the row said. */
  tour: string;
  registrationId: string;
  /** The asset grant handed out with it (reused while the hold is: a grant lasts an hour). */
  assets: AssetGrant;
  /** When it was read (monotonic ms), and when the row says the token expires (epoch ms). */
  readAt: number;
  expiresAt: number;
}

/** Per composed core (tests start many in one process): jti → a recent read that held. */
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
  if (!bearer) throw new GateError('TOKEN_INVALID');
  const now = deps.clock();
  const claims = deps.accessTokens.verifyNow(bearer, tourId, now);
  const map = holdsOf(deps);
  const mono = performance.now();
  let hold = map.get(claims.jti);
  if (!hold || mono - hold.readAt >= ACCESS_RECHECK_MS || hold.expiresAt <= now) {
    map.delete(claims.jti);
    const row = await holdsAccess(deps, claims.jti, now);
    hold = {
      tour: tourId,
      registrationId: row.registration_id,
      assets: deps.assetGrants.issue(tourId, claims.jti, now, claims.expiresAt),
      readAt: mono,
      expiresAt: row.expires_at,
    };
    if (map.size >= MAX_HOLDS) {
      let drop = map.size >> 1;
      for (const key of map.keys()) {
        if (drop-- <= 0) break;
        map.delete(key);
      }
    }
    map.set(claims.jti, hold);
  }
  if (hold.registrationId !== claims.registrationId || hold.tour !== tourId) throw new GateError('TOKEN_INVALID');
  return { valid: true, tour: tourId, expiresAt: new Date(claims.expiresAt).toISOString(), assets: hold.assets };
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
