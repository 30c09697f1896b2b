/**
 * The broker dashboard on SQLite and PostgreSQL: login by emailed link (scanner-safe, single
 * use), session cookie and CSRF, every number on the pages and in the admin API equal to a
 * direct count in the database, two brokers kept apart, decisions and erasure from the pages.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBrokerKey } from '../src/core/api-keys.ts';
import { forEachBackend } from './backends.ts';
import { csrfOf, DashClient, loginAs, loginLink } from './dashboard-client.ts';
import type { TestServer } from './harness.ts';
import { registrationId, seedThreeTours } from './seed.ts';

const MUELLER = 'anna@mueller-immobilien.example';
const SCHMIDT = 'jan@schmidt.example';

const metric = (html: string, name: string): number[] =>
  [...html.matchAll(new RegExp(`data-metric="${name}"[^>]*>([^<]+)<`, 'g'))].map((m) => Number(m[1]));

/** The numbers as the database has them, counted directly from the rows. */
async function directCounts(server: TestServer, tour: string) {
  const db = server.store.raw;
  const rows = await db.selectFrom('registrations').selectAll().where('tour_id', '=', tour).execute();
  const sum = async (metricName: string) => {
    const r = await db
      .selectFrom('daily_stats')
      .select((eb) => eb.fn.sum<number>('count').as('n'))
      .where('tour_id', '=', tour)
      .where('metric', '=', metricName)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  };
  const delays = rows
    .filter((r) => r.released_at !== null)
    .map((r) => Number(r.released_at) - Number(r.created_at))
    .sort((a, b) => a - b);
  const mid = delays.length / 2;
  const median = delays.length
    ? delays.length % 2
      ? delays[Math.floor(mid)]!
      : (delays[mid - 1]! + delays[mid]!) / 2
    : null;
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  // tourStats counts released rows by state (see medianRelease): the rows say the same.
  expect(rows.filter((r) => r.released_at !== null).length).toBe(
    count('released') + count('granted') + count('revoked'),
  );
  return {
    registrations: rows.length,
    opened: rows.filter((r) => r.first_opened_at !== null).length,
    pending: count('pending'),
    denied: count('denied'),
    granted: rows.filter((r) => r.decided_by !== null && (r.status === 'granted' || r.status === 'revoked')).length,
    released: rows.filter((r) => r.decided_at === null && r.released_at !== null).length,
    revoked: count('revoked'),
    median,
    lockedClicks: await sum('locked-click'),
    masksShown: await sum('mask-shown'),
    viewpointViews: await sum('viewpoint-view'),
  };
}

