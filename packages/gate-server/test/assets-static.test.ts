/**
 * Protected panorama files served like a static file server (ETag, Last-Modified, 304, Range,
 * 416, HEAD), and the authorization remembered for a burst of tiles: never across tours, never
 * past expiry, and a revocation stops the files within ASSET_RECHECK_MS.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-file.ts';
import { ASSET_RECHECK_MS, WHOLE_READ_MAX } from '../src/core/assets.ts';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { TestClock, type TestServer } from './harness.ts';

const TILE = randomBytes(3_000);
/** Larger than what is read whole: streamed in chunks. */
const BIG = randomBytes(WHOLE_READ_MAX * 3 + 12_345);

function config(dir1: string, dir2: string) {
  const tour = (id: string, assetsDir: string) => ({
    id,
    broker: 'b',
    title: id.toUpperCase(),
    pageUrl: `${TOUR_ORIGIN}/${id}`,
    assetsDir,
    fields: { postalCode: 'optional' as const },
    consent: { privacyUrl: 'https://b.example/p' },
  });
  return parseConfig({
    brokers: [{ id: 'b', name: 'B', email: 'b@example.org' }],
    tours: [tour('t1', dir1), tour('t2', dir2)],
  });
}

function folders(): { dir1: string; dir2: string } {
  const dir1 = mkdtempSync(join(tmpdir(), 'tg-static-1-'));
  const dir2 = mkdtempSync(join(tmpdir(), 'tg-static-2-'));
  for (const dir of [dir1, dir2]) {
    mkdirSync(join(dir, 'tiles'));
    writeFileSync(join(dir, 'tiles', '0_0.jpg'), TILE);
    writeFileSync(join(dir, 'pano.jpg'), BIG);
  }
  return { dir1, dir2 };
}

/** Registers and unlocks a visitor of `tour`: its access token, the token's jti and an asset grant query. */
async function visitor(server: TestServer, tour: string, email: string) {
  const body = { ...registration(email), consent: { privacy: true, version: '1' } };
  body.fields = { firstName: 'A', lastName: 'B', email } as typeof body.fields;
  expect((await server.post(`/v1/tours/${tour}/registrations`, body)).status).toBe(202);
  const mail = (await server.store.outbox.list()).find((m) => m.kind === 'unlock' && m.recipient === email)!;
  const token = /#tour-gate-unlock=([\w-]+)/.exec(mail.text_body)![1]!;
  const unlock = (await (await server.post('/v1/unlock', { token })).json()) as {
    accessToken: string;
    assets: { query: string };
  };
  const jti = (JSON.parse(Buffer.from(unlock.accessToken.split('.')[1]!, 'base64url').toString()) as { jti: string })
    .jti;
  return { accessToken: unlock.accessToken, jti, query: unlock.assets.query };
}

const request = (server: TestServer, path: string, headers: Record<string, string> = {}, method = 'GET') =>
  Promise.resolve(server.app.request(path, { method, headers }));
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

