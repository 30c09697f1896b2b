/** Protected panorama files: only for a visitor whose access holds, never outside the folder. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-file.ts';
import { ASSET_RECHECK_MS } from '../src/core/assets.ts';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

forEachBackend('protected assets', (backend) => {
  let server: TestServer;
  let accessToken: string;
  let query: string;
  const dir = mkdtempSync(join(tmpdir(), 'tg-assets-'));

  beforeAll(async () => {
    mkdirSync(join(dir, 'rooms'));
    writeFileSync(join(dir, 'rooms', 'schlafzimmer.jpg'), JPEG);
    writeFileSync(join(tmpdir(), 'outside.jpg'), JPEG);
    const config = parseConfig({
      brokers: [{ id: 'b', name: 'B', email: 'b@example.org' }],
      tours: [
        {
          id: 't1',
          broker: 'b',
          title: 'T1',
          pageUrl: `${TOUR_ORIGIN}/t1`,
          assetsDir: dir,
          fields: { postalCode: 'optional' },
          consent: { privacyUrl: 'https://b.example/p' },
        },
        {
          id: 't2',
          broker: 'b',
          title: 'T2',
          pageUrl: `${TOUR_ORIGIN}/t2`,
          consent: { privacyUrl: 'https://b.example/p' },
        },
      ],
    });
    server = await backend.start({ config, startWorker: false });
    const body = { ...registration('asset@example.org'), consent: { privacy: true, version: '1' } };
    body.fields = { firstName: 'A', lastName: 'B', email: 'asset@example.org' } as typeof body.fields;
    expect((await server.post('/v1/tours/t1/registrations', body)).status).toBe(202);
    const mail = (await server.store.outbox.list()).find((m) => m.kind === 'unlock')!;
    const token = /#tour-gate-unlock=([\w-]+)/.exec(mail.text_body)![1]!;
    const unlock = (await (await server.post('/v1/unlock', { token })).json()) as {
      accessToken: string;
      assets: { query: string; expiresAt: string };
    };
    accessToken = unlock.accessToken;
    query = unlock.assets.query;
  });
  afterAll(() => server.close());

  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('serves a file with the access token (header) or the signed query, and nothing without', async () => {
    const withBearer = await server.get('/v1/tours/t1/assets/rooms/schlafzimmer.jpg', {
      authorization: `Bearer ${accessToken}`,
    });
    expect(withBearer.status).toBe(200);
    expect(withBearer.headers.get('content-type')).toBe('image/jpeg');
    expect(withBearer.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(Buffer.from(await withBearer.arrayBuffer())).toEqual(JPEG);

    const signed = await server.get(`/v1/tours/t1/assets/rooms/schlafzimmer.jpg?${query}`);
    expect(signed.status).toBe(200);

    // The long-lived access token never works from a URL (URLs end up in logs).
    const inUrl = await server.get(
      `/v1/tours/t1/assets/rooms/schlafzimmer.jpg?access_token=${encodeURIComponent(accessToken)}`,
    );
    expect(inUrl.status).toBe(401);

    const none = await server.get('/v1/tours/t1/assets/rooms/schlafzimmer.jpg');
    expect(none.status).toBe(401);
    expect(await code(none)).toBe('TOKEN_INVALID');
  });

  it('refuses a tampered or expired signature and another tour', async () => {
    const tampered = query.replace(/sig=([\w-])/, (_m, c) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await server.get(`/v1/tours/t1/assets/rooms/schlafzimmer.jpg?${tampered}`)).status).toBe(401);
    expect((await server.get(`/v1/tours/t2/assets/rooms/schlafzimmer.jpg?${query}`)).status).toBe(401);
    expect(
      (await server.get('/v1/tours/t2/assets/rooms/schlafzimmer.jpg', { authorization: `Bearer ${accessToken}` }))
        .status,
    ).toBe(401);
    server.clock.advance(60 * 60_000 + 1000);
    const expired = await server.get(`/v1/tours/t1/assets/rooms/schlafzimmer.jpg?${query}`);
    expect(await code(expired)).toBe('ACCESS_EXPIRED');
    // The access check hands out a fresh grant.
    const access = (await (
      await server.get('/v1/tours/t1/access', { authorization: `Bearer ${accessToken}` })
    ).json()) as {
      assets: { query: string };
    };
    expect((await server.get(`/v1/tours/t1/assets/rooms/schlafzimmer.jpg?${access.assets.query}`)).status).toBe(200);
  });

  it('never leaves the folder', async () => {
    const auth = { authorization: `Bearer ${accessToken}` };
    for (const path of [
      '../outside.jpg',
      '..%2Foutside.jpg',
      'rooms/../../outside.jpg',
      '%E0%A4%A.jpg',
      'rooms/missing.jpg',
      'rooms',
    ]) {
      const res = await server.get(`/v1/tours/t1/assets/${path}`, auth);
      expect(res.status, path).toBe(404);
    }
  });

  it('follows no link out of the folder: not to a database file, not to a sibling folder', async () => {
    const auth = { authorization: `Bearer ${accessToken}` };
    // Another broker's panorama in a sibling folder, and a file standing in for the database.
    const sibling = mkdtempSync(join(tmpdir(), 'tg-sibling-'));
    writeFileSync(join(sibling, 'wohnzimmer.jpg'), JPEG);
    const data = mkdtempSync(join(tmpdir(), 'tg-data-'));
    writeFileSync(join(data, 'tour-gate.sqlite'), 'SQLite format 3\0 every broker’s leads');
    symlinkSync(join(data, 'tour-gate.sqlite'), join(dir, 'db.json'));
    symlinkSync(sibling, join(dir, 'other'));
    symlinkSync(join(sibling, 'wohnzimmer.jpg'), join(dir, 'rooms', 'wohnzimmer.jpg'));
    for (const path of ['db.json', 'other/wohnzimmer.jpg', 'rooms/wohnzimmer.jpg']) {
      const res = await server.get(`/v1/tours/t1/assets/${path}`, auth);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    // A link that stays inside the folder is still a file of the tour.
    symlinkSync('schlafzimmer.jpg', join(dir, 'rooms', 'alias.jpg'));
    const inside = await server.get('/v1/tours/t1/assets/rooms/alias.jpg', auth);
    expect(inside.status).toBe(200);
    expect(Buffer.from(await inside.arrayBuffer())).toEqual(JPEG);
  });

  it('stops serving once access is revoked (within ASSET_RECHECK_MS)', async () => {
    const reg = await server.store.findRegistration('t1', 'asset@example.org');
    await server.store.revokeAccessTokens(reg!.id, server.clock.now);
    server.clock.advance(ASSET_RECHECK_MS);
    const res = await server.get('/v1/tours/t1/assets/rooms/schlafzimmer.jpg', {
      authorization: `Bearer ${accessToken}`,
    });
    expect(res.status).toBe(403);
    expect(await code(res)).toBe('ACCESS_REVOKED');
  });
});
