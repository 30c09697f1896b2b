/**
 * Tour settings in the dashboard (issue 9), on SQLite and PostgreSQL, as a browser without
 * JavaScript uses them: a broker sets up a tour and changes its settings through the forms; the
 * gate config serves each change at once; refused input shows its reasons at the fields and
 * changes nothing; the change log names who changed which setting, before and after; another
 * broker can neither read nor change the settings or the log; a form without its CSRF token
 * changes nothing; a config-file tour is read-only. With two server instances on one database a
 * change made on one is served by the other within 5 seconds (measured and printed).
 */
import type { GateConfig } from '@tour-gate/shared';
import pg from 'pg';
import { expect, it } from 'vitest';
import { FEED_APPLICATION_NAME } from '../src/store/change-feed.ts';
import { forEachBackend } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import { formOf } from './form-fill.ts';
import { TestClock } from './harness.ts';

const MUELLER = 'anna@mueller-immobilien.example';
const SCHMIDT = 'jan@schmidt.example';

const newTour = {
  id: '',
  title: 'Lindenstraße 5, Köln',
  pageUrl: `${TOUR_ORIGIN}/lindenstrasse-5`,
  'consent.privacyUrl': 'https://mueller-immobilien.example/datenschutz',
};

async function gateOf(server: { get(path: string): Promise<Response> }, id: string): Promise<GateConfig> {
  const res = await server.get(`/v1/tours/${id}/gate`);
  expect(res.status).toBe(200);
  return (await res.json()) as GateConfig;
}