forEachBackend('protected assets like a static file server', (backend) => {
  let server: TestServer;
  let auth: { authorization: string };
  let dir1: string;

  beforeAll(async () => {
    const dirs = folders();
    dir1 = dirs.dir1;
    server = await backend.start({ config: config(dirs.dir1, dirs.dir2), startWorker: false });
    auth = { authorization: `Bearer ${(await visitor(server, 't1', 'static@example.org')).accessToken}` };
  });
  afterAll(() => server.close());

  const TILE_PATH = '/v1/tours/t1/assets/tiles/0_0.jpg';
  const BIG_PATH = '/v1/tours/t1/assets/pano.jpg';

  it('answers with the validators and Accept-Ranges; a small tile and a large file arrive whole', async () => {
    const tile = await request(server, TILE_PATH, auth);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('accept-ranges')).toBe('bytes');
    expect(tile.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(tile.headers.get('last-modified')!).getTime()).toBeGreaterThan(0);
    expect(tile.headers.get('content-length')).toBe(String(TILE.length));
    expect(tile.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(await bytes(tile)).toEqual(TILE);

    const big = await request(server, BIG_PATH, auth);
    expect(big.status).toBe(200);
    expect(big.headers.get('content-length')).toBe(String(BIG.length));
    expect((await bytes(big)).equals(BIG)).toBe(true);
  });

  it('Range: first bytes, a suffix, an open range, across chunks of a large file → 206 with Content-Range', async () => {
    const first = await request(server, TILE_PATH, { ...auth, range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${TILE.length}`);
    expect(first.headers.get('content-length')).toBe('100');
    expect(await bytes(first)).toEqual(TILE.subarray(0, 100));

    const suffix = await request(server, TILE_PATH, { ...auth, range: 'bytes=-500' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${TILE.length - 500}-${TILE.length - 1}/${TILE.length}`);
    expect(await bytes(suffix)).toEqual(TILE.subarray(TILE.length - 500));

    const open = await request(server, TILE_PATH, { ...auth, range: 'bytes=2900-' });
    expect(open.status).toBe(206);
    expect(await bytes(open)).toEqual(TILE.subarray(2900));

    // A suffix longer than the file is the whole file; an end past it is cut at the end.
    const longer = await request(server, TILE_PATH, { ...auth, range: 'bytes=-999999' });
    expect(longer.headers.get('content-range')).toBe(`bytes 0-${TILE.length - 1}/${TILE.length}`);
    expect(await bytes(longer)).toEqual(TILE);

    const start = WHOLE_READ_MAX - 10;
    const end = WHOLE_READ_MAX * 2 + 10;
    const middle = await request(server, BIG_PATH, { ...auth, range: `bytes=${start}-${end}` });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes ${start}-${end}/${BIG.length}`);
    expect((await bytes(middle)).equals(BIG.subarray(start, end + 1))).toBe(true);
  });

  it('Range past the end → 416 with Content-Range: bytes */size; several ranges or If-Range of another version → 200', async () => {
    for (const range of [`bytes=${TILE.length}-`, `bytes=${TILE.length + 10}-${TILE.length + 20}`, 'bytes=-0']) {
      const res = await request(server, TILE_PATH, { ...auth, range });
      expect({ range, status: res.status }).toEqual({ range, status: 416 });
      expect(res.headers.get('content-range')).toBe(`bytes */${TILE.length}`);
      expect((await bytes(res)).length).toBe(0);
    }
    const several = await request(server, TILE_PATH, { ...auth, range: 'bytes=0-1,5-6' });
    expect(several.status).toBe(200);
    expect(await bytes(several)).toEqual(TILE);
    const otherVersion = await request(server, TILE_PATH, { ...auth, range: 'bytes=0-9', 'if-range': '"0-1"' });
    expect(otherVersion.status).toBe(200);
    const etag = (await request(server, TILE_PATH, auth, 'HEAD')).headers.get('etag')!;
    const sameVersion = await request(server, TILE_PATH, { ...auth, range: 'bytes=0-9', 'if-range': etag });
    expect(sameVersion.status).toBe(206);
  });

  it('304 on If-None-Match (and If-Modified-Since) with the validators and no body; another ETag → 200', async () => {
    const first = await request(server, TILE_PATH, auth);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    await first.arrayBuffer();

    const again = await request(server, TILE_PATH, { ...auth, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('last-modified')).toBe(lastModified);
    expect(again.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await bytes(again)).length).toBe(0);
    // A list, and the weak form, match too (RFC 9110 weak comparison).
    expect((await request(server, TILE_PATH, { ...auth, 'if-none-match': `"x", W/${etag}` })).status).toBe(304);

    const since = await request(server, TILE_PATH, { ...auth, 'if-modified-since': lastModified });
    expect(since.status).toBe(304);
    const before = new Date(new Date(lastModified).getTime() - 60_000).toUTCString();
    expect((await request(server, TILE_PATH, { ...auth, 'if-modified-since': before })).status).toBe(200);

    const changed = await request(server, TILE_PATH, { ...auth, 'if-none-match': '"0-0"' });
    expect(changed.status).toBe(200);
    expect(await bytes(changed)).toEqual(TILE);
    // Revalidation needs access too.
    expect((await request(server, TILE_PATH, { 'if-none-match': etag })).status).toBe(401);
  });

  it('HEAD: the headers of a GET, no body', async () => {
    const head = await request(server, BIG_PATH, auth, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(BIG.length));
    expect(head.headers.get('content-type')).toBe('image/jpeg');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(head.headers.get('etag')).toMatch(/^"/);
    expect((await bytes(head)).length).toBe(0);
    const ranged = await request(server, BIG_PATH, { ...auth, range: 'bytes=-500' }, 'HEAD');
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes ${BIG.length - 500}-${BIG.length - 1}/${BIG.length}`);
    expect((await bytes(ranged)).length).toBe(0);
    expect((await request(server, TILE_PATH, {}, 'HEAD')).status).toBe(401);
  });

  it('HEAD and revalidations follow no link out of the folder either', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tg-static-out-'));
    writeFileSync(join(outside, 'secret.jpg'), TILE);
    symlinkSync(join(outside, 'secret.jpg'), join(dir1, 'tiles', 'link.jpg'));
    symlinkSync(outside, join(dir1, 'elsewhere'));
    for (const path of ['tiles/link.jpg', 'elsewhere/secret.jpg', '../tg-static-out/secret.jpg']) {
      for (const [method, headers] of [
        ['GET', {}],
        ['HEAD', {}],
        ['GET', { 'if-none-match': '"x"' }],
        ['GET', { range: 'bytes=0-9' }],
      ] as const) {
        const res = await request(server, `/v1/tours/t1/assets/${path}`, { ...auth, ...headers }, method);
        expect({ path, method, headers, status: res.status }).toEqual({ path, method, headers, status: 404 });
      }
    }
  });
});

