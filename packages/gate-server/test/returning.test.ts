/**
 * Returning visitors (issue 10, server side), through the HTTP API with a real SMTP server, on
 * SQLite and PostgreSQL: a denied visitor asks again and the broker gets a new review mail
 * marked as a repeat; a tour that takes no repeats says so; a pending visitor's message reaches
 * the broker; whoever holds a stranger's address or handle gets the same answers whatever that
 * visitor's state; and unlock links land on the page and viewpoint the visitor asked from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../src/core/decide.ts';
import type { LogKind } from '../src/store/schema.ts';
import { forEachBackend } from './backends.ts';
import { TOUR_ORIGIN, testConfig } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { BROKER, GENEROUS_LIMITS, isMail, manualRegistration, reviewTokenIn, waitForMail } from './manual-helpers.ts';
import { outboxDrained } from './outbox-wait.ts';
import { type ReceivedMail, TestSmtp } from './smtp.ts';

/** The broker's own site, allowed to embed two of the tours besides the tour pages. */
const BROKER_SITE = 'https://www.mueller-immobilien.example';
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

function returningConfig() {
  const consent = { privacyUrl: 'https://mueller-immobilien.example/datenschutz' };
  return testConfig({
    tours: [
      {
        id: 'gartenweg-3',
        broker: 'mueller',
        title: 'Gartenweg 3',
        pageUrl: `${TOUR_ORIGIN}/gartenweg-3`,
        allowedOrigins: [BROKER_SITE],
        mode: 'manual',
        fields: { message: 'optional' },
        consent,
      },
      {
        id: 'ahornweg-2',
        broker: 'mueller',
        title: 'Ahornweg 2',
        pageUrl: `${TOUR_ORIGIN}/ahornweg-2`,
        mode: 'manual',
        allowRepeatRequests: false,
        fields: { message: 'optional' },
        consent,
      },
      {
        id: 'lindenweg-8',
        broker: 'mueller',
        title: 'Lindenweg 8',
        pageUrl: `${TOUR_ORIGIN}/lindenweg-8`,
        allowedOrigins: [BROKER_SITE],
        mode: 'email',
        consent,
      },
    ],
  });
}

/** The whole unlock link in a mail's text part, fragment and all (`linkFrom`'s URL ends with the token). */
function unlockLink(mail: ReceivedMail): { url: string; token: string } {
  const m = /https?:\/\/\S+#tour-gate-unlock=([A-Za-z0-9_-]+)\S*/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no unlock link in: ${mail.parsed.text}`);
  return { url: m[0], token: m[1]! };
}

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

