/**
 * The hot paths (issue 13): the gate config from memory with ETag/304, the access check with
 * one JWT verification and at most one database read per token every ACCESS_RECHECK_MS, a
 * revocation that shows within that bound on another instance (at once on the one that
 * revoked), the same headers on the hot lane as on the general way, and body limits only where
 * there is a body. Through `app.request()` and through a real socket (@hono/node-server).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_RECHECK_MS, forgetAccessHolds } from '../src/core/access.ts';
import { decide } from '../src/core/decide.ts';
import { API_HEADERS } from '../src/http/security-headers.ts';
import { type Backend, forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';

const TOUR = 'musterstrasse-12';
const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';

/** Registers `email` on `server`, unlocks the mailed link and returns the access token. */
async function accessTokenFor(server: TestServer, email: string): Promise<string> {
  expect(
    (await server.post(`/v1/tours/${TOUR}/registrations`, registration(email), { origin: TOUR_ORIGIN })).status,
  ).toBe(202);
  const mail = (await server.store.outbox.list(500)).find((m) => m.recipient === email && m.kind === 'unlock');
  if (!mail) throw new Error(`no unlock mail for ${email}`);
  const token = /#tour-gate-unlock=([\w-]+)/.exec(mail.text_body)![1]!;
  const res = await server.post('/v1/unlock', { token }, { origin: TOUR_ORIGIN });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function codeOf(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code: string } }).error?.code;
}

/** Both ways a request arrives: `app.request()` and a real HTTP request to the listening server. */
type Get = (path: string, headers?: Record<string, string>) => Promise<Response>;
function ways(server: TestServer, base: () => string): [string, Get][] {
  return [
    ['app.request', (path, headers = {}) => server.get(path, headers)],
    ['socket', (path, headers = {}) => fetch(base() + path, { headers })],
  ];
}