forEachBackend('asset authorization remembered for a burst of tiles', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    const { dir1, dir2 } = folders();
    server = await backend.start({ config: config(dir1, dir2), startWorker: false });
  });
  afterAll(() => server.close());

  it("a grant for one tour never opens another tour's files, even right after it opened its own", async () => {
    const v = await visitor(server, 't1', 'cross@example.org');
    const bearer = { authorization: `Bearer ${v.accessToken}` };
    // Remembered for t1 now.
    expect((await request(server, '/v1/tours/t1/assets/tiles/0_0.jpg', bearer)).status).toBe(200);
    expect((await request(server, `/v1/tours/t1/assets/tiles/0_0.jpg?${v.query}`)).status).toBe(200);
    // t2 has the same file; the credential is t1's.
    for (let i = 0; i < 3; i++) {
      const byBearer = await request(server, '/v1/tours/t2/assets/tiles/0_0.jpg', bearer);
      expect(byBearer.status).toBe(401);
      expect(await code(byBearer)).toBe('TOKEN_INVALID');
      const byQuery = await request(server, `/v1/tours/t2/assets/tiles/0_0.jpg?${v.query}`);
      expect(byQuery.status).toBe(401);
      const head = await request(server, '/v1/tours/t2/assets/tiles/0_0.jpg', bearer, 'HEAD');
      expect(head.status).toBe(401);
    }
    // And t1 still opens.
    expect((await request(server, '/v1/tours/t1/assets/tiles/0_0.jpg', bearer)).status).toBe(200);
  });

  it('a revoked token stops opening files within ASSET_RECHECK_MS (the core clock)', async () => {
    const v = await visitor(server, 't1', 'revoke@example.org');
    const bearer = { authorization: `Bearer ${v.accessToken}` };
    const query = `/v1/tours/t1/assets/tiles/0_0.jpg?${v.query}`;
    expect((await request(server, '/v1/tours/t1/assets/tiles/0_0.jpg', bearer)).status).toBe(200);
    expect((await request(server, query)).status).toBe(200);
    const reg = await server.store.findRegistration('t1', 'revoke@example.org');
    await server.store.revokeAccessTokens(reg!.id, server.clock.now);
    server.clock.advance(ASSET_RECHECK_MS);
    const byBearer = await request(server, '/v1/tours/t1/assets/tiles/0_0.jpg', bearer);
    expect(byBearer.status).toBe(403);
    expect(await code(byBearer)).toBe('ACCESS_REVOKED');
    expect((await request(server, query)).status).toBe(403);
    expect((await request(server, '/v1/tours/t1/assets/pano.jpg', bearer, 'HEAD')).status).toBe(403);
  });

  it('a remembered grant ends at its expiry, not at the end of the recheck interval', async () => {
    const v = await visitor(server, 't1', 'expiry@example.org');
    const now = server.clock.now;
    // A grant that ends 1.5 s from now, sooner than the recheck interval.
    const grant = server.deps.assetGrants.issue('t1', v.jti, now, now + 1_500);
    const path = `/v1/tours/t1/assets/tiles/0_0.jpg?${grant.query}`;
    expect((await request(server, path)).status).toBe(200);
    server.clock.advance(new Date(grant.expiresAt).getTime() - now);
    expect(server.clock.now - now).toBeLessThan(ASSET_RECHECK_MS);
    const late = await request(server, path);
    expect(late.status).toBe(401);
    expect(await code(late)).toBe('ACCESS_EXPIRED');
  });
});

describe('asset authorization with real time', () => {
  forEachBackend('revocation bound', (backend) => {
    it('a revocation in the database stops the files within ASSET_RECHECK_MS of wall time', async () => {
      const { dir1, dir2 } = folders();
      const server = await backend.start({
        config: config(dir1, dir2),
        startWorker: false,
        clock: TestClock.running(),
      });
      const v = await visitor(server, 't1', 'wall@example.org');
      const bearer = { authorization: `Bearer ${v.accessToken}` };
      const path = '/v1/tours/t1/assets/tiles/0_0.jpg';
      expect((await request(server, path, bearer)).status).toBe(200);
      const reg = await server.store.findRegistration('t1', 'wall@example.org');
      // As on another instance: straight in the database, nothing in this process told.
      await server.store.revokeAccessTokens(reg!.id, server.clock.now);
      const revokedAt = performance.now();
      let status = 200;
      while (status === 200) {
        const res = await request(server, path, bearer);
        status = res.status;
        await res.arrayBuffer();
        if (performance.now() - revokedAt > ASSET_RECHECK_MS + 3_000) break;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      const took = performance.now() - revokedAt;
      expect(status).toBe(403);
      expect(took).toBeLessThan(ASSET_RECHECK_MS + 1_000);
    }, 20_000);
  });
});
