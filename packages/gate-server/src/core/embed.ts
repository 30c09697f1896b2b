/**
 * Cover mode's `GET /v1/tours/:tour/embed`: the viewer's address for an unlocked visitor only.
 * (The origins that load a tour's widget are counted in `embed-origins.ts`.)
 */
import { type EmbedResponse, GateError } from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { holdsAccess } from './access.ts';
import type { GateDeps } from './deps.ts';

/**
 * `GET /v1/tours/:tour/embed`: the tour's viewer address, for a bearer access token that still
 * opens this tour. Without an `embedUrl` the tour has no cover mode: `NOT_FOUND`.
 */
export async function embedUrlFor(deps: GateDeps, tour: Tour, bearer: string | undefined): Promise<EmbedResponse> {
  if (!bearer) throw new GateError('TOKEN_INVALID');
  const now = deps.clock();
  const claims = await deps.accessTokens.verify(bearer, tour.config.id, now);
  const row = await holdsAccess(deps, claims.jti, now);
  if (row.registration_id !== claims.registrationId) throw new GateError('TOKEN_INVALID');
  const url = tour.config.embedUrl;
  if (!url) throw new GateError('NOT_FOUND', { message: 'This tour has no embed URL.' });
  return { url };
}