forEachBackend('hot paths', (backend: Backend) => {
  let server: TestServer;
  let base = '';
  beforeAll(async () => {
    server = await backend.start({ startWorker: false });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  describe('gate config', () => {
    it('answers with ETag, Cache-Control, Vary, CORS and the /v1 security headers', async () => {
      for (const [way, get] of ways(server, () => base)) {
        const res = await get(`/v1/tours/${TOUR}/gate`, { origin: TOUR_ORIGIN });
        expect({ way, status: res.status }).toEqual({ way, status: 200 });
        expect(res.headers.get('etag')).toMatch(/^"[\w-]{20,}"$/);
        expect(res.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=600');
        expect(res.headers.get('vary')).toBe('Origin');
        expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
        expect(res.headers.get('access-control-expose-headers')).toBe('ETag, Retry-After');
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        for (const [name, value] of Object.entries(API_HEADERS))
          expect({ way, name, v: res.headers.get(name) }).toEqual({ way, name, v: value });
        expect(((await res.json()) as { tour: string }).tour).toBe(TOUR);
      }
    });

    it('carries the same security headers as an answer the general way (an unknown tour)', async () => {
      const hot = await server.get(`/v1/tours/${TOUR}/gate`);
      const general = await server.get('/v1/tours/no-such-tour/gate');
      expect(general.status).toBe(404);
      expect(await codeOf(general)).toBe('TOUR_NOT_FOUND');
      for (const name of Object.keys(API_HEADERS)) {
        expect({ name, hot: hot.headers.get(name) }).toEqual({ name, hot: general.headers.get(name) });
      }
      // Without an Origin: no CORS headers, but the answer still varies by it.
      expect(hot.headers.get('access-control-allow-origin')).toBeNull();
      expect(hot.headers.get('vary')).toBe('Origin');
    });

    it('answers 304 without a body to a matching If-None-Match (exact, weak, in a list, *)', async () => {
      for (const [way, get] of ways(server, () => base)) {
        const first = await get(`/v1/tours/${TOUR}/gate`, { origin: TOUR_ORIGIN });
        const etag = first.headers.get('etag')!;
        const length = first.headers.get('content-length');
        await first.arrayBuffer();
        for (const ifNoneMatch of [etag, `W/${etag}`, `"something-else", ${etag}`, '*']) {
          const res = await get(`/v1/tours/${TOUR}/gate`, { origin: TOUR_ORIGIN, 'if-none-match': ifNoneMatch });
          expect({ way, ifNoneMatch, status: res.status }).toEqual({ way, ifNoneMatch, status: 304 });
          expect(await res.text()).toBe('');
          expect(res.headers.get('etag')).toBe(etag);
          expect(res.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=600');
          expect(res.headers.get('vary')).toBe('Origin');
          expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
          // A 304's Content-Length, where there is one, is the 200's.
          if (way === 'socket') expect(res.headers.get('content-length')).toBe(length);
        }
        const other = await get(`/v1/tours/${TOUR}/gate`, { 'if-none-match': '"not-this-one"' });
        expect(other.status).toBe(200);
        expect(other.headers.get('etag')).toBe(etag);
        await other.arrayBuffer();
      }
    });

    it('answers a changed tour with a new ETag at once', async () => {
      server.deps.env.adminKey = PLATFORM;
      const send = (method: string, path: string, body: unknown) =>
        server.app.request(path, {
          method,
          headers: { authorization: `Bearer ${PLATFORM}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const tour = {
        id: 'hot-loft',
        broker: 'mueller',
        title: 'Loft am Hafen',
        pageUrl: `${TOUR_ORIGIN}/hot-loft`,
        mode: 'manual',
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
      };
      expect((await send('POST', '/v1/admin/tours', tour)).status).toBe(201);
      const before = await server.get('/v1/tours/hot-loft/gate');
      const etag = before.headers.get('etag')!;
      expect(((await before.json()) as { title: string }).title).toBe('Loft am Hafen');
      expect((await server.get('/v1/tours/hot-loft/gate', { 'if-none-match': etag })).status).toBe(304);

      expect((await send('PUT', '/v1/admin/tours/hot-loft', { ...tour, title: 'Loft am Rhein' })).status).toBe(200);
      const after = await server.get('/v1/tours/hot-loft/gate', { 'if-none-match': etag });
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(etag);
      expect(((await after.json()) as { title: string }).title).toBe('Loft am Rhein');
    });

    it('is answered on the hot lane when all is well, the general way otherwise', async () => {
      // The general route looks the tour up with tours.get; the hot lane with find.
      const tours = server.deps.tours;
      const get = tours.get.bind(tours);
      let general = 0;
      tours.get = (id) => {
        general++;
        return get(id);
      };
      try {
        for (const [way, fetchOn] of ways(server, () => base)) {
          expect((await fetchOn(`/v1/tours/${TOUR}/gate`, { origin: TOUR_ORIGIN })).status).toBe(200);
          expect({ way, general }).toEqual({ way, general: 0 });
        }
        // A page the tour doesn't allow: the general way, whose answer the widget can read.
        const foreign = await server.get(`/v1/tours/${TOUR}/gate`, { origin: 'https://elsewhere.example' });
        expect(foreign.status).toBe(403);
        expect(await codeOf(foreign)).toBe('ORIGIN_NOT_ALLOWED');
        // An access check without a token: the general way, down to the route.
        expect((await server.get(`/v1/tours/${TOUR}/access`)).status).toBe(401);
        expect(general).toBeGreaterThan(0);
      } finally {
        tours.get = get;
      }
    });

    it('counts its requests in the metrics like every other route', async () => {
      const count = async (status: string) => {
        const { body } = await server.deps.metrics.render();
        const line = body
          .split('\n')
          .find(
            (l) =>
              l.startsWith('tour_gate_http_requests_total{') &&
              l.includes('route="/v1/tours/:tour/gate"') &&
              l.includes(`status="${status}"`),
          );
        return line ? Number(line.split(' ').at(-1)) : 0;
      };
      const [ok, notModified] = [await count('200'), await count('304')];
      const etag = (await server.get(`/v1/tours/${TOUR}/gate`)).headers.get('etag')!;
      await server.get(`/v1/tours/${TOUR}/gate`, { origin: TOUR_ORIGIN });
      await server.get(`/v1/tours/${TOUR}/gate`, { 'if-none-match': etag });
      expect(await count('200')).toBe(ok + 2);
      expect(await count('304')).toBe(notModified + 1);
    });
  });

  describe('access check', () => {
    let token: string;
    beforeAll(async () => {
      token = await accessTokenFor(server, 'hot-access@example.org');
    });

    it('answers a holding token with the asset grant, no-store, CORS and the /v1 security headers', async () => {
      for (const [way, get] of ways(server, () => base)) {
        const res = await get(`/v1/tours/${TOUR}/access`, { authorization: `Bearer ${token}`, origin: TOUR_ORIGIN });
        expect({ way, status: res.status }).toEqual({ way, status: 200 });
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
        expect(res.headers.get('vary')).toBe('Origin');
        for (const [name, value] of Object.entries(API_HEADERS))
          expect({ way, name, v: res.headers.get(name) }).toEqual({ way, name, v: value });
        const body = (await res.json()) as { valid: boolean; tour: string; assets: { query: string } };
        expect(body).toMatchObject({ valid: true, tour: TOUR });
        expect(body.assets.query).toMatch(/^t=[\w-]+&exp=\d+&sig=[\w-]+$/);
      }
    });

    it('refuses the general way: no token, a token of another tour, a forged one', async () => {
      const none = await server.get(`/v1/tours/${TOUR}/access`, { origin: TOUR_ORIGIN });
      expect(none.status).toBe(401);
      expect(await codeOf(none)).toBe('TOKEN_INVALID');
      expect(none.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
      expect(none.headers.get('content-security-policy')).toBe(API_HEADERS['content-security-policy']);
      const otherTour = await server.get('/v1/tours/gartenweg-3/access', { authorization: `Bearer ${token}` });
      expect(await codeOf(otherTour)).toBe('TOKEN_INVALID');
      const [h, p] = token.split('.');
      const forged = await server.get(`/v1/tours/${TOUR}/access`, {
        authorization: `Bearer ${h}.${p}.${'A'.repeat(43)}`,
      });
      expect(await codeOf(forged)).toBe('TOKEN_INVALID');
      // A foreign page gets the answer (a GET changes nothing) but no CORS headers to read it.
      const foreign = await server.get(`/v1/tours/${TOUR}/access`, {
        authorization: `Bearer ${token}`,
        origin: 'https://elsewhere.example',
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      expect(foreign.headers.get('vary')).toBe('Origin');
    });

    it('reads the database once per token within the bound, not on every check', async () => {
      const own = await accessTokenFor(server, 'hot-reads@example.org');
      const store = server.deps.store;
      const read = store.getAccessHold.bind(store);
      let reads = 0;
      store.getAccessHold = (jti) => {
        reads++;
        return read(jti);
      };
      try {
        for (let i = 0; i < 5; i++) {
          expect((await server.get(`/v1/tours/${TOUR}/access`, { authorization: `Bearer ${own}` })).status).toBe(200);
        }
        expect(reads).toBe(1);
        forgetAccessHolds(server.deps);
        expect((await server.get(`/v1/tours/${TOUR}/access`, { authorization: `Bearer ${own}` })).status).toBe(200);
        expect(reads).toBe(2);
      } finally {
        store.getAccessHold = read;
      }
    });
  });

  it(`a revocation stops the access check at once where it was made and within ${ACCESS_RECHECK_MS} ms on another instance`, async () => {
    const databaseUrl = await backend.database({ shared: true });
    const a = await backend.start({ databaseUrl, startWorker: false });
    const b = await backend.start({ databaseUrl, startWorker: false });
    const email = 'revoked@example.org';
    const access = await accessTokenFor(a, email);
    const check = (s: TestServer) => s.get(`/v1/tours/${TOUR}/access`, { authorization: `Bearer ${access}` });
    // Both instances have read the token and remember that it holds.
    expect((await check(a)).status).toBe(200);
    expect((await check(b)).status).toBe(200);

    const reg = await a.store.findRegistration(TOUR, email);
    const revokedAt = performance.now();
    expect(
      (await decide(a.deps, { registrationId: reg!.id, decision: 'revoke', by: 'anna@mueller-immobilien.example' }))
        .decided,
    ).toBe(true);
    const here = await check(a);
    expect(here.status).toBe(403);
    expect(await codeOf(here)).toBe('ACCESS_REVOKED');

    // The other instance: polled until it refuses, with a deadline of the bound and a margin.
    const deadline = revokedAt + ACCESS_RECHECK_MS + 1_000;
    let there = await check(b);
    while (there.status === 200 && performance.now() < deadline) {
      await there.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
      there = await check(b);
    }
    const took = performance.now() - revokedAt;
    expect(there.status).toBe(403);
    expect(await codeOf(there)).toBe('ACCESS_REVOKED');
    expect(took).toBeLessThanOrEqual(ACCESS_RECHECK_MS + 1_000);
  });
});

describe('body limits only where there is a body', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ startWorker: false });
    port = await server.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await server.close();
  });

  /** Sends `head` (and `body`) on a raw connection; resolves with the status line of the answer. */
  function raw(head: string, body = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(head + body));
      let data = '';
      socket.on('data', (d) => {
        data += d.toString('latin1');
        const end = data.indexOf('\r\n');
        if (end !== -1) {
          resolve(data.slice(0, end));
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
  }

  it('answers a GET that announces a large body at once, without waiting for or limiting it', async () => {
    // 100 kB announced, none sent: a server that read or counted the body would wait or refuse.
    const status = await raw(
      `GET /v1/tours/${TOUR}/gate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n`,
    );
    expect(status).toBe('HTTP/1.1 200 OK');
  });

  it('still refuses a POST body over the limit: 413 PAYLOAD_TOO_LARGE, announced or chunked', async () => {
    const announced = await fetch(`http://127.0.0.1:${port}/v1/tours/${TOUR}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...registration('big@example.org'), padding: 'x'.repeat(20_000) }),
    });
    expect(announced.status).toBe(413);
    expect(await codeOf(announced)).toBe('PAYLOAD_TOO_LARGE');

    const chunks = [
      JSON.stringify(registration('chunked@example.org')).slice(0, -1),
      `,"padding":"${'x'.repeat(20_000)}"}`,
    ];
    const chunked = await fetch(`http://127.0.0.1:${port}/v1/tours/${TOUR}/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await codeOf(chunked)).toBe('PAYLOAD_TOO_LARGE');
    // Nothing was written.
    expect(await server.store.findRegistration(TOUR, 'big@example.org')).toBeUndefined();
    expect(await server.store.findRegistration(TOUR, 'chunked@example.org')).toBeUndefined();
  });
});
