/**
 * `/v1/admin`: bearer keys (the platform's from GATE_ADMIN_KEY, per-broker keys stored hashed),
 * brokers and tours created through the API persisted and served by the gate endpoints after a
 * restart, config-file entries read-only, and brokers kept apart by guessed ids.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';
import { register, seedThreeTours, visitor } from './seed.ts';

const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';

const newTour = (id: string, broker: string) => ({
  id,
  broker,
  title: `Neue Wohnung ${id}`,
  pageUrl: `${TOUR_ORIGIN}/${id}`,
  mode: 'manual',
  consent: { privacyUrl: 'https://weber.example/datenschutz' },
});

forEachBackend('admin API', (backend) => {
  // A database that outlives a server: a test restarts the server on it.
  let databaseUrl: string;
  let server: TestServer;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const send = (method: string, path: string, key: string, body?: unknown) =>
    server.app.request(path, {
      method,
      headers: { ...as(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function start() {
    server = await startTestServer({ databaseUrl, captcha: { verify: async () => {} }, startWorker: false });
    server.deps.env.adminKey = PLATFORM;
  }

  beforeAll(async () => {
    databaseUrl = await backend.database({ shared: true });
    await start();
    await seedThreeTours(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('needs a valid bearer key', async () => {
    for (const headers of [{}, as('wrong'), as(`${PLATFORM}x`), { authorization: PLATFORM }]) {
      const res = await server.get('/v1/admin/tours', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    expect((await server.get('/v1/admin/tours', as(PLATFORM))).status).toBe(200);
  });

  it('creates a broker, its key and its tour; the gate serves the tour, also after a restart', async () => {
    const broker = { id: 'weber', name: 'Eva Weber', email: 'eva@weber.example', locale: 'en', retentionDays: 180 };
    expect((await send('POST', '/v1/admin/brokers', PLATFORM, broker)).status).toBe(201);
    expect((await send('POST', '/v1/admin/brokers', PLATFORM, broker)).status).toBe(409);
    const bad = await send('POST', '/v1/admin/brokers', PLATFORM, { id: 'Bad Id', name: '', email: 'x' });
    expect(bad.status).toBe(422);
    expect(Object.keys(((await bad.json()) as { error: { fields: object } }).error.fields)).toEqual(
      expect.arrayContaining(['id', 'name', 'email']),
    );
    // Config-file entries are read-only here.
    expect((await send('PUT', '/v1/admin/brokers/mueller', PLATFORM, { ...broker, id: 'mueller' })).status).toBe(409);
    expect((await send('PUT', '/v1/admin/tours/gartenweg-3', PLATFORM, newTour('gartenweg-3', 'mueller'))).status).toBe(
      409,
    );

    const keyRes = await send('POST', '/v1/admin/brokers/weber/keys', PLATFORM, { label: 'CRM' });
    expect(keyRes.status).toBe(201);
    const { key } = (await keyRes.json()) as { key: string };
    expect(key).toMatch(/^tgk_/);
    const stored = await server.store.raw.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);

    expect((await send('POST', '/v1/admin/tours', key, newTour('weber-loft', 'weber'))).status).toBe(201);
    const gate = await server.get('/v1/tours/weber-loft/gate');
    expect(gate.status).toBe(200);
    expect(await gate.json()).toMatchObject({ tour: 'weber-loft', mode: 'manual', broker: { name: 'Eva Weber' } });
    await register(server, 'weber-loft', visitor('weber-loft', 1));
    const update = await send('PUT', '/v1/admin/tours/weber-loft', key, {
      ...newTour('weber-loft', 'weber'),
      title: 'Loft am Rhein',
    });
    expect(update.status).toBe(200);
    expect(((await (await server.get('/v1/tours/weber-loft/gate')).json()) as { title: string }).title).toBe(
      'Loft am Rhein',
    );

    await server.close();
    await start();
    const again = await server.get('/v1/tours/weber-loft/gate');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { title: string }).title).toBe('Loft am Rhein');
    const list = (await (await server.get('/v1/admin/tours', as(key))).json()) as {
      tours: { id: string; source: string }[];
    };
    expect(list.tours).toEqual([expect.objectContaining({ id: 'weber-loft', source: 'api' })]);
    const stats = (await (await server.get('/v1/admin/tours/weber-loft/stats', as(key))).json()) as {
      funnel: { registrations: number };
      status: { pending: number };
    };
    expect(stats.funnel.registrations).toBe(1);
    expect(stats.status.pending).toBe(1);
  });

  it('keeps brokers apart: a broker key reads and writes only its own tours', async () => {
    const { key } = (await (await send('POST', '/v1/admin/brokers/schmidt/keys', PLATFORM)).json()) as { key: string };
    const tours = (await (await server.get('/v1/admin/tours', as(key))).json()) as { tours: { id: string }[] };
    expect(tours.tours.map((t) => t.id)).toEqual(['captcha-tour']);
    for (const path of [
      '/v1/admin/tours/gartenweg-3',
      '/v1/admin/tours/gartenweg-3/stats',
      '/v1/admin/tours/gartenweg-3/leads',
      '/v1/admin/tours/musterstrasse-12/leads?format=csv',
      '/v1/admin/tours/does-not-exist/stats',
    ]) {
      const res = await server.get(path, as(key));
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOUR_NOT_FOUND');
    }
    expect((await server.get('/v1/admin/brokers/mueller', as(key))).status).toBe(404);
    expect(
      ((await (await server.get('/v1/admin/brokers', as(key))).json()) as { brokers: { id: string }[] }).brokers.map(
        (b) => b.id,
      ),
    ).toEqual(['schmidt']);
    expect((await send('POST', '/v1/admin/tours', key, newTour('sneaky', 'mueller'))).status).toBe(403);
    expect((await send('PUT', '/v1/admin/tours/weber-loft', key, newTour('weber-loft', 'schmidt'))).status).toBe(404);
    expect((await send('POST', '/v1/admin/brokers', key, { id: 'x', name: 'x', email: 'x@x.example' })).status).toBe(
      403,
    );
    expect((await send('POST', '/v1/admin/brokers/schmidt/keys', key)).status).toBe(403);
    expect(server.deps.tours.find('sneaky')).toBeUndefined();
    // A revoked key opens nothing any more.
    const revoked = (await (await send('POST', '/v1/admin/brokers/schmidt/keys', PLATFORM)).json()) as {
      id: string;
      key: string;
    };
    const id = revoked.id;
    expect((await server.get('/v1/admin/tours', as(revoked.key))).status).toBe(200);
    expect((await send('DELETE', `/v1/admin/keys/${id}`, key)).status).toBe(403);
    expect((await send('DELETE', `/v1/admin/keys/${id}`, PLATFORM)).status).toBe(204);
    expect((await send('DELETE', `/v1/admin/keys/${id}`, PLATFORM)).status).toBe(404);
    expect((await server.get('/v1/admin/tours', as(revoked.key))).status).toBe(401);
    expect(server.deps.tours.get('weber-loft').broker.id).toBe('weber');
  });

  it('leaves server folders, patterns and taken tour ids to the platform', async () => {
    const { key } = (await (await send('POST', '/v1/admin/brokers/schmidt/keys', PLATFORM)).json()) as { key: string };
    const withDir = await send('POST', '/v1/admin/tours', key, { ...newTour('dir-tour', 'schmidt'), assetsDir: '/' });
    expect(withDir.status).toBe(403);
    expect(((await withDir.json()) as { error: { fields: object } }).error.fields).toEqual({ assetsDir: 'unknown' });
    const withPattern = await send('POST', '/v1/admin/tours', key, {
      ...newTour('re-tour', 'schmidt'),
      postalCodePattern: '^(\\d+)+$',
    });
    expect(withPattern.status).toBe(403);
    expect(server.deps.tours.find('dir-tour')).toBeUndefined();
    // An id that still has leads (a tour removed from the config) can't be taken over.
    await server.store.insertRegistration({
      id: 'orphan-lead',
      tour_id: 'old-villa',
      email: 'lead@example.org',
      fields: '{}',
      locale: 'de',
      status: 'released',
      viewpoint: null,
      consent_at: 0,
      consent_version: '1',
      consent_privacy: 1,
      consent_marketing: 0,
      created_at: 0,
      day: '2026-11-21',
      updated_at: 0,
      released_at: 0,
      decided_at: null,
      decided_by: null,
      first_opened_at: null,
    });
    const takeover = await send('POST', '/v1/admin/tours', key, newTour('old-villa', 'schmidt'));
    expect(takeover.status).toBe(409);
    expect(server.deps.tours.find('old-villa')).toBeUndefined();
  });

  it('checks a tour as the config file does: a pattern that does not compile, taken field keys', async () => {
    const fieldsOf = async (res: Response) => {
      const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
      return { status: res.status, code: body.error.code, fields: body.error.fields };
    };
    const cases: [unknown, string][] = [
      [{ ...newTour('paren', 'schmidt'), postalCodePattern: '(' }, 'postalCodePattern'],
      [{ ...newTour('paren', 'schmidt'), fields: { email: 'optional' } }, 'fields.email'],
      ...['email', 'phone', 'firstName'].map((key): [unknown, string] => [
        {
          ...newTour('paren', 'schmidt'),
          customFields: [{ key, label: { de: 'X', en: 'X' } }],
        },
        'customFields.0.key',
      ]),
      [
        {
          ...newTour('paren', 'schmidt'),
          customFields: [
            { key: 'budget', label: { de: 'X', en: 'X' } },
            { key: 'budget', label: { de: 'Y', en: 'Y' } },
          ],
        },
        'customFields.1.key',
      ],
      [
        {
          ...newTour('paren', 'schmidt'),
          customFields: [{ key: 'size', type: 'select', label: { de: 'X', en: 'X' } }],
        },
        'customFields.0.options',
      ],
    ];
    for (const [body, field] of cases) {
      for (const [method, path] of [
        ['POST', '/v1/admin/tours'],
        ['PUT', '/v1/admin/tours/paren'],
      ] as const) {
        expect(await fieldsOf(await send(method, path, PLATFORM, body))).toEqual({
          status: 422,
          code: 'VALIDATION_FAILED',
          fields: { [field]: 'invalid' },
        });
      }
    }
    expect(server.deps.tours.find('paren')).toBeUndefined();
    expect((await server.get('/v1/tours/paren/gate')).status).toBe(404);
  });

  it('loads no stored tour that fails the checks (saved before they held), and still starts', async () => {
    const stored = { ...newTour('stored-paren', 'schmidt'), postalCodePattern: '(' };
    const good = newTour('stored-fine', 'schmidt');
    await server.store.managed.saveTour('stored-paren', 'schmidt', JSON.stringify(stored), server.clock.now);
    await server.store.managed.saveTour('stored-fine', 'schmidt', JSON.stringify(good), server.clock.now);
    await server.close();
    await start();
    expect((await server.get('/v1/tours/stored-fine/gate')).status).toBe(200);
    expect((await server.get('/v1/tours/stored-paren/gate')).status).toBe(404);
    const reg = await server.post('/v1/tours/stored-paren/registrations', {
      fields: { email: 'a@example.org', postalCode: '50667' },
      consent: { privacy: true, version: '1' },
    });
    expect(reg.status).toBe(404);
  });

  it('exports leads as CSV and JSON, filtered, and checks its parameters', async () => {
    const csv = await server.get(
      '/v1/admin/tours/gartenweg-3/leads?format=csv&separator=;&status=denied',
      as(PLATFORM),
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="gartenweg-3-leads.csv"');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    // The semicolon file is for German Excel: German headers (the broker's language), values in words.
    expect(text.startsWith('\uFEFFRegistriert am;Status;')).toBe(true);
    expect(text).toContain(';Abgelehnt;');
    expect(text.trim().split('\r\n')).toHaveLength(3);
    const json = (await (await server.get('/v1/admin/tours/musterstrasse-12/leads', as(PLATFORM))).json()) as {
      consent: { version: string };
    }[];
    expect(json).toHaveLength(7);
    expect(json[0]!.consent.version).toBe('2026-01');
    expect((await server.get('/v1/admin/tours/gartenweg-3/leads?format=xml', as(PLATFORM))).status).toBe(422);
    expect((await server.get('/v1/admin/tours/gartenweg-3/stats?from=21.11.2026', as(PLATFORM))).status).toBe(422);
  });
});

forEachBackend('admin changes across instances on one database', (backend) => {
  it('another instance serves an API-made tour as soon as it is announced (change feed, no polling)', async () => {
    const databaseUrl = await backend.database({ shared: true });
    const a = await backend.start({ databaseUrl, startWorker: false });
    const b = await backend.start({ databaseUrl, startWorker: false });
    a.deps.env.adminKey = PLATFORM;
    const headers = { authorization: `Bearer ${PLATFORM}`, 'content-type': 'application/json' };
    const broker = { id: 'weber', name: 'Eva Weber', email: 'eva@weber.example' };
    expect(
      (await a.app.request('/v1/admin/brokers', { method: 'POST', headers, body: JSON.stringify(broker) })).status,
    ).toBe(201);
    const tour = newTour('weber-haus', 'weber');
    expect(
      (await a.app.request('/v1/admin/tours', { method: 'POST', headers, body: JSON.stringify(tour) })).status,
    ).toBe(201);
    await expect
      .poll(async () => (await b.get('/v1/tours/weber-haus/gate')).status, { timeout: 5_000, interval: 50 })
      .toBe(200);
  });
});
