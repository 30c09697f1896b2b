/**
 * The dashboard's webhook pages on SQLite and PostgreSQL, as a browser without JavaScript uses
 * them: add (the secret shown once), bad input refused with the reasons and nothing stored,
 * deliveries with German times, answer codes and states, resend, test event, rotation, delete;
 * CSRF enforced; another broker can neither see nor change a webhook by a guessed id or a
 * forged form.
 */
import { expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { csrfOf, loginAs } from './dashboard-client.ts';

const MUELLER = 'anna@mueller-immobilien.example';
const SCHMIDT = 'jan@schmidt.example';
const URL_OK = 'http://127.0.0.1:9/hook';

const allEvents = {
  'event:lead.registered': 'on',
  'event:lead.granted': 'on',
};

forEachBackend('dashboard webhooks', (backend) => {
  it('a broker adds, tests, resends, rotates and deletes a webhook; bad input changes nothing', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const list = await anna.get('/dashboard/webhooks?lang=de');
    const listHtml = await list.text();
    expect(list.status).toBe(200);
    expect(listHtml).toContain('Webhook anlegen');
    expect(listHtml).toContain('Noch keine Webhooks.');

    // Bad input: the reasons, status 422, nothing stored.
    const bad = await anna.submit('/dashboard/webhooks', '/dashboard/webhooks', { url: 'ftp://example.org/x' });
    const badHtml = await bad.text();
    expect(bad.status).toBe(422);
    expect(badHtml).toContain('Das ist keine gültige Webadresse');
    expect(badHtml).toContain('Bitte wählen Sie mindestens ein Ereignis.');
    expect(badHtml).toContain('value="ftp://example.org/x"');
    const otherTour = await anna.submit('/dashboard/webhooks', '/dashboard/webhooks', {
      url: URL_OK,
      ...allEvents,
      tour: 'captcha-tour',
    });
    expect(otherTour.status).toBe(422);
    expect(await otherTour.text()).toContain('Bitte wählen Sie einen Ihrer Rundgänge.');
    expect(await server.store.webhooks.list('mueller')).toEqual([]);

    // Without its CSRF token nothing is made.
    const forged = await anna.post('/dashboard/webhooks', { url: URL_OK, ...allEvents });
    expect(forged.status).toBe(403);
    expect(await server.store.webhooks.list('mueller')).toEqual([]);

    const made = await anna.submit('/dashboard/webhooks', '/dashboard/webhooks', {
      url: URL_OK,
      ...allEvents,
      tour: 'gartenweg-3',
    });
    const madeHtml = await made.text();
    expect(made.status).toBe(200);
    const [hook] = await server.store.webhooks.list('mueller');
    expect(hook).toMatchObject({ url: URL_OK, tour_id: 'gartenweg-3' });
    expect(JSON.parse(hook!.events)).toEqual(['lead.registered', 'lead.granted']);
    // The secret, once: on this answer, not on the page afterwards.
    expect(madeHtml).toContain(hook!.secret);
    const page = `/dashboard/webhooks/${hook!.id}`;
    expect(await (await anna.get(page)).text()).not.toContain(hook!.secret);

    // A test event, then its delivery as the broker sees it.
    const tested = await anna.submit(page, `${page}/test`);
    expect([tested.status, tested.headers.get('location')]).toEqual([303, `${page}?done=test`]);
    const [delivery] = await server.store.webhooks.deliveries('mueller', hook!.id);
    await server.store.webhooks.claim(server.clock.now, 1, 60_000, new Set());
    await server.store.webhooks.markFailed(delivery!.id, 500, 'http-500');
    const shown = await (await anna.get(`${page}?done=test`)).text();
    expect(shown).toContain('Ein Testereignis ist unterwegs.');
    // 2026-11-21 09:00 UTC is 10:00 in Berlin.
    expect(shown).toMatch(
      /<td>Testereignis<\/td>\s*<td>21\.11\.2026, 10:00<\/td>\s*<td>500<\/td>\s*<td class="n">1<\/td>\s*<td>fehlgeschlagen<\/td>/,
    );
    const resent = await anna.submit(page, `${page}/deliveries/${delivery!.id}/resend`);
    expect(resent.headers.get('location')).toBe(`${page}?done=resent`);
    expect(await server.store.webhooks.deliveries('mueller', hook!.id)).toHaveLength(2);
    const english = await (await anna.get(`${page}?lang=en`)).text();
    expect(english).toContain('Send a test event');
    expect(english).toMatch(/<td>Test event<\/td>\s*<td>21 Nov 2026, 10:00<\/td>\s*<td>–<\/td>/);
    expect(english).toContain('being sent');

    // Edit: bad input keeps the stored values.
    const badEdit = await anna.submit(page, page, { url: 'https://', 'event:lead.opened': 'on' });
    expect(badEdit.status).toBe(422);
    expect((await server.store.webhooks.get('mueller', hook!.id))?.url).toBe(URL_OK);
    const edited = await anna.submit(page, page, { url: `${URL_OK}/v2`, 'event:lead.opened': 'on', tour: '' });
    expect(edited.headers.get('location')).toBe(`${page}?done=saved`);
    expect(await server.store.webhooks.get('mueller', hook!.id)).toMatchObject({
      url: `${URL_OK}/v2`,
      tour_id: null,
      events: '["lead.opened"]',
    });

    // Rotation: a new secret, shown once; the old one still signs.
    const rotated = await anna.submit(`${page}?lang=de`, `${page}/rotate`);
    const rotatedHtml = await rotated.text();
    const now = await server.store.webhooks.get('mueller', hook!.id);
    expect(now!.secret).not.toBe(hook!.secret);
    expect(now!.previous_secret).toBe(hook!.secret);
    expect(rotatedHtml).toContain(now!.secret);
    expect(rotatedHtml).toContain('signiert noch bis 22.11.2026, 10:00 mit');
    const retired = await anna.submit(page, `${page}/retire`);
    expect(retired.headers.get('location')).toBe(`${page}?done=retired`);
    expect((await server.store.webhooks.get('mueller', hook!.id))?.previous_secret).toBeNull();

    // Delete: only with the box ticked.
    const unconfirmed = await anna.submit(page, `${page}/delete`);
    expect(unconfirmed.status).toBe(422);
    expect(await server.store.webhooks.list('mueller')).toHaveLength(1);
    const deleted = await anna.submit(page, `${page}/delete`, { confirm: 'yes' });
    expect(deleted.headers.get('location')).toBe('/dashboard/webhooks?done=deleted');
    expect(await server.store.webhooks.list('mueller')).toEqual([]);
    expect(await server.store.raw.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
  });

  it("another broker can't see or change a webhook by a guessed id or a forged form", async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    await anna.submit('/dashboard/webhooks', '/dashboard/webhooks', { url: URL_OK, ...allEvents });
    const [hook] = await server.store.webhooks.list('mueller');
    const page = `/dashboard/webhooks/${hook!.id}`;
    await anna.submit(page, `${page}/test`);
    const [delivery] = await server.store.webhooks.deliveries('mueller', hook!.id);
    await server.store.webhooks.markFailed(delivery!.id, 500, 'http-500');
    const before = await server.store.raw.selectFrom('webhooks').selectAll().execute();

    const jan = await loginAs(server, SCHMIDT);
    const own = await jan.get('/dashboard/webhooks');
    const ownHtml = await own.text();
    expect(own.status).toBe(200);
    expect(ownHtml).not.toContain(hook!.id);
    expect(ownHtml).not.toContain(URL_OK);
    expect((await jan.get(page)).status).toBe(404);
    const csrf = csrfOf(ownHtml);
    const attempts: [string, Record<string, string>][] = [
      [page, { url: 'http://127.0.0.1:9/stolen', ...allEvents }],
      [`${page}/rotate`, {}],
      [`${page}/retire`, {}],
      [`${page}/test`, {}],
      [`${page}/delete`, { confirm: 'yes' }],
      [`${page}/deliveries/${delivery!.id}/resend`, {}],
    ];
    for (const [path, form] of attempts) {
      const res = await jan.post(path, { csrf, ...form });
      expect(res.status, path).toBe(404);
    }
    // Anna's token in Jan's session is no token at all.
    const annaCsrf = csrfOf(await (await anna.get(page)).text());
    expect((await jan.post(`${page}/delete`, { csrf: annaCsrf, confirm: 'yes' })).status).toBe(403);
    expect(await server.store.raw.selectFrom('webhooks').selectAll().execute()).toEqual(before);
    expect(await server.store.webhooks.deliveries('mueller', hook!.id)).toHaveLength(1);
  });

  it('a private address is refused with its reason unless the operator allows it', async () => {
    const server = await backend.start({ startWorker: false, webhooksAllowPrivate: false });
    const anna = await loginAs(server, MUELLER);
    const http = await anna.submit('/dashboard/webhooks', '/dashboard/webhooks', { url: URL_OK, ...allEvents });
    expect(http.status).toBe(422);
    expect(await http.text()).toContain('Die Adresse muss mit https:// beginnen.');
    const local = await anna.submit('/dashboard/webhooks?lang=en', '/dashboard/webhooks', {
      url: 'https://127.0.0.1/hook',
      ...allEvents,
    });
    expect(local.status).toBe(422);
    expect(await local.text()).toContain('The address must be reachable on the internet, not a private or local one.');
    expect(await server.store.webhooks.list('mueller')).toEqual([]);
  });
});
