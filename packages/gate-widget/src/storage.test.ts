import { expect } from '@open-wc/testing';
import { fakeJwt } from '../test/harness.ts';
import { jwtExpiresAt } from './internal/jwt.ts';
import { accessKey, parseAccess, readAccess, writeAccess } from './storage.ts';

const later = () => new Date(Date.now() + 600e3).toISOString();

describe('stored access', () => {
  afterEach(() => localStorage.clear());

  it('reads the expiry from the JWT payload, unpadded base64url included', () => {
    const token = fakeJwt('t', 100);
    const expiresAt = jwtExpiresAt(token) ?? 0;
    expect(Math.abs(expiresAt - (Date.now() + 100e3))).to.be.lessThan(2000);
    expect(jwtExpiresAt('not-a-jwt')).to.equal(undefined);
    expect(jwtExpiresAt('a.%%%.c')).to.equal(undefined);
  });

  it('accepts a token with a future exp, drops expired, malformed and incomplete entries', () => {
    expect(parseAccess(JSON.stringify({ accessToken: fakeJwt('t', 60), expiresAt: later() }))).to.not.equal(undefined);
    expect(parseAccess(JSON.stringify({ accessToken: fakeJwt('t', -1), expiresAt: later() }))).to.equal(undefined);
    expect(parseAccess('{')).to.equal(undefined);
    expect(parseAccess(JSON.stringify({ accessToken: 'x' }))).to.equal(undefined);
    expect(parseAccess(null)).to.equal(undefined);
    // An opaque token is judged by the answer's expiresAt.
    expect(parseAccess(JSON.stringify({ accessToken: 'opaque', expiresAt: later() }))).to.not.equal(undefined);
    expect(parseAccess(JSON.stringify({ accessToken: 'opaque', expiresAt: 'soon' }))).to.equal(undefined);
  });

  it('keeps one entry per server and tour, and removes an expired one when read', () => {
    const a = accessKey('https://gate.example', 'a');
    const b = accessKey('https://gate.example', 'b');
    expect(a).to.not.equal(b);
    writeAccess(a, { accessToken: fakeJwt('a', 60), expiresAt: later() });
    writeAccess(b, { accessToken: fakeJwt('b', -60), expiresAt: later() });
    expect(readAccess(a)?.accessToken).to.be.a('string');
    expect(readAccess(b)).to.equal(undefined);
    expect(localStorage.getItem(b)).to.equal(null);
  });
});
