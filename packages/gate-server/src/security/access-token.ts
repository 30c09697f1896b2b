/**
 * Access tokens are JWTs (HS256) signed with a key derived from `GATE_SECRET`: `aud` = the
 * tour, `sub` = the registration, a `jti` the server can revoke, no personal data.
 *
 * Signed with jose (a `CryptoKey` imported once). Verified here, synchronously, with
 * node:crypto's HMAC: the access check (every returning visitor) verifies one on each request,
 * and WebCrypto's verify runs on libuv's thread pool (measured: 52 µs a token at 50 at once on
 * the 2-core machine, against 5–10 µs here). What is checked is what jose's `jwtVerify` checks
 * for these options (test/access-token.test.ts compares both on the same tokens): compact JWS,
 * header `alg` HS256 and no `crit` or `b64`, the signature, a JSON object as payload, `iss`,
 * `aud` (a string or a list), `exp` (expired when `exp <= now`, in whole seconds), `nbf` and
 * `iat` numbers where present.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual, webcrypto } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import { SignJWT } from 'jose';

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
    private readonly verifyKey: KeyObject,
    private readonly issuer: string,
  ) {}

  static async create(secret: string, issuer: string): Promise<AccessTokens> {
    const raw = deriveKey(secret, 'access-token');
    const key = await webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new AccessTokens(key, createSecretKey(raw), issuer);
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
    return this.verifyNow(token, tour, now);
  }

  /** `verify`, synchronously. */
  verifyNow(token: string, tour: string, now: number): AccessClaims {
    const payload = this.payloadOf(token);
    if (payload.iss !== this.issuer) throw new GateError('TOKEN_INVALID');
    const aud = payload.aud;
    if (!(aud === tour || (Array.isArray(aud) && aud.every((a) => typeof a === 'string') && aud.includes(tour)))) {
      throw new GateError('TOKEN_INVALID');
    }
    const nowSec = Math.floor(now / 1000);
    const { exp, nbf, iat, sub, jti } = payload;
    if (
      !isNumericDate(exp) ||
      (nbf !== undefined && !isNumericDate(nbf)) ||
      (iat !== undefined && !isNumericDate(iat))
    ) {
      throw new GateError('TOKEN_INVALID');
    }
    if (nbf !== undefined && nbf > nowSec) throw new GateError('TOKEN_INVALID');
    if (exp <= nowSec) throw new GateError('ACCESS_EXPIRED');
    if (typeof sub !== 'string' || typeof jti !== 'string') throw new GateError('TOKEN_INVALID');
    return {
      tour,
      registrationId: sub,
      jti,
      issuedAt: ((iat as number | undefined) ?? 0) * 1000,
      expiresAt: exp * 1000,
    };
  }

  /** The payload of a compact HS256 JWS whose signature holds; TOKEN_INVALID otherwise. */
  private payloadOf(token: string): Readonly<Record<string, unknown>> {
    // A returning visitor's page checks the same token again and again: the exact text whose
    // signature held once holds again (issuer, audience and expiry are checked on every call).
    const known = this.verified.get(token);
    if (known) return known;
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1 || second === token.length - 1) {
      throw new GateError('TOKEN_INVALID');
    }
    if (!BASE64URL.test(token)) throw new GateError('TOKEN_INVALID');
    const encodedHeader = token.slice(0, first);
    // The header `sign` writes needs no parsing; any other is read and checked.
    if (encodedHeader !== SIGNED_HEADER) {
      const header = jsonObject(encodedHeader);
      if (header.alg !== 'HS256' || 'crit' in header || 'b64' in header) throw new GateError('TOKEN_INVALID');
    }
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    const expected = createHmac('sha256', this.verifyKey).update(token.slice(0, second)).digest();
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new GateError('TOKEN_INVALID');
    }
    const payload = Object.freeze(jsonObject(token.slice(first + 1, second)));
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(token, payload);
    return payload;
  }

  /** Tokens whose signature held lately, by their whole text, with their parsed payload. */
  private readonly verified = new Map<string, Readonly<Record<string, unknown>>>();
}

/** Tokens remembered as verified (a returning visitor's is checked again within seconds; about 3 MB at most). */
const MAX_VERIFIED = 10_000;

/** The protected header of every token `sign` makes, encoded. */
const SIGNED_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Three base64url segments (no padding), dot-separated. */
const BASE64URL = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function jsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new GateError('TOKEN_INVALID', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GateError('TOKEN_INVALID');
  return value as Record<string, unknown>;
}

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