forEachBackend('dashboard tour settings', (backend) => {
  it('a broker sets up a tour and edits its settings through the forms; each change is served at once and logged', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);

    // The overview leads to a new tour.
    expect(await (await anna.get('/dashboard?lang=de')).text()).toContain('href="/dashboard/new-tour"');
    const blank = await (await anna.get('/dashboard/new-tour')).text();
    expect(blank).toContain('Neuer Rundgang');
    expect(blank).toContain('action="/dashboard/new-tour"');
    const created = await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/dashboard/tours/lindenstrasse-5-koeln/settings?done=created');
    const id = 'lindenstrasse-5-koeln';
    let gate = await gateOf(server, id);
    expect(gate).toMatchObject({ title: 'Lindenstraße 5, Köln', mode: 'email', broker: { name: 'Anna Müller' } });

    // Edit: manual release, phone required, company hidden, a select field of one's own,
    // two protected viewpoints, an allowed origin, validity, notifications, deny text, consent, captcha.
    const settingsPath = `/dashboard/tours/${id}/settings`;
    let pageHtml = await (await anna.get(`${settingsPath}?done=created`)).text();
    expect(pageHtml).toContain('Der Rundgang ist angelegt.');
    let form = formOf(pageHtml);
    expect(form['fields.phone']).toBe('optional');
    const saved = await anna.post(settingsPath, {
      ...form,
      mode: 'manual',
      'fields.phone': 'required',
      'fields.company': 'optional',
      'cf.new.labelDe': 'Finanzierung',
      'cf.new.labelEn': 'Financing',
      'cf.new.type': 'select',
      'cf.new.requirement': 'optional',
      'cf.new.options': 'Gesichert | Secured\nIn Klärung | Being arranged',
      'vp.protect': 'list',
      'vp.typed': 'schlafzimmer\nbad',
      allowedOrigins: 'https://makler.example',
      linkValidityDays: '7,5',
      'notifications.visitorConfirmation': 'on',
      'notifications.openimmoAttachment': 'on',
      'denyText.de': 'Leider ist die Besichtigung schon vergeben.',
      'denyText.en': 'Sorry, the viewing is taken.',
      'consent.version': '2026-11',
      'consent.marketing': 'on',
      'captcha.siteKey': '10000000-ffff-ffff-ffff-000000000001',
      op: 'save',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${settingsPath}?done=saved`);
    gate = await gateOf(server, id);
    expect(gate.mode).toBe('manual');
    expect(gate.viewpoints).toEqual({ protect: 'list', ids: ['schlafzimmer', 'bad'] });
    expect(gate.fields.find((f) => f.key === 'phone')).toMatchObject({ required: true });
    expect(gate.fields.find((f) => f.key === 'company')).toMatchObject({ required: false });
    expect(gate.fields.find((f) => f.key === 'finanzierung')).toEqual({
      key: 'finanzierung',
      type: 'select',
      required: false,
      maxLength: 200,
      label: { de: 'Finanzierung', en: 'Financing' },
      options: [
        { value: 'Gesichert', label: { de: 'Gesichert', en: 'Secured' } },
        { value: 'In Klärung', label: { de: 'In Klärung', en: 'Being arranged' } },
      ],
    });
    expect(gate.linkValidityDays).toBe(7.5);
    expect(gate.captcha).toEqual({ provider: 'hcaptcha', siteKey: '10000000-ffff-ffff-ffff-000000000001' });
    expect(gate.consent).toMatchObject({ version: '2026-11', marketing: true });
    const tour = server.deps.tours.get(id);
    expect(tour.origins).toContain('https://makler.example');
    expect(tour.config.denyText).toEqual({
      de: 'Leider ist die Besichtigung schon vergeben.',
      en: 'Sorry, the viewing is taken.',
    });
    expect(tour.config.notifications).toMatchObject({ visitorConfirmation: true, openimmoAttachment: true });

    // The form shows what was saved; a second custom field, then moved up, then the first removed.
    pageHtml = await (await anna.get(`${settingsPath}?done=saved`)).text();
    expect(pageHtml).toContain('Gespeichert.');
    form = formOf(pageHtml);
    expect(form).toMatchObject({ mode: 'manual', 'fields.phone': 'required', 'cf.0.labelDe': 'Finanzierung' });
    expect(form['vp.0.on']).toBe('on');
    await anna.post(settingsPath, { ...form, 'cf.new.labelDe': 'Einzug ab', 'cf.new.labelEn': 'Moving in from' });
    form = formOf(await (await anna.get(settingsPath)).text());
    expect([form['cf.0.labelDe'], form['cf.1.labelDe']]).toEqual(['Finanzierung', 'Einzug ab']);
    await anna.post(settingsPath, { ...form, op: 'up:1' });
    expect(server.deps.tours.get(id).config.customFields.map((f) => f.key)).toEqual(['einzugAb', 'finanzierung']);
    form = formOf(await (await anna.get(settingsPath)).text());
    await anna.post(settingsPath, { ...form, op: 'remove:1' });
    expect(server.deps.tours.get(id).config.customFields.map((f) => f.key)).toEqual(['einzugAb']);

    // Saving the form unchanged changes nothing and logs nothing.
    form = formOf(await (await anna.get(settingsPath)).text());
    const same = await anna.post(settingsPath, form);
    expect(same.headers.get('location')).toBe(`${settingsPath}?done=unchanged`);

    // The change log, newest first, in words, on the tour's page.
    const log = await server.store.managed.audit.list(id, 'mueller');
    expect(log.map((e) => e.changes.map((c) => c.setting))).toEqual([
      ['customFields'],
      ['customFields'],
      ['customFields'],
      expect.arrayContaining([
        'mode',
        'fields.phone',
        'fields.company',
        'customFields',
        'viewpoints',
        'allowedOrigins',
        'linkValidityDays',
        'notifications.openimmoAttachment',
        'denyText.de',
        'denyText.en',
        'consent.version',
        'consent.marketing',
        'captcha.siteKey',
      ]),
      expect.arrayContaining(['title', 'pageUrl', 'mode']),
    ]);
    expect(log.every((e) => e.actorKind === 'broker' && e.actor === MUELLER)).toBe(true);
    const modeChange = log[3]!.changes.find((c) => c.setting === 'mode');
    expect(modeChange).toEqual({ setting: 'mode', before: 'email', after: 'manual' });
    const tourPage = await (await anna.get(`/dashboard/tours/${id}`)).text();
    expect(tourPage).toContain('Änderungsprotokoll');
    expect(tourPage).toContain(`href="${settingsPath}"`);
    expect(tourPage).toMatch(
      /<strong>Art der Freigabe<\/strong>: <del>E-Mail-Freigabe<\/del> → <ins>Manuelle Freigabe<\/ins>/,
    );
    expect(tourPage).toMatch(/<strong>Feld „Telefon“<\/strong>: <del>freiwillig<\/del> → <ins>Pflichtfeld<\/ins>/);
    expect(tourPage).toContain(
      '<strong>Geschützte Standpunkte</strong>: <del>alle Standpunkte</del> → <ins>nur: schlafzimmer, bad</ins>',
    );
    expect(tourPage).toContain('Rundgang angelegt');
    expect(tourPage).toContain(MUELLER);
  });

  it('refused settings show their reasons at the fields and change nothing', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const blank = await (await anna.get('/dashboard/new-tour?lang=de')).text();
    // A new tour without its required settings: 422, a summary linking to each field, nothing made.
    const refused = await anna.post('/dashboard/new-tour', {
      ...formOf(blank),
      title: '',
      pageUrl: 'kein-link',
      id: 'Großes Haus',
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('Bitte prüfen Sie');
    expect(html).toContain('Es wurde nichts gespeichert.');
    expect(html).toMatch(/<a href="#s-title">Titel: Bitte füllen Sie dieses Feld aus\.<\/a>/);
    expect(html).toMatch(
      /<a href="#s-pageUrl">Adresse der Rundgang-Seite: Bitte geben Sie eine vollständige Webadresse ein/,
    );
    expect(html).toMatch(/<a href="#s-consent-privacyUrl">Adresse Ihrer Datenschutzerklärung: /);
    expect(html).toMatch(/<a href="#s-id">Kennung des Rundgangs: Bitte verwenden Sie nur Kleinbuchstaben/);
    expect(html).toMatch(
      /id="s-pageUrl" name="pageUrl" aria-invalid="true" aria-describedby="s-pageUrl-hint s-pageUrl-error"/,
    );
    expect(html).toContain('value="kein-link"');
    expect(server.deps.tours.all().map((t) => t.config.id)).not.toContain('grosses-haus');
    expect(await server.store.managed.toursChangedAfter(-1)).toEqual([]);

    const ok = await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'linden-5' });
    expect(ok.status).toBe(303);
    const path = '/dashboard/tours/linden-5/settings';
    const before = server.deps.tours.get('linden-5').config;
    const form = formOf(await (await anna.get(path)).text());
    const bad = await anna.post(path, {
      ...form,
      mode: 'manual',
      allowedOrigins: 'https://ok.example\nhttps://makler.example/pfad',
      linkValidityDays: 'zwei',
      accessValidityDays: '5000',
      'denyText.de': 'Nur Deutsch',
      'cf.new.labelDe': 'Wunsch',
      'cf.new.labelEn': 'Wish',
      'cf.new.type': 'select',
      'cf.new.options': '',
      'consent.termsUrl': 'ftp://x',
    });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    const reasonAt = (name: string) =>
      new RegExp(`<span class="field-error" id="s-${name}-error">([^<]*)</span>`).exec(badHtml)?.[1];
    expect(reasonAt('allowedOrigins')).toBe(
      'Bitte geben Sie Adressen in der Form https://www.example.com ein (ohne Pfad), eine pro Zeile.',
    );
    expect(reasonAt('linkValidityDays')).toBe('Bitte geben Sie eine Zahl größer als 0 ein.');
    expect(reasonAt('accessValidityDays')).toBe('Bitte geben Sie höchstens 3650 ein.');
    expect(reasonAt('denyText-en')).toBe('Bitte schreiben Sie den Text in beiden Sprachen (oder in keiner).');
    expect(reasonAt('cf-0-options')).toBe('Bitte geben Sie mindestens eine Auswahlmöglichkeit ein.');
    expect(reasonAt('consent-termsUrl')).toBe(
      'Bitte geben Sie eine vollständige Webadresse ein, beginnend mit https://.',
    );
    // The values as typed come back; the new field is in its place.
    expect(badHtml).toContain('value="Wunsch"');
    expect(badHtml).toContain('>https://ok.example\nhttps://makler.example/pfad</textarea>');
    // Nothing changed: not served, not stored, not logged.
    expect(server.deps.tours.get('linden-5').config).toEqual(before);
    expect((await gateOf(server, 'linden-5')).mode).toBe('email');
    expect(await server.store.managed.audit.list('linden-5', 'mueller')).toHaveLength(1);

    // English pages say it in English.
    const en = await anna.post(`${path}?lang=en`, { ...form, title: '' });
    expect(en.status).toBe(422);
    expect(await en.text()).toMatch(/<a href="#s-title">Title: Please fill this in\.<\/a>/);

    // A form filled from an older version saves nothing over a newer one.
    const stale = await anna.post(path, { ...form, base: 'not-the-version', mode: 'manual' });
    expect(stale.status).toBe(409);
    expect(server.deps.tours.get('linden-5').config.mode).toBe('email');
  });

  it('another broker can neither read nor change the settings or the change log; forms need their CSRF token', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const blank = await (await anna.get('/dashboard/new-tour')).text();
    await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'annas-haus' });
    const path = '/dashboard/tours/annas-haus/settings';
    const annaForm = formOf(await (await anna.get(path)).text());
    await anna.post(path, { ...annaForm, mode: 'manual' });
    const before = server.deps.tours.get('annas-haus').config;

    const jan = await loginAs(server, SCHMIDT);
    // By guessed id: the same 404 as for a tour that does not exist.
    expect((await jan.get(path)).status).toBe(404);
    expect((await jan.get('/dashboard/tours/no-such-tour/settings')).status).toBe(404);
    expect((await jan.get('/dashboard/tours/annas-haus')).status).toBe(404);
    const janCsrf = /name="csrf" value="([^"]+)"/.exec(await (await jan.get('/dashboard')).text())?.[1] ?? '';
    // A forged form with Jan's own valid token, aimed at Anna's tour.
    const forged = await jan.post(path, { ...annaForm, csrf: janCsrf, base: annaForm.base ?? '', mode: 'email' });
    expect(forged.status).toBe(404);
    // Nor can Jan set up a tour under an id of Anna's, or one for Anna's broker.
    const janBlank = formOf(await (await jan.get('/dashboard/new-tour')).text());
    const taken = await jan.post('/dashboard/new-tour', { ...janBlank, ...newTour, id: 'annas-haus' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('A tour with this id exists already. Please choose another one.');
    const mine = await jan.post('/dashboard/new-tour', { ...janBlank, ...newTour, id: 'jans-haus', broker: 'mueller' });
    expect(mine.status).toBe(303);
    expect(server.deps.tours.get('jans-haus').broker.id).toBe('schmidt');
    expect(server.deps.tours.get('annas-haus').config).toEqual(before);
    // Anna's change log is not on any page of Jan's.
    expect(await (await jan.get('/dashboard/tours/jans-haus')).text()).not.toContain(MUELLER);

    // Without the CSRF token, or with another session's: refused, nothing changed.
    const { csrf: _drop, ...noToken } = annaForm;
    expect((await anna.post(path, { ...noToken, mode: 'email' })).status).toBe(403);
    expect((await anna.post(path, { ...annaForm, csrf: janCsrf, mode: 'email' })).status).toBe(403);
    expect((await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'x1', csrf: '' })).status).toBe(
      403,
    );
    expect(server.deps.tours.get('annas-haus').config.mode).toBe('manual');
    expect(server.deps.tours.find('x1')).toBeUndefined();
  });

  it('offers the viewpoints the widget reported for the tour, and logs admin API changes as such', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const blank = await (await anna.get('/dashboard/new-tour')).text();
    await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'gesehen' });
    // The widget on the tour page reports clicks and views with viewpoint ids (anonymous counters).
    const events = await server.post(
      '/v1/tours/gesehen/events',
      {
        events: [
          { type: 'locked-click', viewpoint: 'kueche' },
          { type: 'viewpoint-view', viewpoint: 'flur' },
          { type: 'locked-click', viewpoint: 'kueche' },
        ],
      },
      { origin: TOUR_ORIGIN },
    );
    expect(events.status).toBe(204);
    const path = '/dashboard/tours/gesehen/settings';
    const html = await (await anna.get(path)).text();
    const rows = [...html.matchAll(/name="vp\.(\d+)\.id" value="([^"]+)"/g)].map((m) => m[2]);
    expect(rows).toEqual(['kueche', 'flur']);
    // Ticked and named in the form, they are protected under their names.
    const form = formOf(html);
    const kueche = rows.indexOf('kueche');
    await anna.post(path, {
      ...form,
      'vp.protect': 'list',
      [`vp.${kueche}.on`]: 'on',
      [`vp.${kueche}.de`]: 'Küche',
      [`vp.${kueche}.en`]: 'Kitchen',
    });
    const config = server.deps.tours.get('gesehen').config;
    expect(config.viewpoints).toEqual({ protect: 'list', ids: ['kueche'] });
    expect(config.viewpointLabels).toEqual({ kueche: { de: 'Küche', en: 'Kitchen' } });

    // A change through the admin API lands in the same log, named as the platform's.
    const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';
    server.deps.env.adminKey = PLATFORM;
    const put = await server.app.request('/v1/admin/tours/gesehen', {
      method: 'PUT',
      headers: { authorization: `Bearer ${PLATFORM}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...config, title: 'Gesehen 1' }),
    });
    expect(put.status).toBe(200);
    const [newest] = await server.store.managed.audit.list('gesehen', 'mueller');
    expect(newest).toMatchObject({
      actorKind: 'platform',
      changes: [{ setting: 'title', before: newTour.title, after: 'Gesehen 1' }],
    });
    expect(await (await anna.get('/dashboard/tours/gesehen?lang=de')).text()).toContain(
      'Plattformbetreiber (Admin-API)',
    );
  });

  it('a tour from the config file is shown read-only and cannot be changed', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const path = '/dashboard/tours/musterstrasse-12/settings';
    const html = await (await anna.get(`${path}?lang=de`)).text();
    expect(html).toContain('über die Konfigurationsdatei verwaltet');
    expect(html).toContain('<fieldset disabled');
    expect(html).not.toContain('Einstellungen speichern');
    // Its settings are there to read.
    expect(html).toMatch(/name="fields\.phone"[^>]*>[\s\S]*?<option value="required" selected>/);
    const form = formOf(html.replace('<fieldset disabled', '<fieldset'));
    const res = await anna.post(path, { ...form, mode: 'manual' });
    expect(res.status).toBe(409);
    expect(server.deps.tours.get('musterstrasse-12').config.mode).toBe('email');
  });
});

