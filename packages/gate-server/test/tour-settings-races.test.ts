/**
 * Tour settings when saves meet (review of issue 9), on SQLite and PostgreSQL: the database
 * decides every race. A new tour id goes to whoever inserts it first — two brokers creating one
 * id at once, each on an instance of their own, can't both get it, and a tour never changes its
 * broker. A settings form saves only over the version it was filled from, checked in the write
 * itself (also against a save on another instance this one has not heard of yet); two origins
 * allowed at once are both kept. The settings forms take long texts up to the shared schema's
 * limits and refuse longer ones at the field, a body over their own 64 KB limit gets the page
 * with a notice, not bare JSON. The embed page's notice and the change log say only what is so
 * and what is the broker's.
 */
import { CONFIG_LIMITS, parseConfigFile } from '@tour-gate/shared/config';
import { expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { csrfOf, type DashClient, loginAs } from './dashboard-client.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import { formOf } from './form-fill.ts';
import type { TestServer } from './harness.ts';

const MUELLER = 'anna@mueller-immobilien.example';
const SCHMIDT = 'jan@schmidt.example';
const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';
const ONE = 'https://eins.example';
const TWO = 'https://zwei.example';

const tourFields = (title: string) => ({
  title,
  pageUrl: `${TOUR_ORIGIN}/wettlauf`,
  'consent.privacyUrl': 'https://makler.example/datenschutz',
});

const apiTour = (id: string, broker: string, title = `Wohnung ${id}`) => ({
  id,
  broker,
  title,
  pageUrl: `${TOUR_ORIGIN}/${id}`,
  consent: { privacyUrl: 'https://makler.example/datenschutz' },
});

async function createTour(client: DashClient, id: string, title = 'Wettlauf'): Promise<void> {
  const blank = await (await client.get('/dashboard/new-tour')).text();
  const res = await client.post('/dashboard/new-tour', { ...formOf(blank), ...tourFields(title), id });
  expect(res.status).toBe(303);
}

async function admin(server: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  server.deps.env.adminKey = PLATFORM;
  return server.app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${PLATFORM}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const storedConfig = async (server: TestServer, id: string) => {
  const row = await server.store.managed.tour(id);
  return row && { broker: row.broker_id, config: JSON.parse(row.config) as Record<string, unknown> };
};

/**
 * The creation races, on one instance (both requests pass its own look at its tours before either
 * is stored) and on two (neither knows the other's tour): the database decides either way.
 */
function creationRaces(where: string, servers: () => Promise<[TestServer, TestServer]>): void {
  it(`two brokers creating one tour id at once ${where}: the first keeps it, the other is told the id is taken`, async () => {
    const [a, b] = await servers();
    const anna = await loginAs(a, MUELLER);
    const jan = await loginAs(b, SCHMIDT);
    for (const round of [1, 2, 3]) {
      const id = `wettlauf-${round}`;
      const [annaBlank, janBlank] = await Promise.all([
        anna.get('/dashboard/new-tour?lang=de').then((r) => r.text()),
        jan.get('/dashboard/new-tour?lang=en').then((r) => r.text()),
      ]);
      const [ra, rj] = await Promise.all([
        anna.post('/dashboard/new-tour', { ...formOf(annaBlank), ...tourFields('Annas Wohnung'), id }),
        jan.post('/dashboard/new-tour', { ...formOf(janBlank), ...tourFields('Jans Wohnung'), id }),
      ]);
      // Exactly one got it; the other sees the form again with the reason at the id field.
      const statuses = [ra.status, rj.status].sort();
      expect(statuses, id).toEqual([303, 422]);
      const [winner, loser, loserText] =
        ra.status === 303
          ? (['mueller', rj, 'A tour with this id exists already'] as const)
          : (['schmidt', ra, 'Es gibt schon einen Rundgang mit dieser Kennung'] as const);
      const page = await loser.text();
      expect(page).toContain(loserText);
      expect(page).toMatch(new RegExp(`name="id" value="${id}"[^>]*aria-invalid="true"`));
      // The database, both instances' directories, and the settings pages agree on the owner.
      expect((await storedConfig(a, id))?.broker).toBe(winner);
      await expect.poll(() => b.deps.tours.find(id)?.broker.id, { timeout: 5_000 }).toBe(winner);
      await expect.poll(() => a.deps.tours.find(id)?.broker.id, { timeout: 5_000 }).toBe(winner);
      const annaGets = (await anna.get(`/dashboard/tours/${id}/settings`)).status;
      const janGets = (await jan.get(`/dashboard/tours/${id}/settings`)).status;
      expect([annaGets, janGets]).toEqual(winner === 'mueller' ? [200, 404] : [404, 200]);
      // One creation in the log, the winner's.
      expect(await a.store.managed.audit.list(id, winner)).toHaveLength(1);
      expect(await a.store.managed.audit.list(id, winner === 'mueller' ? 'schmidt' : 'mueller')).toHaveLength(0);
    }
  });

  it(`the admin API: two creations of one id at once ${where} give 201 and 409, and a tour keeps its broker`, async () => {
    const [a, b] = await servers();
    const [ra, rb] = await Promise.all([
      admin(a, 'POST', '/v1/admin/tours', apiTour('api-wettlauf', 'mueller', 'Von A')),
      admin(b, 'POST', '/v1/admin/tours', apiTour('api-wettlauf', 'schmidt', 'Von B')),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(((await loser.json()) as { error: { code: string; fields: object } }).error).toMatchObject({
      code: 'CONFLICT',
      fields: { id: 'invalid' },
    });
    const owner = ra.status === 201 ? 'mueller' : 'schmidt';
    expect((await storedConfig(a, 'api-wettlauf'))?.broker).toBe(owner);
    await expect.poll(() => b.deps.tours.find('api-wettlauf')?.broker.id, { timeout: 5_000 }).toBe(owner);

    // A replacement naming another broker is refused (also by the instance that created it):
    // a tour never changes hands, whatever the request says.
    const other = owner === 'mueller' ? 'schmidt' : 'mueller';
    for (const server of [a, b]) {
      const put = await admin(
        server,
        'PUT',
        '/v1/admin/tours/api-wettlauf',
        apiTour('api-wettlauf', other, 'Umgezogen'),
      );
      expect(put.status).toBe(409);
      expect(((await put.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
    }
    expect(await storedConfig(a, 'api-wettlauf')).toMatchObject({ broker: owner, config: { broker: owner } });
    // The store itself never hands a tour to another broker.
    expect(await a.store.managed.saveTour('api-wettlauf', other, JSON.stringify({}), a.clock.now)).toBe(false);
    expect(await a.store.managed.createTour('api-wettlauf', other, JSON.stringify({}), a.clock.now)).toBe(false);
    expect((await storedConfig(a, 'api-wettlauf'))?.broker).toBe(owner);
  });
}

forEachBackend('tour creation races', (backend) => {
  creationRaces('on one instance', async () => {
    const server = await backend.start({ startWorker: false });
    return [server, server];
  });
});

// Two instances in one test process: only PostgreSQL. Two SQLite connections in one process
// would wait for each other's write lock in the one thread they share (busy_timeout blocks it),
// which separate server processes don't.
forEachBackend(
  'tour creation races across instances',
  (backend) => {
    creationRaces('on two instances', async () => {
      const databaseUrl = await backend.database();
      return [
        await backend.start({ databaseUrl, startWorker: false }),
        await backend.start({ databaseUrl, startWorker: false }),
      ];
    });
  },
  { only: ['postgres'] },
);

const storedOrigins = async (server: TestServer, id: string): Promise<string[]> =>
  [...(((await storedConfig(server, id))?.config.allowedOrigins as string[] | undefined) ?? [])].sort();

forEachBackend('tour settings races', (backend) => {
  it('settings forms filled from one version: the first save wins, the other gets 409 "changed meanwhile" and nothing of it is stored', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await createTour(anna, 'zwei-fenster');
    const path = '/dashboard/tours/zwei-fenster/settings';
    // Two windows (or two colleagues) with the same form, saved at the same moment.
    const form = formOf(await (await anna.get(`${path}?lang=de`)).text());
    const [first, second] = await Promise.all([
      anna.post(path, { ...form, mode: 'manual' }),
      anna.post(path, { ...form, title: 'Neuer Titel' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([303, 409]);
    const lost = first.status === 409 ? first : second;
    const page = await lost.text();
    expect(page).toContain('Während Sie die Einstellungen bearbeitet haben, hat jemand anderes sie geändert.');
    const stored = (await storedConfig(server, 'zwei-fenster'))?.config;
    // Exactly the winner's change, and the form shows it now.
    const won = first.status === 303 ? { mode: 'manual', title: 'Wettlauf' } : { mode: 'email', title: 'Neuer Titel' };
    expect(stored).toMatchObject(won);
    expect(server.deps.tours.get('zwei-fenster').config).toMatchObject(won);
    expect(formOf(page)).toMatchObject(won);
    // Creation and the one save in the log.
    expect(await server.store.managed.audit.list('zwei-fenster', 'mueller')).toHaveLength(2);
  });

  it('a form filled on one instance is not saved over a change made on another one in between, even before the note arrives', async () => {
    const databaseUrl = await backend.database({ shared: true });
    const a = await backend.start({ databaseUrl, startWorker: false });
    const b = await backend.start({ databaseUrl, startWorker: false });
    const onA = await loginAs(a, MUELLER);
    const onB = await loginAs(b, MUELLER);
    await createTour(onA, 'zwei-server');
    const path = '/dashboard/tours/zwei-server/settings';
    await expect.poll(async () => (await onB.get(path)).status, { timeout: 5_000 }).toBe(200);
    const formB = formOf(await (await onB.get(`${path}?lang=en`)).text());
    const formA = formOf(await (await onA.get(path)).text());
    expect(formA.base).toBe(formB.base);
    // Saved on A; B is asked at once, whether or not it has heard of the change.
    expect((await onA.post(path, { ...formA, 'fields.phone': 'required' })).status).toBe(303);
    const res = await onB.post(path, { ...formB, mode: 'manual' });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain('Someone changed these settings while you were editing them');
    // B shows (and serves) the version stored now; nothing of its form was saved.
    expect(formOf(page)['fields.phone']).toBe('required');
    expect(b.deps.tours.get('zwei-server').config.fields.phone).toBe('required');
    expect((await storedConfig(a, 'zwei-server'))?.config).toMatchObject({
      mode: 'email',
      fields: { phone: 'required' },
    });
    // Made again from the current form, it is saved.
    expect((await onB.post(path, { ...formOf(page), mode: 'manual' })).status).toBe(303);
    expect((await storedConfig(a, 'zwei-server'))?.config).toMatchObject({
      mode: 'manual',
      fields: { phone: 'required' },
    });
  });

  it('the store replaces a tour only over the version it was read as (compare-and-swap), and writes no log entry otherwise', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await createTour(anna, 'cas');
    const row = await server.store.managed.tour('cas');
    if (!row) throw new Error('not stored');
    const audit = (title: string) => ({
      tourId: 'cas',
      brokerId: 'mueller',
      actorKind: 'platform' as const,
      actor: 'platform',
      at: server.clock.now,
      changes: [{ setting: 'title', before: 'Wettlauf', after: title }],
    });
    const next = (title: string) => JSON.stringify({ ...JSON.parse(row.config), title });
    const now = server.clock.now;
    expect(await server.store.managed.updateTour('cas', 'mueller', next('Eins'), now, row.config, audit('Eins'))).toBe(
      true,
    );
    // The same expected text again: the row holds another one now.
    expect(await server.store.managed.updateTour('cas', 'mueller', next('Zwei'), now, row.config, audit('Zwei'))).toBe(
      false,
    );
    // Right text, another broker: refused too.
    const current = (await server.store.managed.tour('cas'))?.config ?? '';
    expect(await server.store.managed.updateTour('cas', 'schmidt', next('Drei'), now, current, audit('Drei'))).toBe(
      false,
    );
    expect(JSON.parse((await server.store.managed.tour('cas'))?.config ?? '{}').title).toBe('Eins');
    const log = await server.store.managed.audit.list('cas', 'mueller');
    expect(log.map((e) => e.changes[0]?.after)).toEqual(['Eins', 'Wettlauf']);
  });

  it('two origins allowed at once with one click each are both kept', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await createTour(anna, 'zulassen');
    for (const origin of [ONE, TWO]) expect((await server.get('/v1/tours/zulassen/gate', { origin })).status).toBe(403);
    const path = '/dashboard/tours/zulassen/embed';
    const csrf = csrfOf(await (await anna.get(path)).text());
    const clicks = await Promise.all([
      anna.post(`${path}/allow`, { csrf, origin: ONE }),
      anna.post(`${path}/allow`, { csrf, origin: TWO }),
    ]);
    expect(clicks.map((r) => r.status)).toEqual([303, 303]);
    expect(await storedOrigins(server, 'zulassen')).toEqual([ONE, TWO]);
    for (const origin of [ONE, TWO]) expect((await server.get('/v1/tours/zulassen/gate', { origin })).status).toBe(200);
    // Each click is one entry in the log (after the creation), each adding its own origin.
    const log = await server.store.managed.audit.list('zulassen', 'mueller');
    expect(log).toHaveLength(3);
    expect(log.slice(0, 2).map((e) => e.changes.map((c) => c.setting))).toEqual([
      ['allowedOrigins'],
      ['allowedOrigins'],
    ]);
  });
});

forEachBackend(
  'tour settings races across instances',
  (backend) => {
    it('two origins allowed at once on two instances are both kept and served by both', async () => {
      const databaseUrl = await backend.database();
      const a = await backend.start({ databaseUrl, startWorker: false });
      const b = await backend.start({ databaseUrl, startWorker: false });
      const onA = await loginAs(a, MUELLER);
      const onB = await loginAs(b, MUELLER);
      await createTour(onA, 'zulassen');
      await expect.poll(() => b.deps.tours.find('zulassen')?.config.id, { timeout: 5_000 }).toBe('zulassen');
      for (const origin of [ONE, TWO]) expect((await a.get('/v1/tours/zulassen/gate', { origin })).status).toBe(403);
      await a.deps.embedOrigins.flush();
      const path = '/dashboard/tours/zulassen/embed';
      const csrfA = csrfOf(await (await onA.get(path)).text());
      const csrfB = csrfOf(await (await onB.get(path)).text());
      const clicks = await Promise.all([
        onA.post(`${path}/allow`, { csrf: csrfA, origin: ONE }),
        onB.post(`${path}/allow`, { csrf: csrfB, origin: TWO }),
      ]);
      expect(clicks.map((r) => r.status)).toEqual([303, 303]);
      expect(await storedOrigins(a, 'zulassen')).toEqual([ONE, TWO]);
      for (const server of [a, b]) {
        await expect
          .poll(() => [...(server.deps.tours.find('zulassen')?.config.allowedOrigins ?? [])].sort(), { timeout: 5_000 })
          .toEqual([ONE, TWO]);
      }
      expect(await a.store.managed.audit.list('zulassen', 'mueller')).toHaveLength(3);
    });
  },
  { only: ['postgres'] },
);

forEachBackend('tour settings size limits', (backend) => {
  it('long texts: up to the schema limits saved through the form, longer ones refused at the field, a body over 64 KB gets the page with a notice', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await createTour(anna, 'lang');
    const path = '/dashboard/tours/lang/settings';
    // Umlauts and typographic quotes: several bytes each once the form encodes them.
    const sentence = '„Grüße“ – „Öfen“ – „Süße“ – „Maße“ – „Flüße“ – ';
    const fill = (n: number) => `${sentence.repeat(Math.ceil(n / sentence.length)).slice(0, n - 1)}.`;

    // 2000 characters per language: a form well over the dashboard's usual 16 KB.
    let form = formOf(await (await anna.get(`${path}?lang=de`)).text());
    const longest = { 'denyText.de': fill(CONFIG_LIMITS.denyText), 'denyText.en': fill(CONFIG_LIMITS.denyText) };
    expect(new URLSearchParams({ ...form, ...longest }).toString().length).toBeGreaterThan(16 * 1024);
    const saved = await anna.post(path, { ...form, ...longest });
    expect(saved.status).toBe(303);
    expect(server.deps.tours.get('lang').config.denyText?.de).toHaveLength(CONFIG_LIMITS.denyText);

    // One character more: the form again, the reason at the field, nothing changed.
    form = formOf(await (await anna.get(path)).text());
    const tooLong = await anna.post(path, { ...form, 'denyText.en': fill(CONFIG_LIMITS.denyText + 1), mode: 'manual' });
    expect(tooLong.status).toBe(422);
    const page = await tooLong.text();
    expect(page).toContain('Bitte verwenden Sie höchstens 2000 Zeichen.');
    expect(page).toMatch(/href="#s-denyText-en"/);
    expect(server.deps.tours.get('lang').config.mode).toBe('email');

    // A title over 200 characters, and 51 choices for a select: said at their fields.
    const many = Array.from({ length: CONFIG_LIMITS.options + 1 }, (_, i) => `Wahl ${i + 1}`).join('\n');
    const lists = await anna.post(path, {
      ...form,
      title: fill(CONFIG_LIMITS.title + 1),
      'cf.new.labelDe': 'Etage',
      'cf.new.labelEn': 'Floor',
      'cf.new.type': 'select',
      'cf.new.requirement': 'optional',
      'cf.new.options': many,
    });
    expect(lists.status).toBe(422);
    const listsPage = await lists.text();
    expect(listsPage).toContain('Bitte verwenden Sie höchstens 200 Zeichen.');
    expect(listsPage).toContain('Bitte geben Sie höchstens 50 Einträge an.');
    expect(server.deps.tours.get('lang').config.customFields).toEqual([]);

    // Over the forms' own limit: the settings page, the notice in the broker's language, 413.
    const huge = { ...form, 'denyText.de': 'ä'.repeat(12_000) };
    expect(new URLSearchParams(huge).toString().length).toBeGreaterThan(64 * 1024);
    const over = await anna.post(path, huge);
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toMatch(/^text\/html/);
    const overPage = await over.text();
    expect(overPage).toContain('Ihre Eingaben waren zu umfangreich (mehr als 64 KB) und wurden nicht gespeichert.');
    expect(overPage).toContain('action="/dashboard/tours/lang/settings"');
    const overNew = await anna.post('/dashboard/new-tour?lang=en', huge);
    expect(overNew.status).toBe(413);
    const overNewPage = await overNew.text();
    expect(overNewPage).toContain('What you entered was too large (more than 64 KB) and was not saved.');
    expect(overNewPage).toContain('action="/dashboard/new-tour"');
    expect(server.deps.tours.get('lang').config.denyText?.de).toHaveLength(CONFIG_LIMITS.denyText);
    // Without a session: as for any form without one, nothing of the tour shown.
    const stranger = await server.app.request(`${path}?lang=de`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(huge).toString(),
    });
    expect(stranger.status).toBe(401);
    expect(await stranger.text()).not.toContain('action="/dashboard/tours/lang/settings"');
    // Other dashboard forms keep the 16 KB limit.
    const csrf = csrfOf(await (await anna.get('/dashboard/tours/lang/embed')).text());
    const bigAllow = await anna.post('/dashboard/tours/lang/embed/allow', {
      csrf,
      origin: ONE,
      pad: 'x'.repeat(17_000),
    });
    expect(bigAllow.status).toBe(413);
  });

  it('the admin API and the config file hold tours to the same limits', async () => {
    const server = await backend.start({ startWorker: false });
    const long = 'x'.repeat(CONFIG_LIMITS.title + 1);
    const res = await admin(server, 'POST', '/v1/admin/tours', { ...apiTour('api-lang', 'mueller'), title: long });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: object } }).error.fields).toEqual({ title: 'invalid' });
    const deny = { de: 'x'.repeat(CONFIG_LIMITS.denyText + 1), en: 'Sorry.' };
    const denied = await admin(server, 'POST', '/v1/admin/tours', {
      ...apiTour('api-lang', 'mueller'),
      denyText: deny,
    });
    expect(((await denied.json()) as { error: { fields: object } }).error.fields).toEqual({ 'denyText.de': 'invalid' });
    expect(server.deps.tours.find('api-lang')).toBeUndefined();
    const file = parseConfigFile({
      brokers: [{ id: 'b', name: 'B', email: 'b@b.example' }],
      tours: [{ ...apiTour('t', 'b'), denyText: deny }],
    });
    expect(file).toEqual({ ok: false, problems: [expect.objectContaining({ path: 'tours[0].denyText.de' })] });
  });
});

forEachBackend('tour settings: what the broker is told', (backend) => {
  it('the embed page says an origin is allowed only if it is; the change log leaves out the platform-only values', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await createTour(anna, 'ehrlich');
    const path = '/dashboard/tours/ehrlich/embed';
    // An address-bar parameter is not a fact.
    const forged = await (
      await anna.get(`${path}?lang=de&allowed=${encodeURIComponent('https://boese.example Sie wurden gehackt')}`)
    ).text();
    expect(forged).not.toContain('boese.example Sie wurden gehackt');
    expect(forged).not.toContain('ist jetzt zugelassen');
    expect(forged).not.toContain('role="status"');
    const notYet = await (await anna.get(`${path}?lang=de&already=${encodeURIComponent(ONE)}`)).text();
    expect(notYet).not.toContain('war bereits zugelassen');
    // Allowed for real, the same link says so.
    expect((await server.get('/v1/tours/ehrlich/gate', { origin: ONE })).status).toBe(403);
    const csrf = csrfOf(notYet);
    const allowed = await anna.post(`${path}/allow`, { csrf, origin: ONE });
    expect(allowed.status).toBe(303);
    const truly = await (await anna.get(allowed.headers.get('location') ?? '')).text();
    expect(truly).toContain(`${ONE} ist jetzt zugelassen`);
    expect(await (await anna.get(`${path}?already=${encodeURIComponent(ONE)}`)).text()).toContain(
      `${ONE} war bereits zugelassen`,
    );
    // The tour page's own origin is allowed by itself.
    expect(await (await anna.get(`${path}?already=${encodeURIComponent(TOUR_ORIGIN)}`)).text()).toContain(
      'war bereits zugelassen',
    );

    // The platform sets a folder on the server and a postal-code pattern through the admin API.
    const config = server.deps.tours.get('ehrlich').config;
    const secretDir = '/srv/tour-gate/geheim/panoramen';
    const put = await admin(server, 'PUT', '/v1/admin/tours/ehrlich', {
      ...config,
      assetsDir: secretDir,
      postalCodePattern: '^5\\d{4}$',
      title: 'Ehrlich 2',
    });
    expect(put.status).toBe(200);
    for (const page of [`/dashboard/tours/ehrlich?lang=de`, `/dashboard/tours/ehrlich/settings?lang=de`]) {
      const html = await (await anna.get(page)).text();
      expect(html, page).not.toContain(secretDir);
      expect(html, page).not.toContain('^5\\d{4}$');
      expect(html, page).toContain('von der Plattform geändert');
      // The broker's own settings are shown with their values as before.
      expect(html, page).toContain('Ehrlich 2');
    }
    const en = await (await anna.get('/dashboard/tours/ehrlich?lang=en')).text();
    expect(en).toContain('changed by the platform');
    expect(en).not.toContain(secretDir);
    // The log itself keeps what was changed, for the platform.
    const [entry] = await server.store.managed.audit.list('ehrlich', 'mueller');
    expect(entry?.changes).toEqual(expect.arrayContaining([{ setting: 'assetsDir', before: null, after: secretDir }]));
  });
});
