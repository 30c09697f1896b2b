/** `GET /v1/tours/:tour/access`: does this access token still hold (signature, expiry, revocation)? */
import { type AccessResponse, GateError } from '@tour-gate/shared';
import type { AccessToken } from '../store/schema.ts';
import type { GateDeps } from './deps.ts';
import { statusError } from './redeem.ts';

export async function checkAccess(deps: GateDeps, tourId: string, bearer: string | undefined): Promise<AccessResponse> {
  if (!bearer) throw new GateError('TOKEN_INVALID');
  const now = deps.clock();
  const claims = await deps.accessTokens.verify(bearer, tourId, now);
  const row = await holdsAccess(deps, claims.jti, now);
  if (row.registration_id !== claims.registrationId) throw new GateError('TOKEN_INVALID');
  return {
    valid: true,
    tour: tourId,
    expiresAt: new Date(claims.expiresAt).toISOString(),
    assets: deps.assetGrants.issue(tourId, claims.jti, now, claims.expiresAt),
  };
}

/**
 * Whether the access token `jti` still opens its tour: known, not expired, not revoked, and
 * its registration still released or granted. Throws the reason otherwise.
 */
export async function holdsAccess(deps: GateDeps, jti: string, now: number): Promise<AccessToken> {
  const row = await deps.store.getAccessToken(jti);
  if (!row) throw new GateError('TOKEN_INVALID');
  if (row.revoked_at !== null) throw new GateError('ACCESS_REVOKED');
  if (row.expires_at <= now) throw new GateError('ACCESS_EXPIRED');
  const reg = await deps.store.getRegistration(row.registration_id);
  const err = statusError(reg);
  if (err) throw err.code === 'LINK_INVALID' ? new GateError('TOKEN_INVALID') : err;
  return row;
}
