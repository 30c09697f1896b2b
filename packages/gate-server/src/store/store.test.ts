/**
 * The GateStore conformance suite: the same tests on SQLite and on PostgreSQL. Atomicity is
 * tested with real concurrency: many callers race, exactly one wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../test/backends.ts';
import { registration } from '../../test/fixtures.ts';
import { linkFrom } from '../../test/smtp.ts';
import { Sealer } from '../security/seal.ts';
import { newId } from '../util/ids.ts';
import { dayOf } from '../util/time.ts';
import type { NewRegistration } from './schema.ts';
import { GateStore } from './store.ts';

const T0 = Date.UTC(2026, 10, 21, 9);

function reg(overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    id: newId(),
    tour_id: 'tour-a',
    email: `${newId()}@example.org`,
    fields: '{}',
    locale: 'de',
    status: 'pending',
    viewpoint: null,
    consent_at: T0,
    consent_version: '1',
    consent_privacy: 1,
    consent_marketing: 0,
    consent_marketing_offered: 0,
    consent_marketing_confirmed_at: null,
    created_at: T0,
    day: dayOf(T0),
    updated_at: T0,
    released_at: null,
    decided_at: null,
    decided_by: null,
    first_opened_at: null,
    ...overrides,
  };
}

forEachBackend('GateStore', (backend) => {
  let store: GateStore;
  let url: string;

  beforeAll(async () => {
    url = await backend.database({ shared: true });
    store = GateStore.open(url, { sealer: Sealer.random() });
    expect(await store.migrate()).toContain('0001_initial');
  });
  // Closed before the backend drops the database (its hooks run after the suite's own).
  afterAll(() => store.close());

  it('migrates idempotently and answers ping', async () => {
    expect(await store.migrate()).toEqual([]);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('keeps one registration per tour and email', async () => {
    const a = reg({ email: 'dup@example.org' });
    await store.insertRegistration(a);
    await expect(store.insertRegistration(reg({ email: 'dup@example.org' }))).rejects.toThrow();
    await store.insertRegistration(reg({ email: 'dup@example.org', tour_id: 'tour-b' }));
    expect((await store.findRegistration('tour-a', 'dup@example.org'))?.id).toBe(a.id);
  });

  it('rolls a transaction back whole', async () => {
    const r = reg();
    await expect(
      store.transaction(async (tx) => {
        await tx.insertRegistration(r);
        await tx.log(r.id, r.tour_id, T0, 'registered');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.getRegistration(r.id)).toBeUndefined();
    expect(await store.logbook(r.id)).toEqual([]);
  });

  it('lets exactly one of many concurrent status changes win', async () => {
    const r = reg();
    await store.insertRegistration(r);
    const racers = Array.from({ length: 10 }, (_, i) =>
      store.transition(r.id, ['pending'], i % 2 ? 'granted' : 'denied', { decided_at: T0 + i, decided_by: `b${i}` }),
    );
    const results = await Promise.all(racers);
    const winners = results.filter(Boolean);
    expect(winners).toHaveLength(1);
    const row = await store.getRegistration(r.id);
    expect(row?.status).toBe(winners[0]!.status);
    expect(row?.decided_by).toBe(winners[0]!.decided_by);
  });

  it('consumes a single-use token exactly once under concurrency', async () => {
    await store.insertLink({
      token_hash: 'h-single',
      purpose: 'login',
      tour_id: null,
      subject_id: 'broker-1',
      created_at: T0,
      expires_at: T0 + 60_000,
      revoked_at: null,
      last_used_at: null,
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.consumeOne('h-single', 'login', T0 + 1)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'revoked')).toBe(true);
  });

  it('redeems a multi-use link until it expires, and tells why not', async () => {
    await store.insertLink({
      token_hash: 'h-multi',
      purpose: 'unlock',
      tour_id: 'tour-a',
      subject_id: 'reg-1',
      created_at: T0,
      expires_at: T0 + 1000,
      revoked_at: null,
      last_used_at: null,
    });
    const uses = await Promise.all(Array.from({ length: 5 }, () => store.redeemLink('h-multi', 'unlock', T0 + 10)));
    expect(uses.every((u) => u.ok)).toBe(true);
    expect((await store.findLinkByHash('h-multi'))?.use_count).toBe(5);
    expect(await store.redeemLink('h-multi', 'unlock', T0 + 1000)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await store.redeemLink('h-multi', 'review', T0 + 10)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await store.redeemLink('nope', 'unlock', T0)).toEqual({ ok: false, reason: 'invalid' });
    expect(await store.revokeLinks('reg-1', 'unlock', T0 + 20)).toBe(1);
    expect(await store.redeemLink('h-multi', 'unlock', T0 + 30)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(await store.peekLink('h-multi', 'unlock', T0 + 30)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('revokes access tokens of a registration', async () => {
    for (const jti of ['j1', 'j2']) {
      await store.insertAccessToken({
        jti,
        registration_id: 'reg-x',
        tour_id: 'tour-a',
        link_id: null,
        issued_at: T0,
        expires_at: T0 + 1e9,
        revoked_at: null,
      });
    }
    expect(await store.revokeAccessTokens('reg-x', T0 + 5)).toBe(2);
    expect((await store.getAccessToken('j1'))?.revoked_at).toBe(T0 + 5);
    expect(await store.revokeAccessTokens('reg-x', T0 + 6)).toBe(0);
  });

  it('counts rate-limit hits atomically and starts a new window', async () => {
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.rateLimits.hit('k1', 60_000, T0)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(counts[0]!.resetAt).toBe(T0 + 60_000);
    expect(await store.rateLimits.hit('k1', 60_000, T0 + 60_000)).toEqual({ count: 1, resetAt: T0 + 120_000 });
  });

  it('adds statistics concurrently without losing a count', async () => {
    await Promise.all(Array.from({ length: 25 }, () => store.bumpStat('tour-s', '2026-11-21', 'registrations')));
    await store.bumpStat('tour-s', '2026-11-22', 'registrations', 3);
    expect(await store.stats('tour-s')).toEqual([
      { day: '2026-11-21', metric: 'registrations', count: 25 },
      { day: '2026-11-22', metric: 'registrations', count: 3 },
    ]);
  });

  it('hands each due mail to one claimer only, and again after its lease', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        await store.enqueueMail({
          tour_id: 'tour-m',
          registration_id: null,
          kind: 'unlock',
          recipient: `m${i}@example.org`,
          reply_to: null,
          subject: 's',
          text_body: 't',
          html_body: 'h',
          next_attempt_at: T0,
          locked_until: null,
          last_error: null,
          created_at: T0 + i,
          sent_at: null,
        }),
      );
    }
    const claims = await Promise.all(Array.from({ length: 4 }, () => store.outbox.claim(T0, 10, 60_000)));
    const claimed = claims.flat().map((m) => m.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(30);
    expect(await store.outbox.claim(T0 + 1, 10, 60_000)).toEqual([]);
    await store.outbox.markRetry(ids[0]!, T0 + 100, 'down');
    await store.outbox.markSent(ids[1]!, T0 + 2);
    const afterLease = await store.outbox.claim(T0 + 60_000, 100, 60_000);
    expect(afterLease.map((m) => m.id).sort()).toEqual(ids.filter((id) => id !== ids[1]).sort());
    expect(afterLease.find((m) => m.id === ids[0])?.attempts).toBe(2);
    expect(await store.outbox.markSent(ids[1]!, T0 + 3)).toBeUndefined();
  });

  it('carries the whole email-release flow', async () => {
    const server = await backend.start({ databaseUrl: url, startWorker: false });
    const res = await server.post('/v1/tours/musterstrasse-12/registrations', registration('flow@example.org'));
    expect(res.status).toBe(202);
    await server.outbox.runOnce();
    const mail = (await server.store.outbox.list()).find((m) => m.recipient === 'flow@example.org')!;
    const { token } = linkFrom({ parsed: { text: mail.text_body } } as never);
    const unlock = await server.post('/v1/unlock', { token });
    expect(unlock.status).toBe(200);
    const { accessToken } = (await unlock.json()) as { accessToken: string };
    const access = await server.get('/v1/tours/musterstrasse-12/access', { authorization: `Bearer ${accessToken}` });
    expect(access.status).toBe(200);
    expect((await server.get('/readyz')).status).toBe(200);
  });
});

describe('dayOf', () => {
  it("counts by the brokers' calendar (Europe/Berlin), summer and winter", () => {
    expect(dayOf(Date.UTC(2026, 10, 20, 23, 30))).toBe('2026-11-21'); // 00:30 CET
    expect(dayOf(Date.UTC(2026, 10, 20, 22, 59))).toBe('2026-11-20'); // 23:59 CET
    expect(dayOf(Date.UTC(2026, 6, 14, 22, 30))).toBe('2026-07-15'); // 00:30 CEST
    expect(dayOf(Date.UTC(2026, 6, 14, 21, 59))).toBe('2026-07-14'); // 23:59 CEST
  });
});