forEachBackend('returning visitors with a real SMTP server', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;

  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url, config: returningConfig(), limits: GENEROUS_LIMITS });
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  const send = async (path: string, body: unknown): Promise<Answer> => {
    const res = await server.post(path, body, { origin: TOUR_ORIGIN });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };
  const register = (tour: string, email: string, extra: Record<string, unknown> = {}, fields = {}) =>
    send(`/v1/tours/${tour}/registrations`, { ...manualRegistration(email, fields), ...extra });
  const registrationOf = async (tour: string, email: string) => {
    const reg = await server.store.findRegistration(tour, email);
    if (!reg) throw new Error(`no registration for ${email}`);
    return reg;
  };
  const kinds = async (tour: string, email: string): Promise<LogKind[]> =>
    (await server.store.logbook((await registrationOf(tour, email)).id)).map((e) => e.kind);
  const deny = async (tour: string, email: string) =>
    decide(server.deps, { registrationId: (await registrationOf(tour, email)).id, decision: 'deny', by: BROKER });
  const mailsTo = (to: string, kind: string, replyTo?: string) => smtp.mails.filter(isMail(kind, to, replyTo));
  /** Waits for the `n`-th mail of a kind to an address (1-based), answering to `replyTo` if given. */
  const nthMail = async (kind: string, to: string, n: number, replyTo?: string): Promise<ReceivedMail> => {
    await waitForMail(smtp, () => mailsTo(to, kind, replyTo).length >= n);
    return mailsTo(to, kind, replyTo)[n - 1]!;
  };

  describe('denied, and asking again', () => {
    it('a repeat request after a deny reaches the broker over SMTP as a new review mail marked as a repeat', async () => {
      const visitor = 'mia@example.org';
      const page = `${BROKER_SITE}/objekte/gartenweg-3?ref=newsletter`;
      const first = await register('gartenweg-3', visitor, { pageUrl: `${page}#scene=2`, viewpoint: 'kueche' });
      expect(first.status).toBe(202);
      await nthMail('review-request', BROKER, 1, visitor);
      expect((await deny('gartenweg-3', visitor)).decided).toBe(true);

      // The deny mail carries a link to the page the visitor was on; it tells the widget "denied".
      const denyMail = await nthMail('deny', visitor, 1);
      const link = unlockLink(denyMail);
      expect(link.url).toBe(`${page}#tour-gate-unlock=${link.token}&tour-gate-viewpoint=kueche`);
      expect(denyMail.parsed.text).toContain('Möchten Sie erneut anfragen?');
      const redeemed = await send('/v1/unlock', { token: link.token });
      expect([redeemed.status, (redeemed.body.error as { code: string }).code]).toEqual([403, 'ACCESS_DENIED']);

      const again = await send('/v1/tours/gartenweg-3/repeat-requests', {
        token: link.token,
        message: 'Wir sind inzwischen vorfinanziert.\nBitte noch einmal prüfen.',
      });
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ status: 'awaiting-approval', request: expect.stringMatching(HANDLE) });

      const repeat = await nthMail('review-request', BROKER, 2, visitor);
      expect(repeat.parsed.subject).toBe('Erneute Anfrage: Zugang zum Rundgang „Gartenweg 3“');
      expect(repeat.parsed.replyTo?.value[0]?.address).toBe(visitor);
      expect(repeat.parsed.text).toMatch(/Erneute Anfrage – Sie hatten diese Anfrage am .+ abgelehnt\. \S+/);
      expect(repeat.parsed.text).toContain('Wir sind inzwischen vorfinanziert.');
      expect((await registrationOf('gartenweg-3', visitor)).status).toBe('pending');
      expect(await kinds('gartenweg-3', visitor)).toContain('repeat-requested');
      // The deny mail's link now says the request is with the broker again.
      const pending = await send('/v1/unlock', { token: link.token });
      expect([pending.status, (pending.body.error as { code: string }).code]).toEqual([403, 'ACCESS_PENDING']);

      // The repeat's review link decides it like any other; the grant's link lands on the page.
      const token = reviewTokenIn(repeat.parsed.text ?? '');
      const page0 = await server.get(`/review/${token}`);
      const nonce = /name="nonce" value="([^"]+)"/.exec(await page0.text())![1]!;
      const granted = await server.app.request(`/review/${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ nonce, decision: 'grant' }).toString(),
      });
      expect(granted.status).toBeLessThan(400);
      const unlock = unlockLink(await nthMail('unlock', visitor, 1));
      expect(unlock.url).toBe(`${page}#tour-gate-unlock=${unlock.token}&tour-gate-viewpoint=kueche`);
      // The grant's link opens the tour; the deny mail's never does.
      expect((await send('/v1/unlock', { token: unlock.token })).status).toBe(200);
      const old = await send('/v1/unlock', { token: link.token });
      expect([old.status, (old.body.error as { code: string }).code]).toEqual([410, 'LINK_REVOKED']);
    });

    it('asking again is refused with its reason: pending already, access given, and on a tour that takes no repeats', async () => {
      const visitor = 'noah@example.org';
      await register('ahornweg-2', visitor);
      await deny('ahornweg-2', visitor);
      const link = unlockLink(await nthMail('deny', visitor, 1));
      // A tour that takes no repeat requests: the deny mail offers none, and the API says why.
      expect(link.url).toBe(`${TOUR_ORIGIN}/ahornweg-2#tour-gate-unlock=${link.token}`);
      const refused = await send('/v1/tours/ahornweg-2/repeat-requests', { token: link.token });
      expect([refused.status, (refused.body.error as { code: string }).code]).toEqual([403, 'REPEAT_NOT_ALLOWED']);
      expect((await registrationOf('ahornweg-2', visitor)).status).toBe('denied');

      // Another tour's link, or a made-up token, proves nothing here.
      const foreign = await send('/v1/tours/gartenweg-3/repeat-requests', { token: link.token });
      expect((foreign.body.error as { code: string }).code).toBe('LINK_INVALID');

      const other = 'lea@example.org';
      await register('gartenweg-3', other);
      await deny('gartenweg-3', other);
      const otherLink = unlockLink(await nthMail('deny', other, 1));
      expect((await send('/v1/tours/gartenweg-3/repeat-requests', { token: otherLink.token })).status).toBe(202);
      const twice = await send('/v1/tours/gartenweg-3/repeat-requests', { token: otherLink.token });
      expect([twice.status, (twice.body.error as { code: string }).code]).toEqual([403, 'ACCESS_PENDING']);
      await decide(server.deps, {
        registrationId: (await registrationOf('gartenweg-3', other)).id,
        decision: 'grant',
        by: BROKER,
      });
      const given = await send('/v1/tours/gartenweg-3/repeat-requests', { token: otherLink.token });
      expect([given.status, (given.body.error as { code: string }).code]).toEqual([409, 'ALREADY_DECIDED']);
    });

    it('a denied visitor who sends the mask again: the broker is asked again where the tour allows it, else the mailbox gets the notice', async () => {
      const allowed = 'ole@example.org';
      await register('gartenweg-3', allowed);
      await deny('gartenweg-3', allowed);
      const again = await register('gartenweg-3', allowed, {}, { message: 'Ich würde gern noch einmal anfragen.' });
      expect(again.status).toBe(202);
      const repeat = await waitForMail(
        smtp,
        (m) => isMail('review-request', BROKER, allowed)(m) && m.parsed.subject?.startsWith('Erneute Anfrage') === true,
      );
      expect(repeat.parsed.text).toContain('Ich würde gern noch einmal anfragen.');
      expect((await registrationOf('gartenweg-3', allowed)).status).toBe('pending');

      const notAllowed = 'ida@example.org';
      await register('ahornweg-2', notAllowed);
      await deny('ahornweg-2', notAllowed);
      await nthMail('deny', notAllowed, 1);
      const denied = await register('ahornweg-2', notAllowed, {}, { message: 'Warum nicht?' });
      expect(denied.status).toBe(202);
      // The truth goes to the mailbox: the deny notice again, with its link to the tour page.
      const notice = await nthMail('deny', notAllowed, 2);
      expect(unlockLink(notice).url).toContain(`${TOUR_ORIGIN}/ahornweg-2#tour-gate-unlock=`);
      // And what the visitor wrote reaches the broker.
      const message = await waitForMail(smtp, isMail('visitor-message', BROKER, notAllowed));
      expect(message.parsed.subject).toBe('Neue Nachricht zu einer Anfrage: Rundgang „Ahornweg 2“');
      expect(message.parsed.text).toContain('Warum nicht?');
      expect(message.parsed.text).toContain('Stand der Anfrage: abgelehnt');
      expect((await registrationOf('ahornweg-2', notAllowed)).status).toBe('denied');
    });

    it('a revoked visitor who sends the mask again gets a notice with the contact; nothing reopens', async () => {
      const visitor = 'tom@example.org';
      await register('lindenweg-8', visitor);
      await nthMail('unlock', visitor, 1);
      const id = (await registrationOf('lindenweg-8', visitor)).id;
      await decide(server.deps, { registrationId: id, decision: 'revoke', by: BROKER });
      expect((await register('lindenweg-8', visitor)).status).toBe(202);
      const notice = await nthMail('revoked-notice', visitor, 1);
      expect(notice.parsed.subject).toBe('Ihr Zugang zum Rundgang „Lindenweg 8“');
      expect(notice.parsed.text).toContain('wurde von Anna Müller zurückgezogen');
      expect(notice.parsed.text).toContain('anna@mueller-immobilien.example');
      await outboxDrained(server);
      expect(mailsTo(visitor, 'unlock')).toHaveLength(1);
      expect((await registrationOf('lindenweg-8', visitor)).status).toBe('revoked');
    });
  });

  describe('pending', () => {
    it('a message added with the handle reaches the broker, with the review link', async () => {
      const visitor = 'ben@example.org';
      const first = await register('gartenweg-3', visitor);
      const request = first.body.request as string;
      expect(request).toMatch(HANDLE);
      await nthMail('review-request', BROKER, 1, visitor);
      const added = await send('/v1/tours/gartenweg-3/messages', {
        request,
        message: 'Können wir am Samstag besichtigen?\nAb 10 Uhr passt es.',
      });
      expect([added.status, added.body]).toEqual([202, { status: 'message-added' }]);
      const mail = await waitForMail(smtp, isMail('visitor-message', BROKER, visitor));
      expect(mail.parsed.text).toContain('Können wir am Samstag besichtigen?\nAb 10 Uhr passt es.');
      expect(mail.parsed.text).toContain('Stand der Anfrage: offen, noch nicht entschieden');
      expect(reviewTokenIn(mail.parsed.text ?? '')).toMatch(HANDLE);
      expect(await kinds('gartenweg-3', visitor)).toContain('message-added');

      // Sent with the mask again, a new message is not dropped either.
      await register('gartenweg-3', visitor, {}, { message: 'Und gern auch den Keller.' });
      await waitForMail(
        smtp,
        (m) =>
          isMail('visitor-message', BROKER, visitor)(m) && (m.parsed.text ?? '').includes('Und gern auch den Keller.'),
      );

      const empty = await send('/v1/tours/gartenweg-3/messages', { request, message: '   ' });
      expect([empty.status, (empty.body.error as { fields: object }).fields]).toEqual([422, { message: 'required' }]);
      const elsewhere = await send('/v1/tours/ahornweg-2/messages', { request, message: 'Hallo' });
      expect([elsewhere.status, (elsewhere.body.error as { code: string }).code]).toEqual([410, 'REQUEST_INVALID']);
    });
  });

  describe('rate-limited', () => {
    it('a message past the limit is answered 429 with the time to wait, and nothing is sent', async () => {
      const limited = await backend.start({
        smtpUrl: smtp.url,
        config: returningConfig(),
        limits: { ...GENEROUS_LIMITS, registrationPerEmail: { max: 1, windowMs: 3_600_000 } },
      });
      const res = await limited.post('/v1/tours/gartenweg-3/registrations', manualRegistration('zoe@example.org'), {
        origin: TOUR_ORIGIN,
      });
      const { request } = (await res.json()) as { request: string };
      const message = (text: string) =>
        limited.post('/v1/tours/gartenweg-3/messages', { request, message: text }, { origin: TOUR_ORIGIN });
      expect((await message('Erste Nachricht')).status).toBe(202);
      const refused = await message('Zweite Nachricht');
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      await outboxDrained(limited);
      const sent = smtp.mails.filter(isMail('visitor-message', BROKER, 'zoe@example.org'));
      expect(sent.map((m) => m.parsed.text?.includes('Erste Nachricht'))).toEqual([true]);
    });
  });

  describe('nothing to learn for strangers', () => {
    it('the mask and the handle answer alike for an unknown address and for one pending, denied, granted or revoked', async () => {
      const states = {
        pending: 'p@example.org',
        denied: 'd@example.org',
        granted: 'g@example.org',
        revoked: 'r@example.org',
      };
      for (const email of Object.values(states)) await register('gartenweg-3', email);
      const idOf = async (email: string) => (await registrationOf('gartenweg-3', email)).id;
      await decide(server.deps, { registrationId: await idOf(states.denied), decision: 'deny', by: BROKER });
      await decide(server.deps, { registrationId: await idOf(states.granted), decision: 'grant', by: BROKER });
      await decide(server.deps, { registrationId: await idOf(states.revoked), decision: 'grant', by: BROKER });
      await decide(server.deps, { registrationId: await idOf(states.revoked), decision: 'revoke', by: BROKER });
      await outboxDrained(server);

      // A stranger sends the mask with each address, and one nobody used, with other data.
      const stranger = { firstName: 'Eve', lastName: 'Lauscher', postalCode: '10115' };
      const emails = [...Object.values(states), 'nobody@example.org'];
      const answers = [];
      for (const email of emails) answers.push(await register('gartenweg-3', email, {}, stranger));
      const shape = (a: Answer) => ({
        status: a.status,
        length: a.text.length,
        keys: Object.keys(a.body),
        state: a.body.status,
        handle: HANDLE.test(String(a.body.request)),
      });
      const first = shape(answers[0]!);
      expect(first).toEqual({
        status: 202,
        length: first.length,
        keys: ['status', 'request'],
        state: 'awaiting-approval',
        handle: true,
      });
      for (const a of answers) expect(shape(a)).toEqual(first);

      // With each handle: a message, and a new link. The same answers, byte for byte.
      const messages: string[] = [];
      const links: string[] = [];
      for (const a of answers) {
        const request = a.body.request as string;
        const m = await send('/v1/tours/gartenweg-3/messages', { request, message: 'Hallo?' });
        messages.push(`${m.status} ${m.text}`);
        const l = await send('/v1/tours/gartenweg-3/links', { request });
        links.push(`${l.status} ${l.text}`);
      }
      expect(new Set(messages)).toEqual(new Set(['202 {"status":"message-added"}']));
      expect(new Set(links)).toEqual(new Set(['202 {"status":"check-email"}']));
      // A handle is no unlock link: sent as one, it answers like any unknown token, whoever's
      // request it belongs to (a revoked or denied visitor's state must not show through).
      const unlocks = new Set<string>();
      for (const a of answers) {
        const u = await send('/v1/unlock', { token: a.body.request });
        unlocks.add(`${u.status} ${u.text}`);
      }
      expect(unlocks.size).toBe(1);
      expect([...unlocks][0]).toMatch(/^400 .*LINK_INVALID/);
      // The stored data stay as the visitors gave them.
      expect(JSON.parse((await registrationOf('gartenweg-3', states.granted)).fields).firstName).toBe('Erika');
    });
  });

  describe('where links land', () => {
    it('on the registered page and viewpoint when its origin is allowed, else on the tour page', async () => {
      const page = `${BROKER_SITE}/expose/lindenweg-8?lang=de`;
      await register('lindenweg-8', 'kim@example.org', { pageUrl: `${page}#top`, viewpoint: 'bad' });
      const own = unlockLink(await nthMail('unlock', 'kim@example.org', 1));
      expect(own.url).toBe(`${page}#tour-gate-unlock=${own.token}&tour-gate-viewpoint=bad`);

      const refused = [
        'https://phish.example/lindenweg-8',
        `javascript:alert(1)//${BROKER_SITE}`,
        `https://user:pw@${BROKER_SITE.slice('https://'.length)}/x`,
        `${BROKER_SITE}/${'x'.repeat(2100)}`,
        'not a url',
      ];
      for (const [i, pageUrl] of refused.entries()) {
        const email = `fallback${i}@example.org`;
        expect((await register('lindenweg-8', email, { pageUrl, viewpoint: 'wohnzimmer' })).status).toBe(202);
        const link = unlockLink(await nthMail('unlock', email, 1));
        expect(link.url, pageUrl).toBe(
          `${TOUR_ORIGIN}/lindenweg-8#tour-gate-unlock=${link.token}&tour-gate-viewpoint=wohnzimmer`,
        );
      }

      // A new link asked with the handle lands where the visitor is now; without a page, where
      // the visitor registered.
      const again = await register('lindenweg-8', 'kim@example.org', { viewpoint: 'kueche' });
      await nthMail('unlock', 'kim@example.org', 2);
      const request = again.body.request as string;
      const now = `${TOUR_ORIGIN}/lindenweg-8?from=app`;
      expect((await send('/v1/tours/lindenweg-8/links', { request, pageUrl: now, viewpoint: 'garten' })).status).toBe(
        202,
      );
      const moved = unlockLink(await nthMail('unlock', 'kim@example.org', 3));
      expect(moved.url).toBe(`${now}#tour-gate-unlock=${moved.token}&tour-gate-viewpoint=garten`);
      expect((await send('/v1/tours/lindenweg-8/links', { request })).status).toBe(202);
      const stored = unlockLink(await nthMail('unlock', 'kim@example.org', 4));
      expect(stored.url).toBe(`${page}#tour-gate-unlock=${stored.token}&tour-gate-viewpoint=bad`);
    });
  });
});
