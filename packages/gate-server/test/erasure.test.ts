/**
 * Erasure on SQLite and PostgreSQL: after `forget`, no table holds anything of the visitor —
 * not the email, the names, the phone number, nor the hash that keys their rate counters — while
 * every other visitor and every aggregate is untouched. The dashboard's erase button does the
 * same for one tour.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decide } from '../src/core/decide.ts';
import { forgetEmail } from '../src/core/erase.ts';
import { requestNewLink } from '../src/core/new-link.ts';
import { emailKey } from '../src/core/rate-limit.ts';
import type { GateServer } from '../src/server.ts';
import { forEachBackend } from './backends.ts';
import { csrfOf, loginAs } from './dashboard-client.ts';
import type { TestServer } from './harness.ts';
import { openLink, register, registrationId, seedThreeTours, visitor } from './seed.ts';

const EMAIL = 'zacharias.quastenflosser@example.net';
const PERSONAL = ['zacharias', 'quastenflosser', '98765432', 'Sonnenblumenweg'];

/** Every row of every table the store has, whatever the migrations created. */
async function dumpAll(server: GateServer): Promise<Record<string, unknown[]>> {
  const db = server.store.raw;
  const names =
    server.store.dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)
        ).rows;
  const out: Record<string, unknown[]> = {};
  for (const { name } of names) out[name] = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
  return out;
}

function zacharias(tour: string) {
  const v = visitor(tour, 99, {
    firstName: 'Zacharias',
    lastName: 'Quastenflosser',
    email: EMAIL,
    phone: '+49 151 98765432',
  });
  return tour === 'gartenweg-3' ? v : { ...v, fields: { ...v.fields, budget: 'Sonnenblumenweg 5 oder mehr' } };
}

forEachBackend('erasure', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await backend.start({
      captcha: { verify: async () => {} },
      startWorker: false,
      limits: { linkPerEmail: { max: 100, windowMs: 60_000 }, linkPerIp: { max: 100, windowMs: 60_000 } },
    });
    await seedThreeTours(server);
    // The visitor on two tours of one broker: email release (opened, asked for a new link)
    // and manual release (granted, with the review mail the broker got).
    await register(server, 'musterstrasse-12', zacharias('musterstrasse-12'));
    await openLink(server, EMAIL);
    await requestNewLink(server.deps, server.deps.tours.get('musterstrasse-12'), { email: EMAIL }, '10.9.9.9');
    await register(server, 'gartenweg-3', zacharias('gartenweg-3'));
    await decide(server.deps, {
      registrationId: await registrationId(server, 'gartenweg-3', EMAIL),
      decision: 'grant',
      by: 'anna@mueller-immobilien.example',
    });
    await openLink(server, EMAIL);
  });
  afterAll(async () => {
    await server.close();
  });

  it('forget leaves no personal data of the visitor in any table, and every aggregate as it was', async () => {
    const before = await dumpAll(server);
    const text = JSON.stringify(before).toLowerCase();
    for (const p of [EMAIL, ...PERSONAL]) expect(text, p).toContain(p.toLowerCase()); // it was there
    const othersBefore = before.registrations!.length - 2;

    const result = await forgetEmail(server.store, EMAIL.toUpperCase());
    expect(result).toEqual({ registrations: 2, tours: expect.arrayContaining(['musterstrasse-12', 'gartenweg-3']) });

    const after = await dumpAll(server);
    const left = JSON.stringify(after).toLowerCase();
    for (const p of [EMAIL, ...PERSONAL, emailKey(EMAIL).toLowerCase()]) expect(left, p).not.toContain(p.toLowerCase());
    expect(after.daily_stats).toEqual(before.daily_stats);
    expect(after.registrations).toHaveLength(othersBefore);
    // The other visitors keep their links, mails and logbooks.
    for (const t of ['link_tokens', 'outbox', 'logbook', 'access_tokens'])
      expect(after[t]!.length, t).toBeGreaterThan(0);
    expect(left).toContain('musterstrasse-12-visitor-1@example.org');
    // Again: nothing left to erase.
    expect((await forgetEmail(server.store, EMAIL)).registrations).toBe(0);
  });

  it('the dashboard erases one visitor of one tour; the statistics page shows the same counts', async () => {
    const email = 'gartenweg-3-visitor-3@example.org';
    const id = await registrationId(server, 'gartenweg-3', email);
    const broker = await loginAs(server, 'anna@mueller-immobilien.example');
    const statsBefore = await (await broker.get('/dashboard/tours/gartenweg-3')).text();
    const page = await (await broker.get(`/dashboard/tours/gartenweg-3/leads/${id}`)).text();
    expect((await broker.post(`/dashboard/tours/gartenweg-3/leads/${id}/erase`, { csrf: csrfOf(page) })).status).toBe(
      422,
    );
    const res = await broker.post(`/dashboard/tours/gartenweg-3/leads/${id}/erase`, {
      csrf: csrfOf(page),
      confirm: 'yes',
    });
    expect(res.status).toBe(303);
    expect(JSON.stringify(await dumpAll(server))).not.toContain(email);
    const statsAfter = await (await broker.get('/dashboard/tours/gartenweg-3')).text();
    const funnel = (html: string) =>
      [...html.matchAll(/data-metric="(\w+)">(\d+)</g)].filter((m) => m[1] !== 'pending').map((m) => m.slice(1));
    expect(funnel(statsAfter)).toEqual(funnel(statsBefore));
    expect((await broker.get(`/dashboard/tours/gartenweg-3/leads/${id}`)).status).toBe(404);
  });
});

