/**
 * An embed that explains itself (issue 9): the widget is public code for every origin; a
 * refused origin and an unknown tour get an answer the widget can read; origins are counted
 * per tour and day. Cover mode: the viewer address comes only with an access that holds.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateError } from '@tour-gate/shared';
import { checkedTourSchema } from '@tour-gate/shared/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-file.ts';
import { embedWindowStart, MAX_ORIGINS_PER_TOUR_DAY } from '../src/core/embed-origins.ts';
import { dayOf } from '../src/util/time.ts';
import { forEachBackend } from './backends.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { GENEROUS_LIMITS, nonceIn, postDecision, register, reviewTokenFromOutbox } from './manual-helpers.ts';

const EMBED_URL = 'https://viewer.example.net/tours/a1b2c3?embed=1';
const STRANGER = 'https://stranger.example';
const consent = { privacyUrl: 'https://b.example/p' };

function config() {
  return parseConfig({
    brokers: [{ id: 'b', name: 'Anna Müller', email: 'anna@b.example' }],
    tours: [
      { id: 'cover-mail', broker: 'b', title: 'Cover', pageUrl: `${TOUR_ORIGIN}/c`, embedUrl: EMBED_URL, consent },
      {
        id: 'cover-manual',
        broker: 'b',
        title: 'Cover manual',
        pageUrl: `${TOUR_ORIGIN}/m`,
        mode: 'manual',
        embedUrl: EMBED_URL,
        consent,
      },
      { id: 'plain', broker: 'b', title: 'Plain', pageUrl: `${TOUR_ORIGIN}/p`, consent },
    ],
  });
}

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function unlockTokenFromOutbox(server: TestServer, email: string): Promise<string> {
  const mail = (await server.store.outbox.list(500)).find((m) => m.recipient === email && m.kind === 'unlock');
  if (!mail) throw new Error(`no unlock mail for ${email}`);
  return /#tour-gate-unlock=([\w-]+)/.exec(mail.text_body)![1]!;
}

async function accessTokenFor(server: TestServer, email: string): Promise<string> {
  const token = await unlockTokenFromOutbox(server, email);
  const res = await server.post('/v1/unlock', { token }, { origin: TOUR_ORIGIN });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('embedUrl in the config schema', () => {
  const base = { id: 't', broker: 'b', title: 'T', pageUrl: 'https://x.example/t', consent };
  it('takes https, and http only on the local machine', () => {
    expect(checkedTourSchema.safeParse({ ...base, embedUrl: EMBED_URL }).success).toBe(true);
    expect(checkedTourSchema.safeParse({ ...base, embedUrl: 'http://localhost:8788/cover/viewer/' }).success).toBe(
      true,
    );
    expect(checkedTourSchema.safeParse({ ...base, embedUrl: 'http://viewer.example.net/t' }).success).toBe(false);
    expect(checkedTourSchema.safeParse({ ...base, embedUrl: 'http://localhost.evil.example/t' }).success).toBe(false);
    expect(checkedTourSchema.safeParse({ ...base, embedUrl: 'javascript:alert(1)' }).success).toBe(false);
  });
});

forEachBackend('embed', (backend) => {
  let server: TestServer;
  const widgetDist = mkdtempSync(join(tmpdir(), 'tg-widget-'));

  beforeAll(async () => {
    mkdirSync(join(widgetDist, 'widget-chunks'));
    writeFileSync(join(widgetDist, 'widget.js'), 'import("./widget-chunks/mask-abc.js");');
    writeFileSync(join(widgetDist, 'widget-chunks', 'mask-abc.js'), 'export const x = 1;');
    server = await backend.start({ config: config(), startWorker: false, limits: GENEROUS_LIMITS, widgetDist });
  });
  afterAll(() => server.close());

  it('serves widget.js and its chunks to every origin', async () => {
    for (const path of ['/widget.js', '/widget-chunks/mask-abc.js']) {
      const res = await server.get(path, { origin: STRANGER });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
  });

  it('answers a refused origin with ORIGIN_NOT_ALLOWED it can read, and nothing of the tour', async () => {
    const res = await server.get('/v1/tours/cover-mail/gate', { origin: STRANGER });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(STRANGER);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'ORIGIN_NOT_ALLOWED', message: new GateError('ORIGIN_NOT_ALLOWED').message },
    });
    expect(body).not.toContain('Anna');
    // The other API routes stay closed to it: no CORS header, a POST refused outright.
    const access = await server.get('/v1/tours/cover-mail/access', { origin: STRANGER });
    expect(access.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an unknown tour with TOUR_NOT_FOUND it can read', async () => {
    const res = await server.get('/v1/tours/no-such-tour/gate', { origin: STRANGER });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe(STRANGER);
    expect(await codeOf(res)).toBe('TOUR_NOT_FOUND');
  });

  it('gives an allowed origin the gate config, which never holds the embed URL', async () => {
    const res = await server.get('/v1/tours/cover-mail/gate', { origin: TOUR_ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ tour: 'cover-mail', title: 'Cover' });
    expect(body).not.toContain('viewer.example.net');
    // Without an Origin (a server, curl) as before.
    expect(await (await server.get('/v1/tours/cover-mail/gate')).text()).not.toContain('viewer.example.net');
  });

  it('counts allowed and refused origins per tour and day, and lists the last 30 days', async () => {
    for (let i = 0; i < 3; i++) await server.get('/v1/tours/plain/gate', { origin: TOUR_ORIGIN });
    for (let i = 0; i < 2; i++) await server.get('/v1/tours/plain/gate', { origin: 'https://other.example' });
    // Not an origin: not counted.
    await server.get('/v1/tours/plain/gate', { origin: 'null' });
    await server.deps.embedOrigins.flush();
    const now = server.clock.now;
    const list = await server.store.embedOrigins.recent('plain', embedWindowStart(now));
    expect(list).toEqual([
      { origin: 'https://other.example', allowed: 0, refused: 2, lastDay: dayOf(now) },
      { origin: TOUR_ORIGIN, allowed: 3, refused: 0, lastDay: dayOf(now) },
    ]);
    // Counts add up across flushes; an unknown tour is not stored.
    await server.get('/v1/tours/plain/gate', { origin: TOUR_ORIGIN });
    await server.get('/v1/tours/no-such-tour/gate', { origin: TOUR_ORIGIN });
    await server.deps.embedOrigins.flush();
    const again = await server.store.embedOrigins.recent('plain', embedWindowStart(now));
    expect(again.find((o) => o.origin === TOUR_ORIGIN)?.allowed).toBe(4);
    expect(await server.store.embedOrigins.recent('no-such-tour', embedWindowStart(now))).toEqual([]);
  });

  it('stores a bounded number of origins per tour and day', async () => {
    for (let i = 0; i < MAX_ORIGINS_PER_TOUR_DAY + 20; i++) {
      await server.get('/v1/tours/cover-manual/gate', { origin: `https://forged-${i}.example` });
    }
    await server.deps.embedOrigins.flush();
    expect(await server.store.embedOrigins.originsOn('cover-manual', dayOf(server.clock.now))).toBe(
      MAX_ORIGINS_PER_TOUR_DAY,
    );
  });

  it('lists only the last 30 days and sweeps older ones', async () => {
    const store = server.store.embedOrigins;
    const now = server.clock.now;
    const old = dayOf(now - 40 * 86_400_000);
    const edge = dayOf(now - 29 * 86_400_000);
    await store.add([
      { tour: 'history', day: old, origin: 'https://old.example', allowed: 5, refused: 0 },
      { tour: 'history', day: edge, origin: 'https://edge.example', allowed: 0, refused: 1 },
    ]);
    expect((await store.recent('history', embedWindowStart(now))).map((o) => o.origin)).toEqual([
      'https://edge.example',
    ]);
    expect(await store.sweep(dayOf(now - 31 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await store.originsOn('history', old)).toBe(0);
  });

  it('hands the embed URL to an access that holds (email release), and to nobody else', async () => {
    expect(await codeOf(await server.get('/v1/tours/cover-mail/embed'))).toBe('TOKEN_INVALID');
    expect(await codeOf(await server.get('/v1/tours/cover-mail/embed', { authorization: 'Bearer not-a-token' }))).toBe(
      'TOKEN_INVALID',
    );

    expect((await register(server, 'cover-mail', 'visitor@example.org')).status).toBe(202);
    const accessToken = await accessTokenFor(server, 'visitor@example.org');
    const res = await server.get('/v1/tours/cover-mail/embed', {
      authorization: `Bearer ${accessToken}`,
      origin: TOUR_ORIGIN,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
    expect(await res.json()).toEqual({ url: EMBED_URL });

    // The token of this tour opens no other tour's embed.
    const other = await server.get('/v1/tours/cover-manual/embed', { authorization: `Bearer ${accessToken}` });
    expect(other.status).toBe(401);
    // A tour without an embed URL has no cover mode.
    expect((await register(server, 'plain', 'visitor@example.org')).status).toBe(202);
    const plainToken = await accessTokenFor(server, 'visitor@example.org');
    expect(await codeOf(await server.get('/v1/tours/plain/embed', { authorization: `Bearer ${plainToken}` }))).toBe(
      'NOT_FOUND',
    );

    // Revoked: gone at once.
    const reg = (await server.store.raw
      .selectFrom('registrations')
      .select('id')
      .where('tour_id', '=', 'cover-mail')
      .executeTakeFirst())!;
    await server.store.revokeAccessTokens(reg.id, server.clock.now);
    const revoked = await server.get('/v1/tours/cover-mail/embed', { authorization: `Bearer ${accessToken}` });
    expect(revoked.status).toBe(403);
    expect(await codeOf(revoked)).toBe('ACCESS_REVOKED');
  });

  it('hands the embed URL over after the broker granted (manual release)', async () => {
    expect((await register(server, 'cover-manual', 'manual@example.org')).status).toBe(202);
    const review = await reviewTokenFromOutbox(server, 'manual@example.org');
    const page = await (await server.get(`/review/${review}`)).text();
    const decided = await postDecision(server, review, { nonce: nonceIn(page), decision: 'grant' });
    expect(decided.status).toBe(200);
    const accessToken = await accessTokenFor(server, 'manual@example.org');
    const res = await server.get('/v1/tours/cover-manual/embed', { authorization: `Bearer ${accessToken}` });
    expect(await res.json()).toEqual({ url: EMBED_URL });
  });
});
