/**
 * Access tokens are JWTs (HS256) signed with a key derived from `GATE_SECRET`: `aud` = the
 * tour, `sub` = the registration, a `jti` the server can revoke, no personal data. The
 * `CryptoKey` is imported once; every jose call with a raw secret would import it again.
 */
import { createHmac, webcrypto } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export interface AccessClaims {
  tour: string;
  registrationId: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
}

/** Derives independent keys for independent purposes from the one server secret. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`tour-gate:${purpose}`).digest();
}

export class AccessTokens {
  private constructor(
    private readonly key: webcrypto.CryptoKey,
    private readonly issuer: string,
  ) {}

  static async create(secret: string, issuer: string): Promise<AccessTokens> {
    const raw = deriveKey(secret, 'access-token');
    const key = await webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return new AccessTokens(key, issuer);
  }

  async sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(claims.tour)
      .setSubject(claims.registrationId)
      .setJti(claims.jti)
      .setIssuedAt(Math.floor(claims.issuedAt / 1000))
      .setExpirationTime(Math.floor(claims.expiresAt / 1000))
      .sign(this.key);
  }

  /** Verifies signature, issuer, audience and expiry at `now`; throws TOKEN_INVALID / ACCESS_EXPIRED. */
  async verify(token: string, tour: string, now: number): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: this.issuer,
        audience: tour,
        algorithms: ['HS256'],
        currentDate: new Date(now),
      });
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
        throw new GateError('TOKEN_INVALID');
      }
      return {
        tour,
        registrationId: payload.sub,
        jti: payload.jti,
        issuedAt: (payload.iat ?? 0) * 1000,
        expiresAt: payload.exp * 1000,
      };
    } catch (err) {
      if (err instanceof GateError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new GateError('ACCESS_EXPIRED', { cause: err });
      throw new GateError('TOKEN_INVALID', { cause: err });
    }
  }
}