forEachBackend('tour settings across instances on one database', (backend) => {
  it('a settings change made on one instance is served by the other within 5 seconds', async () => {
    const databaseUrl = await backend.database({ shared: true });
    const clock = TestClock.running();
    const a = await backend.start({ databaseUrl, startWorker: false, clock });
    const b = await backend.start({ databaseUrl, startWorker: false, clock });
    const anna = await loginAs(a, MUELLER);
    const blank = await (await anna.get('/dashboard/new-tour')).text();
    expect((await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'shared' })).status).toBe(303);
    await expect
      .poll(async () => (await b.get('/v1/tours/shared/gate')).status, { timeout: 5_000, interval: 20 })
      .toBe(200);

    const path = '/dashboard/tours/shared/settings';
    const delays: number[] = [];
    // The other instance's directory says what changed, for anything that caches from it.
    const changes: string[] = [];
    const versionBefore = b.deps.tours.version;
    b.deps.tours.onChange((change) => changes.push(`${change.kind}:${change.id}`));
    for (const [mode, phone] of [
      ['manual', 'required'],
      ['email', 'hidden'],
      ['manual', 'optional'],
    ] as const) {
      const form = formOf(await (await anna.get(path)).text());
      const etag = (await b.get('/v1/tours/shared/gate')).headers.get('etag');
      const started = performance.now();
      expect((await anna.post(path, { ...form, mode, 'fields.phone': phone })).status).toBe(303);
      // Served by the instance that saved it at once…
      expect((await gateOf(a, 'shared')).mode).toBe(mode);
      // …and by the other as soon as the note arrives.
      let served = 0;
      await expect
        .poll(
          async () => {
            const res = await b.get('/v1/tours/shared/gate');
            const gate = (await res.json()) as GateConfig;
            served = performance.now();
            return [gate.mode, gate.fields.some((f) => f.key === 'phone' && f.required) === (phone === 'required')];
          },
          { timeout: 5_000, interval: 5 },
        )
        .toEqual([mode, true]);
      delays.push(served - started);
      // The other instance's ETag changed with it: caches revalidate to the new config.
      expect((await b.get('/v1/tours/shared/gate')).headers.get('etag')).not.toBe(etag);
    }
    console.log(
      `[settings feed] ${backend.label}: change on instance A served by instance B after ${delays
        .map((d) => `${d.toFixed(0)} ms`)
        .join(', ')} (save request included)`,
    );
    expect(Math.max(...delays)).toBeLessThan(5_000);
    expect(changes).toEqual(['tour:shared', 'tour:shared', 'tour:shared']);
    expect(b.deps.tours.version).toBe(versionBefore + 3);
  });
});