forEachBackend('erasing one tour of a visitor', (backend) => {
  it("keeps the visitor's other registrations with their mails and logbook", async () => {
    const server = await backend.start({ startWorker: false });
    try {
      const email = 'two.tours@example.net';
      await register(server, 'musterstrasse-12', {
        ...visitor('musterstrasse-12', 1),
        fields: { ...visitor('musterstrasse-12', 1).fields, email },
      });
      await register(server, 'gartenweg-3', {
        ...visitor('gartenweg-3', 1),
        fields: { ...visitor('gartenweg-3', 1).fields, email },
      });
      const keep = await registrationId(server, 'gartenweg-3', email);
      const { eraseRegistration } = await import('../src/core/erase.ts');
      expect(
        await eraseRegistration(server.store, await registrationId(server, 'musterstrasse-12', email), 'gartenweg-3'),
      ).toBe(false);
      expect(
        await eraseRegistration(
          server.store,
          await registrationId(server, 'musterstrasse-12', email),
          'musterstrasse-12',
        ),
      ).toBe(true);
      const after = await dumpAll(server);
      expect((after.registrations as { id: string }[]).map((r) => r.id)).toEqual([keep]);
      const mails = after.outbox as { registration_id: string; recipient: string }[];
      expect(mails.filter((m) => m.recipient === email).every((m) => m.registration_id === keep)).toBe(true);
      expect(mails.some((m) => m.recipient === email)).toBe(true); // the confirmation mail of gartenweg-3
      expect((after.logbook as { registration_id: string }[]).every((e) => e.registration_id === keep)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

forEachBackend('retention purge', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ captcha: { verify: async () => {} }, startWorker: false });
    await seedThreeTours(server);
  });
  afterAll(() => server.close());

  it('erases unconfirmed registrations after 30 days and leads after the broker retention; aggregates stay', async () => {
    const { purge } = await import('../src/core/purge.ts');
    const DAY = 86_400_000;
    const before = await dumpAll(server);
    const all = before.registrations as { status: string; first_opened_at: number | null; email: string }[];
    const unconfirmed = all.filter(
      (r) => r.status === 'pending' || r.status === 'denied' || r.first_opened_at === null,
    );
    const leads = all.filter((r) => !unconfirmed.includes(r));
    expect(unconfirmed.length).toBe(10);
    expect(leads.length).toBe(6);

    // Too early for anything.
    expect(await purge(server.store, server.deps.tours, { now: server.clock.now + 20 * DAY })).toEqual({
      unconfirmed: 0,
      expiredLeads: 0,
    });
    // A dry run counts without erasing.
    const later = server.clock.now + 40 * DAY;
    expect(await purge(server.store, server.deps.tours, { now: later, dryRun: true })).toEqual({
      unconfirmed: 10,
      expiredLeads: 0,
    });
    expect((await dumpAll(server)).registrations).toHaveLength(16);

    expect(await purge(server.store, server.deps.tours, { now: later })).toEqual({ unconfirmed: 10, expiredLeads: 0 });
    const mid = await dumpAll(server);
    expect((mid.registrations as { email: string }[]).map((r) => r.email).sort()).toEqual(
      leads.map((r) => r.email).sort(),
    );
    const text = JSON.stringify(mid);
    for (const r of unconfirmed) expect(text).not.toContain(r.email);

    expect(await purge(server.store, server.deps.tours, { now: server.clock.now + 400 * DAY })).toEqual({
      unconfirmed: 0,
      expiredLeads: 6,
    });
    const after = await dumpAll(server);
    expect(after.registrations).toHaveLength(0);
    expect(after.logbook).toHaveLength(0);
    expect(after.daily_stats).toEqual(before.daily_stats);
  });
});
