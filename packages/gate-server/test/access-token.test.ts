/**
 * The access token's verification (node:crypto HMAC, synchronous) against jose's `jwtVerify`
 * with the options the server used before, plus its claim checks: on the same tokens, well
 * formed and not, both must accept the same ones with the same claims and refuse the others
 * with the same code.
 */
import { createHmac } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import { errors as joseErrors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, deriveKey } from '../src/security/access-token.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const ISSUER = 'https://gate.example';
const TOUR = 'musterstrasse-12';
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const SEC = Math.floor(NOW / 1000);
const key = deriveKey(SECRET, 'access-token');

/** What the server did before: jose, then the claims it needs. */
async function reference(token: string, now = NOW): Promise<string | object> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: TOUR,
      algorithms: ['HS256'],
      currentDate: new Date(now),
    });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      return 'TOKEN_INVALID';
    }
    return {
      tour: TOUR,
      registrationId: payload.sub,
      jti: payload.jti,
      issuedAt: (payload.iat ?? 0) * 1000,
      expiresAt: payload.exp * 1000,
    };
  } catch (err) {
    return err instanceof joseErrors.JWTExpired ? 'ACCESS_EXPIRED' : 'TOKEN_INVALID';
  }
}

async function ours(tokens: AccessTokens, token: string, now = NOW): Promise<string | object> {
  try {
    return { ...tokens.verifyNow(token, TOUR, now) };
  } catch (err) {
    if (err instanceof GateError) return err.code;
    throw err;
  }
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** A compact JWS over any header and payload text, signed with `alg`'s HMAC and the real key. */
function compact(header: unknown, payload: unknown, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

const claims = { iss: ISSUER, aud: TOUR, sub: 'reg-1', jti: 'jti-1', iat: SEC - 60, exp: SEC + 3600 };
const HS256 = { alg: 'HS256', typ: 'JWT' };

describe('access token verification', () => {
  it('accepts and refuses exactly what jose did, with the same claims and codes', async () => {
    const tokens = await AccessTokens.create(SECRET, ISSUER);
    const signed = await tokens.sign({
      tour: TOUR,
      registrationId: 'reg-1',
      jti: 'jti-1',
      issuedAt: NOW - 60_000,
      expiresAt: NOW + 3_600_000,
    });
    const [h, p, s] = signed.split('.') as [string, string, string];
    const cases: [string, string, number?][] = [
      ['signed by the server', signed],
      ['checked a second before it expires', signed, NOW + 3_599_000],
      ['checked when it expires', signed, NOW + 3_600_000],
      ['checked after it expired', signed, NOW + 7_200_000],
      ['same claims, hand-made', compact(HS256, claims)],
      ['no typ', compact({ alg: 'HS256' }, claims)],
      ['audience in a list', compact(HS256, { ...claims, aud: ['other', TOUR] })],
      ['audience list without the tour', compact(HS256, { ...claims, aud: ['other'] })],
      ['another audience', compact(HS256, { ...claims, aud: 'gartenweg-3' })],
      ['no audience', compact(HS256, { ...claims, aud: undefined })],
      ['another issuer', compact(HS256, { ...claims, iss: 'https://evil.example' })],
      ['no issuer', compact(HS256, { ...claims, iss: undefined })],
      ['not before, in the future', compact(HS256, { ...claims, nbf: SEC + 60 })],
      ['not before, in the past', compact(HS256, { ...claims, nbf: SEC - 60 })],
      ['no expiry', compact(HS256, { ...claims, exp: undefined })],
      ['expiry as a string', compact(HS256, { ...claims, exp: String(SEC + 3600) })],
      ['iat as a string', compact(HS256, { ...claims, iat: 'yesterday' })],
      ['no subject', compact(HS256, { ...claims, sub: undefined })],
      ['numeric jti', compact(HS256, { ...claims, jti: 7 })],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['alg none, signed anyway', compact({ alg: 'none' }, claims)],
      ['HS512 with the same key', compact({ alg: 'HS512', typ: 'JWT' }, claims, 'sha512')],
      ['crit header', compact({ ...HS256, crit: ['exp'] }, claims)],
      ['payload is an array', compact(HS256, [claims])],
      ['payload is a string', compact(HS256, '"hello"')],
      ['payload is not JSON', compact(HS256, 'not json')],
      ['header is not JSON', `${b64('nope')}.${p}.${s}`],
      ['tampered payload', `${h}.${b64({ ...claims, sub: 'reg-2' })}.${s}`],
      ['tampered signature', `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'AB' : 'AA'}`],
      ['short signature', `${h}.${p}.${s.slice(0, 20)}`],
      ['no signature', `${h}.${p}.`],
      ['two parts', `${h}.${p}`],
      ['four parts', `${signed}.${s}`],
      ['padding in the signature', `${signed}=`],
      ['spaces', ` ${signed}`],
      ['empty', ''],
      [
        'signed with another secret',
        compact(HS256, claims).replace(
          /\.[^.]+$/,
          `.${createHmac('sha256', 'x')
            .update(`${b64(HS256)}.${b64(claims)}`)
            .digest('base64url')}`,
        ),
      ],
    ];
    // Where this verification is stricter than jose, on purpose (no token of ours looks so).
    const stricter: Record<string, string> = { 'padding in the signature': 'TOKEN_INVALID' };
    const verdicts: string[] = [];
    const differ: unknown[] = [];
    for (const [name, token, now] of cases) {
      const want = stricter[name] ?? (await reference(token, now));
      const got = await ours(tokens, token, now);
      if (JSON.stringify(got) !== JSON.stringify(want)) differ.push({ name, got, want });
      verdicts.push(typeof want === 'string' ? want : 'ok');
    }
    expect(differ).toEqual([]);
    // jose tolerates the padding that this refuses.
    expect(typeof (await reference(`${signed}=`))).toBe('object');
    // The cases cover all three answers.
    expect(new Set(verdicts)).toEqual(new Set(['ok', 'TOKEN_INVALID', 'ACCESS_EXPIRED']));
  });

  it('a token whose signature held is remembered, yet its tour and expiry are checked on every call', async () => {
    const tokens = await AccessTokens.create(SECRET, ISSUER);
    const token = compact(HS256, claims);
    expect(await ours(tokens, token)).toMatchObject({ registrationId: 'reg-1' });
    expect(await ours(tokens, token, NOW + 7_200_000)).toBe('ACCESS_EXPIRED');
    await expect(tokens.verify(token, 'gartenweg-3', NOW)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    // One character more or less is another text: verified from scratch, and refused.
    expect(await ours(tokens, `${token}A`)).toBe('TOKEN_INVALID');
    expect(await ours(tokens, token.slice(0, -1))).toBe('TOKEN_INVALID');
    expect(await ours(tokens, token)).toMatchObject({ registrationId: 'reg-1' });
  });

  it('verify (async) gives what verifyNow gives', async () => {
    const tokens = await AccessTokens.create(SECRET, ISSUER);
    const token = compact(HS256, claims);
    expect(await tokens.verify(token, TOUR, NOW)).toEqual(tokens.verifyNow(token, TOUR, NOW));
    await expect(tokens.verify(token, 'gartenweg-3', NOW)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