forEachBackend(
  'tour settings feed after a cut connection',
  (backend) => {
    it('an instance whose listening connection was cut reconnects and reads what it missed', async () => {
      const databaseUrl = await backend.database();
      const a = await backend.start({ databaseUrl, startWorker: false });
      const b = await backend.start({ databaseUrl, startWorker: false });
      const anna = await loginAs(a, MUELLER);
      const blank = await (await anna.get('/dashboard/new-tour')).text();
      expect((await anna.post('/dashboard/new-tour', { ...formOf(blank), ...newTour, id: 'cut' })).status).toBe(303);
      await expect.poll(async () => (await b.get('/v1/tours/cut/gate')).status, { timeout: 5_000 }).toBe(200);

      // Every listening connection on the database goes (as in a restart); a change is made at once,
      // before they are back: its note is lost, and the reload after the reconnect brings it.
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const cut = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
          [FEED_APPLICATION_NAME],
        );
        expect(cut.rowCount).toBe(2);
        const path = '/dashboard/tours/cut/settings';
        const form = formOf(await (await anna.get(path)).text());
        const started = performance.now();
        expect((await anna.post(path, { ...form, mode: 'manual' })).status).toBe(303);
        await expect
          .poll(async () => ((await (await b.get('/v1/tours/cut/gate')).json()) as GateConfig).mode, { timeout: 5_000 })
          .toBe('manual');
        console.log(
          `[settings feed] after a cut: served by the other instance after ${(performance.now() - started).toFixed(0)} ms`,
        );
        // Both listen again.
        await expect
          .poll(
            async () =>
              (
                await admin.query(
                  'select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()',
                  [FEED_APPLICATION_NAME],
                )
              ).rows[0].n,
            { timeout: 10_000 },
          )
          .toBe(2);
      } finally {
        await admin.end();
      }
    });
  },
  { only: ['postgres'] },
);