forEachBackend('dashboard', (backend) => {
  let server: TestServer;
  let mueller: DashClient;
  let schmidt: DashClient;

  beforeAll(async () => {
    server = await backend.start({
      captcha: { verify: async () => {} },
      startWorker: false,
      limits: { linkPerEmail: { max: 100, windowMs: 60_000 }, linkPerIp: { max: 100, windowMs: 60_000 } },
    });
    await seedThreeTours(server);
    mueller = await loginAs(server, MUELLER);
    schmidt = await loginAs(server, SCHMIDT);
  });
  afterAll(async () => {
    await server.close();
  });

  it('every number on the pages and in the admin API equals a direct count, for three tours', async () => {
    const keys = {
      mueller: (await createBrokerKey(server.store, 'mueller', 'test', server.clock.now)).key,
      schmidt: (await createBrokerKey(server.store, 'schmidt', 'test', server.clock.now)).key,
    };
    const overviewM = await (await mueller.get('/dashboard')).text();
    const direct = await Promise.all(['musterstrasse-12', 'gartenweg-3'].map((t) => directCounts(server, t)));
    expect(metric(overviewM, 'registrations')).toEqual(direct.map((d) => d.registrations));
    expect(metric(overviewM, 'pending')).toEqual(direct.map((d) => d.pending));
    expect(metric(overviewM, 'opened')).toEqual(direct.map((d) => d.opened));
    const overviewS = await (await schmidt.get('/dashboard')).text();
    const captcha = await directCounts(server, 'captcha-tour');
    expect(metric(overviewS, 'registrations')).toEqual([captcha.registrations]);
    expect(metric(overviewS, 'opened')).toEqual([captcha.opened]);
    // The seed is what we think it is.
    expect(direct.map((d) => d.registrations)).toEqual([7, 6]);
    expect(direct[1]).toMatchObject({ granted: 3, denied: 2, pending: 1, revoked: 1, opened: 1 });
    expect(captcha).toMatchObject({ registrations: 3, opened: 1, released: 3 });

    for (const [tour, client, key] of [
      ['musterstrasse-12', mueller, keys.mueller],
      ['gartenweg-3', mueller, keys.mueller],
      ['captcha-tour', schmidt, keys.schmidt],
    ] as const) {
      const d = await directCounts(server, tour);
      const page = await (await client.get(`/dashboard/tours/${tour}`)).text();
      for (const k of [
        'registrations',
        'opened',
        'denied',
        'granted',
        'released',
        'lockedClicks',
        'masksShown',
        'viewpointViews',
      ] as const) {
        // Rows that do not apply to the tour's mode are left out while they are 0.
        expect(metric(page, k)[0] ?? 0, `${tour} ${k}`).toBe(d[k]);
      }
      expect(metric(page, 'pending')).toEqual(tour === 'gartenweg-3' ? [d.pending] : []);
      expect(/data-metric="medianReleaseMs" data-value="([^"]*)"/.exec(page)?.[1]).toBe(String(d.median));

      const api = await server.get(`/v1/admin/tours/${tour}/stats`, { authorization: `Bearer ${key}` });
      expect(api.status).toBe(200);
      const stats = (await api.json()) as {
        funnel: Record<string, number>;
        status: Record<string, number>;
        medianReleaseMs: number;
      };
      expect(stats.funnel).toMatchObject({
        registrations: d.registrations,
        opened: d.opened,
        denied: d.denied,
        granted: d.granted,
        released: d.released,
        revoked: d.revoked,
        lockedClicks: d.lockedClicks,
        masksShown: d.masksShown,
        viewpointViews: d.viewpointViews,
      });
      expect(stats.status.total).toBe(d.registrations);
      expect(stats.status.pending).toBe(d.pending);
      expect(stats.medianReleaseMs).toBe(d.median);

      const leads = await (await client.get(`/dashboard/tours/${tour}/leads?lang=de`)).text();
      expect(leads).toContain(`${d.registrations} Interessenten`);
    }
    // Email release: released at once; manual: the broker's hours.
    expect(direct[0]!.median).toBe(0);
    expect(direct[1]!.median).toBeGreaterThan(3_600_000);
  });

  it('logs in only through the button: GET of the link changes nothing, the link works once', async () => {
    const client = await loginAs(server, MUELLER); // a second session works beside the first
    expect((await client.get('/dashboard')).status).toBe(200);
    const anon = await startLogin(server, MUELLER);
    const path = new URL(await loginLink(server, MUELLER)).pathname;
    for (let i = 0; i < 3; i++) expect((await anon.get(path)).status).toBe(200); // scanner fetches
    await server.app.request(path, { method: 'HEAD' });
    const page = await anon.get(path);
    const csrf = csrfOf(await page.text());
    expect((await anon.post(path, { csrf: 'forged' })).status).toBe(403);
    const ok = await anon.post(path, { csrf });
    expect(ok.status).toBe(303);
    const session = anon.cookies.get('tg_session');
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const rows = await server.store.raw.selectFrom('dashboard_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(session);
    // Used once: the second POST (another browser) fails.
    const other = await startLogin(server, 'nobody@example.org');
    const again = await other.post(path, { csrf: csrfOf(await (await other.get('/dashboard/login')).text()) });
    expect(again.status).toBe(410);
  });

  it('answers the same for unknown addresses and mails nothing then', async () => {
    const answer = async (email: string) => {
      const c = new DashClient(server);
      const res = await c.submit('/dashboard/login', '/dashboard/login', { email });
      return { status: res.status, body: (await res.text()).replace(/(nonce|value)="[^"]*"/g, '') };
    };
    const before = (await server.store.outbox.list(500)).length;
    const unknown = await answer('someone@else.example');
    expect((await server.store.outbox.list(500)).length).toBe(before);
    const known = await answer(SCHMIDT);
    expect((await server.store.outbox.list(500)).length).toBe(before + 1);
    expect(unknown).toEqual(known);
  });

  it('sets a strict cookie and strict headers, and needs the CSRF token for every POST', async () => {
    const client = await startLogin(server, MUELLER);
    const path = new URL(await loginLink(server, MUELLER)).pathname;
    const csrf = csrfOf(await (await client.get(path)).text());
    const res = await client.post(path, { csrf });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tg_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/dashboard/);
    const page = await client.get('/dashboard/tours/gartenweg-3');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'nonce-[^']+'/);
    // Scripts only under the response's nonce (the embed page's copy buttons); this page has none.
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^' ]+';/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script|style="/);

    const pending = await registrationId(server, 'gartenweg-3', 'gartenweg-3-visitor-5@example.org');
    const forged = await client.post(`/dashboard/tours/gartenweg-3/leads/${pending}/decide`, { decision: 'grant' });
    expect(forged.status).toBe(403);
    const withOtherToken = await client.post(`/dashboard/tours/gartenweg-3/leads/${pending}/decide`, {
      decision: 'grant',
      csrf: csrfOf(await (await mueller.get('/dashboard')).text()),
    });
    expect(withOtherToken.status).toBe(403);
    expect((await server.store.getRegistration(pending))?.status).toBe('pending');

    const out = await client.submit('/dashboard', '/dashboard/logout');
    expect(out.status).toBe(303);
    expect((await client.get('/dashboard')).headers.get('location')).toBe('/dashboard/login');
  });

  it('keeps two brokers apart: pages, leads, exports and actions by guessed id', async () => {
    const theirs = await registrationId(server, 'gartenweg-3', 'gartenweg-3-visitor-5@example.org');
    const overview = await (await schmidt.get('/dashboard')).text();
    expect(overview).toContain('captcha-tour');
    expect(overview).not.toMatch(/gartenweg|musterstrasse/);
    for (const path of [
      '/dashboard/tours/gartenweg-3',
      '/dashboard/tours/gartenweg-3/leads',
      `/dashboard/tours/gartenweg-3/leads/${theirs}`,
      `/dashboard/tours/captcha-tour/leads/${theirs}`,
      '/dashboard/tours/gartenweg-3/export?format=csv',
      '/dashboard/tours/musterstrasse-12/export?format=json',
    ]) {
      const res = await schmidt.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('gartenweg-3-visitor');
    }
    for (const action of [
      `/dashboard/tours/gartenweg-3/leads/${theirs}/decide`,
      `/dashboard/tours/captcha-tour/leads/${theirs}/decide`,
    ]) {
      expect((await schmidt.submit('/dashboard', action, { decision: 'deny' })).status).toBe(404);
    }
    expect(
      (await schmidt.submit('/dashboard', `/dashboard/tours/captcha-tour/leads/${theirs}/erase`, { confirm: 'yes' }))
        .status,
    ).toBe(404);
    expect((await server.store.getRegistration(theirs))?.status).toBe('pending');
  });

  it('grants a pending request from the tour page and revokes it from the lead page', async () => {
    const id = await registrationId(server, 'gartenweg-3', 'gartenweg-3-visitor-5@example.org');
    const page = await (await mueller.get('/dashboard/tours/gartenweg-3')).text();
    expect(page).toContain(`/dashboard/tours/gartenweg-3/leads/${id}/decide`);
    const res = await mueller.post(`/dashboard/tours/gartenweg-3/leads/${id}/decide`, {
      csrf: csrfOf(page),
      decision: 'grant',
    });
    expect(res.status).toBe(303);
    expect((await server.store.getRegistration(id))?.status).toBe('granted');
    const lead = await (await mueller.get(res.headers.get('location')!)).text();
    expect(lead).toContain('hat jetzt Zugang zum Rundgang „Gartenweg 3“ und erhält den Freischalt-Link per E-Mail.');
    expect(lead).toContain('Einwilligung');
    const again = await mueller.post(`/dashboard/tours/gartenweg-3/leads/${id}/decide`, {
      csrf: csrfOf(lead),
      decision: 'grant',
    });
    expect(again.headers.get('location')).toMatch(/done=already/);
    // Revoking asks first: the answer is a page that says what will happen, and nothing changed.
    const ask = await mueller.post(`/dashboard/tours/gartenweg-3/leads/${id}/decide`, {
      csrf: csrfOf(lead),
      decision: 'revoke',
    });
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain('data-confirm="revoke"');
    expect(askHtml).toContain('Ja, Zugang widerrufen');
    expect((await server.store.getRegistration(id))?.status).toBe('granted');
    await mueller.post(`/dashboard/tours/gartenweg-3/leads/${id}/decide`, {
      csrf: csrfOf(askHtml),
      decision: 'revoke',
      confirm: 'yes',
    });
    expect((await server.store.getRegistration(id))?.status).toBe('revoked');
  });

  it('searches, filters and pages the leads, in German and English', async () => {
    const byName = await (await mueller.get('/dashboard/tours/musterstrasse-12/leads?q=vorname3')).text();
    expect(byName).toContain('1 Interessent');
    expect(byName).toContain('musterstrasse-12-visitor-3@example.org');
    const wildcard = await (await mueller.get('/dashboard/tours/musterstrasse-12/leads?q=%25')).text();
    expect(wildcard).toContain('Keine passenden Interessenten');
    const denied = await (await mueller.get('/dashboard/tours/gartenweg-3/leads?status=denied&lang=en')).text();
    expect(denied).toContain('2 leads');
    expect(denied).toContain('<html lang="en"');
    const remembered = await (await mueller.get('/dashboard')).text();
    expect(remembered).toContain('Your tours');
    await mueller.get('/dashboard?lang=de');
    const none = await (await mueller.get('/dashboard/tours/gartenweg-3/leads?from=2030-01-01')).text();
    expect(none).toContain('Keine passenden');
    expect((await mueller.get('/dashboard/tours/gartenweg-3/leads?from=yesterday')).status).toBe(422);
  });

  it('exports what the broker sees, as CSV with BOM and as JSON', async () => {
    const csv = await mueller.get('/dashboard/tours/musterstrasse-12/export?format=csv&separator=%3B');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFFRegistriert am;Status;')).toBe(true); // the broker's language (German)
    expect(text.trim().split('\r\n')).toHaveLength(8);
    const json = (await (
      await mueller.get('/dashboard/tours/gartenweg-3/export?format=json&status=denied')
    ).json()) as unknown[];
    expect(json).toHaveLength(2);
  });

  it('ends a session after 12 hours (last: it moves the clock)', async () => {
    const client = await loginAs(server, SCHMIDT);
    server.clock.advance(11 * 3_600_000);
    expect((await client.get('/dashboard')).status).toBe(200);
    server.clock.advance(2 * 3_600_000);
    const res = await client.get('/dashboard');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard/login');
  });
});

async function startLogin(server: TestServer, email: string): Promise<DashClient> {
  const c = new DashClient(server);
  await c.submit('/dashboard/login', '/dashboard/login', { email });
  return c;
}
