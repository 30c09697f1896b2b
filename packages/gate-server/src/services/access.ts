/** `GET /v1/tours/:tour/access`: does this access token still hold (signature, expiry, revocation)? */
import { type AccessResponse, GateError } from '@tour-gate/shared';
import type { GateDeps } from '../http/context.ts';
import { statusError } from './redeem.ts';

export async function checkAccess(deps: GateDeps, tourId: string, bearer: string | undefined): Promise<AccessResponse> {
  if (!bearer) throw new GateError('TOKEN_INVALID');
  const now = deps.clock();
  const claims = await deps.accessTokens.verify(bearer, tourId, now);
  const row = await deps.store.getAccessToken(claims.jti);
  if (!row || row.registration_id !== claims.registrationId) throw new GateError('TOKEN_INVALID');
  if (row.revoked_at !== null) throw new GateError('ACCESS_REVOKED');
  const reg = await deps.store.getRegistration(claims.registrationId);
  const err = statusError(reg);
  if (err) throw err.code === 'LINK_INVALID' ? new GateError('TOKEN_INVALID') : err;
  return { valid: true, tour: tourId, expiresAt: new Date(claims.expiresAt).toISOString() };
}

export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}
