/**
 * Short-lived signed query strings for protected panorama files. Viewers load images by URL
 * (an <img>, a WebGL texture) and can't send an Authorization header, so the URL carries
 * `t` (the access token's jti), `exp` and an HMAC over tour, jti and expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AssetGrant } from '@tour-gate/shared';
import { GateError } from '@tour-gate/shared';
import { deriveKey } from './access-token.ts';

const ASSET_GRANT_MS = 60 * 60_000;

export class AssetGrants {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = deriveKey(secret, 'asset-grant');
  }

  private sign(tour: string, jti: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${tour}\n${jti}\n${exp}`).digest('base64url');
  }

  /** A grant valid for an hour, but never past the access token's own expiry. */
  issue(tour: string, jti: string, now: number, accessExpiresAt: number): AssetGrant {
    const exp = Math.floor(Math.min(now + ASSET_GRANT_MS, accessExpiresAt) / 1000);
    const query = new URLSearchParams({ t: jti, exp: String(exp), sig: this.sign(tour, jti, exp) }).toString();
    return { query, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The jti the grant was made for; TOKEN_INVALID or ACCESS_EXPIRED otherwise. */
  verify(tour: string, params: { t?: string; exp?: string; sig?: string }, now: number): string {
    const { t, exp, sig } = params;
    if (!t || !exp || !sig || !/^\d{1,12}$/.test(exp)) throw new GateError('TOKEN_INVALID');
    const expected = Buffer.from(this.sign(tour, t, Number(exp)));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new GateError('TOKEN_INVALID');
    if (Number(exp) * 1000 <= now) throw new GateError('ACCESS_EXPIRED');
    return t;
  }
}
