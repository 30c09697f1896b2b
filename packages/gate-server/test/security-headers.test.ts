/**
 * One response per surface and its security headers (http/security-headers.ts): the API, the
 * review page, the dashboard and the dev mailbox each carry their own policy, on ordinary
 * answers and on error answers alike.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import type { TestServer } from './harness.ts';

function headersOf(res: Response): Record<string, string | null> {
  const h = res.headers;
  return {
    csp: h.get('content-security-policy'),
    frame: h.get('x-frame-options'),
    referrer: h.get('referrer-policy'),
    nosniff: h.get('x-content-type-options'),
    cache: h.get('cache-control'),
    robots: h.get('x-robots-tag'),
    corp: h.get('cross-origin-resource-policy'),
    hsts: h.get('strict-transport-security'),
  };
}

forEachBackend('security headers per surface', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // No SMTP URL: the dev mailbox transport, so /dev is mounted.
    server = await backend.start({ startWorker: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('API: nothing runs, renders or is framed; cross-origin use stays possible', async () => {
    const ok = await server.get('/v1/tours/musterstrasse-12/gate');
    expect(ok.status).toBe(200);
    const missing = await server.get('/v1/tours/no-such-tour/gate');
    expect(missing.status).toBe(404);
    for (const res of [ok, missing]) {
      expect(headersOf(res)).toMatchObject({
        csp: "default-src 'none'; frame-ancestors 'none'",
        frame: 'DENY',
        referrer: 'no-referrer',
        nosniff: 'nosniff',
        // Tour assets set their own `cross-origin`; nothing here may overrule that.
        corp: null,
        hsts: null,
      });
    }
    // The gate config stays cacheable: the policy does not touch Cache-Control.
    expect(ok.headers.get('cache-control')).toContain('max-age=');
    // Headers only a document or an old browser reads are left off JSON (the pages keep them).
    for (const res of [ok, missing]) {
      for (const name of [
        'cross-origin-opener-policy',
        'origin-agent-cluster',
        'x-dns-prefetch-control',
        'x-download-options',
        'x-permitted-cross-domain-policies',
        'x-xss-protection',
      ]) {
        expect({ name, value: res.headers.get(name) }).toEqual({ name, value: null });
      }
    }
  });

  it('review page: the stylesheet by its hash, forms only to itself, never framed, cached or indexed', async () => {
    const res = await server.get('/review/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('data-code="LINK_INVALID"');
    expect(headersOf(res)).toMatchObject({
      frame: 'DENY',
      referrer: 'no-referrer',
      nosniff: 'nosniff',
      cache: 'no-store',
      robots: 'noindex, nofollow',
      corp: 'same-origin',
    });
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
  });

  it('dashboard: the nonce of the CSP is the nonce of the page style, new for every response', async () => {
    const first = await server.get('/dashboard/login');
    const second = await server.get('/dashboard/login');
    const nonces = [];
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(csp).toBe(
        `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; ` +
          "frame-ancestors 'none'; base-uri 'none'",
      );
      expect(await res.text()).toContain(`<style nonce="${nonce}">`);
      expect(headersOf(res)).toMatchObject({
        frame: 'DENY',
        referrer: 'no-referrer',
        nosniff: 'nosniff',
        cache: 'no-store',
        robots: 'noindex, nofollow',
      });
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    // `/dashboard` itself (not only what is below it) is covered: here a redirect to the login.
    const root = await server.get('/dashboard');
    expect(root.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-/);
    expect(root.headers.get('x-frame-options')).toBe('DENY');
  });

  it('dev mailbox: inline styles for the mails, no script, not framed, not cached', async () => {
    const res = await server.get('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('tour-gate · dev mailbox');
    expect(headersOf(res)).toMatchObject({
      csp:
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'",
      frame: 'DENY',
      referrer: 'no-referrer',
      nosniff: 'nosniff',
      cache: 'no-store',
      robots: 'noindex, nofollow',
    });
    const json = await server.get('/dev/mailbox.json');
    expect(json.headers.get('cache-control')).toBe('no-store');
  });
});
