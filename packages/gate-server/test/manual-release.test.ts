/**
 * Manual release end to end (issue 4): the broker gets a review link by mail, the review page
 * decides only by its own POST forms, grant mails the unlock link, deny a polite notice, and a
 * grant can be revoked. Mails go through a real SMTP server; races run on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decide } from '../src/core/decide.ts';
import { issueUnlockLink } from '../src/core/links.ts';
import { requestReview } from '../src/core/review.ts';
import { hashToken } from '../src/security/tokens.ts';
import type { Registration } from '../src/store/schema.ts';
import { newId } from '../src/util/ids.ts';
import { DAY_MS, dayOf } from '../src/util/time.ts';
import { forEachBackend } from './backends.ts';
import { dumpTables, type TestServer } from './harness.ts';
import {
  BROKER,
  BROKER_EN,
  codeIn,
  GENEROUS_LIMITS,
  isMail,
  mailKind,
  manualConfig,
  manualRegistration,
  nonceIn,
  openReview,
  postDecision,
  rawHeaders,
  register,
  reviewTokenFromOutbox,
  reviewTokenIn,
  statusIn,
  waitForMail,
} from './manual-helpers.ts';
import { outboxDrained } from './outbox-wait.ts';
import { linkFrom, TestSmtp } from './smtp.ts';

async function unlock(server: TestServer, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await server.post('/v1/unlock', { token });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function accessCheck(server: TestServer, tour: string, accessToken: string) {
  const res = await server.get(`/v1/tours/${tour}/access`, { authorization: `Bearer ${accessToken}` });
  return { status: res.status, body: (await res.json()) as { valid?: boolean; error?: { code: string } } };
}

async function registrationOf(server: TestServer, tour: string, email: string): Promise<Registration> {
  const reg = await server.store.findRegistration(tour, email);
  if (!reg) throw new Error(`no registration for ${email}`);
  return reg;
}

forEachBackend('manual release with a real SMTP server', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;
  let base: string;

  /** Lets the outbox send every mail that is due, so a table snapshot is stable and a missing mail is missing. */
  const settle = () => outboxDrained(server);

  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url, config: manualConfig(), limits: GENEROUS_LIMITS });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  it('asks the broker by mail and confirms the request to the visitor', async () => {
    const res = await register(server, 'gartenweg-3', 'ella@example.org', { firstName: 'Ella', lastName: 'Berg' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      status: 'awaiting-approval',
      request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });

    const review = await waitForMail(smtp, isMail('review-request', BROKER, 'ella@example.org'));
    expect(review.envelopeTo).toEqual([BROKER]);
    expect(review.parsed.from?.value[0]).toMatchObject({ address: 'no-reply@gate.test' });
    expect(review.parsed.replyTo?.value[0]).toMatchObject({ name: 'Ella Berg', address: 'ella@example.org' });
    expect(review.parsed.subject).toBe('Zugangsanfrage zum Rundgang „Gartenweg 3“');
    expect(review.parsed.text).toContain('Vorname: Ella');
    expect(review.parsed.text).toContain('Postleitzahl: 50667');
    expect(review.parsed.text).toMatch(/Anfrage eingegangen: 21\. November 2026/);
    expect(review.parsed.html).toContain('Anfrage prüfen');
    const token = reviewTokenIn(review.parsed.text ?? '');
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);

    const confirmation = await waitForMail(smtp, isMail('confirmation', 'ella@example.org'));
    expect(confirmation.parsed.replyTo?.value[0]).toMatchObject({ address: BROKER });
    expect(confirmation.parsed.subject).toBe('Ihre Anfrage zum virtuellen Rundgang: Gartenweg 3');
    expect(confirmation.parsed.text).toContain('Anna Müller prüft Ihre Anfrage');
    expect(confirmation.parsed.text).not.toMatch(/review|unlock/i);

    // Bound to the one request, valid 30 days, only its hash stored.
    const reg = await registrationOf(server, 'gartenweg-3', 'ella@example.org');
    expect(reg.status).toBe('pending');
    const link = await server.store.findLinkByHash(hashToken(token));
    expect(link).toMatchObject({ purpose: 'review', tour_id: 'gartenweg-3', subject_id: reg.id });
    expect(link!.expires_at - link!.created_at).toBe(30 * DAY_MS);
    const tables = await dumpTables(server);
    expect(JSON.stringify(tables.link_tokens)).not.toContain(token);

    await settle();
    const kinds = (await server.store.logbook(reg.id)).map((e) => [e.kind, JSON.parse(e.detail ?? '{}').mail]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['registered', undefined],
        ['mail-queued', 'review-request'],
        ['mail-queued', 'confirmation'],
        ['mail-sent', 'review-request'],
        ['mail-sent', 'confirmation'],
      ]),
    );

    // Sending the mask again while the broker holds a valid review link: no second review mail.
    const before = smtp.mails.length;
    expect(
      (await register(server, 'gartenweg-3', 'ella@example.org', { firstName: 'Ella', lastName: 'Berg' })).status,
    ).toBe(202);
    await settle();
    expect(smtp.mails.length).toBe(before);
    expect((await registrationOf(server, 'gartenweg-3', 'ella@example.org')).status).toBe('pending');
  });

  it('scanner simulation: 20 GETs and HEADs change nothing; one POST grant mails the unlock link that redeems', async () => {
    await register(server, 'gartenweg-3', 'sam@example.org', { firstName: 'Sam', lastName: 'Scanner' });
    const reviewMail = await waitForMail(smtp, isMail('review-request', BROKER, 'sam@example.org'));
    await waitForMail(smtp, isMail('confirmation', 'sam@example.org'));
    await settle();
    const reviewUrl = /http:\/\/gate\.test\/review\/\S+/.exec(reviewMail.parsed.text ?? '')![0];
    const reviewToken = reviewTokenIn(reviewUrl);
    const overHttp = reviewUrl.replace('http://gate.test', base);

    const before = await dumpTables(server);
    for (let i = 0; i < 20; i++) {
      const get = await fetch(overHttp, { redirect: 'manual' });
      expect(get.status).toBe(200);
      await get.text();
      const head = await fetch(overHttp, { method: 'HEAD', redirect: 'manual' });
      expect(head.status).toBe(200);
      expect(head.headers.get('cache-control')).toBe('no-store');
    }
    expect(await dumpTables(server)).toEqual(before);
    const reg = await registrationOf(server, 'gartenweg-3', 'sam@example.org');
    expect(reg.status).toBe('pending');

    // The page still works after all that, and one POST grants.
    const { nonce } = await openReview(server, reviewToken);
    const granted = await postDecision(server, reviewToken, { nonce, decision: 'grant' });
    expect(granted.status).toBe(200);
    expect(statusIn(granted.html)).toBe('granted');
    expect(granted.html).toContain('Zugang widerrufen'); // the revoke button

    const unlockMail = await waitForMail(smtp, isMail('unlock', 'sam@example.org'));
    expect(unlockMail.parsed.replyTo?.value[0]).toMatchObject({ address: BROKER });
    // The grant mail says the broker approved the request.
    expect(unlockMail.parsed.subject).toBe('Ihre Anfrage wurde freigegeben: Gartenweg 3');
    expect(unlockMail.parsed.text).toContain('Ihre Anfrage zum virtuellen Rundgang „Gartenweg 3“ wurde freigegeben');
    const { url, token: unlockToken } = linkFrom(unlockMail);
    expect(url.startsWith('https://tour.example.com/gartenweg-3#tour-gate-unlock=')).toBe(true);
    await settle();

    // Scanners fetch every server URL the token could be put into; none of them redeems.
    const afterGrant = await dumpTables(server);
    const scanned: [string, number][] = [
      [`/v1/unlock?token=${unlockToken}`, 404],
      [`/v1/unlock/${unlockToken}`, 404],
      [`/review/${unlockToken}`, 400],
      [`/${unlockToken}`, 404],
      [`/v1/tours/gartenweg-3/gate?token=${unlockToken}`, 200],
    ];
    for (let i = 0; i < 20; i++) {
      const [path, status] = scanned[i % scanned.length]!;
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(`${base}${path}`, { method, redirect: 'manual' });
        expect(res.status).toBe(status);
        await res.arrayBuffer();
      }
      await fetch(overHttp).then((r) => r.text()); // and the review link again
    }
    expect(await dumpTables(server)).toEqual(afterGrant);
    const link = await server.store.findLinkByHash(hashToken(unlockToken));
    expect(link).toMatchObject({ use_count: 0, revoked_at: null });

    // The visitor's browser POSTs the token from the fragment: an access token.
    const redeemed = await unlock(server, unlockToken);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.tour).toBe('gartenweg-3');
    const access = await accessCheck(server, 'gartenweg-3', redeemed.body.accessToken as string);
    expect(access).toMatchObject({ status: 200, body: { valid: true } });

    // The review link still shows the request, now with the decision and who made it.
    const page = await openReview(server, reviewToken);
    expect(statusIn(page.html)).toBe('granted');
    expect(page.html).toContain('Anna Müller (anna@mueller-immobilien.example)');
    expect(page.html).toContain('Freischalt-Link geöffnet');
  });

  it('deny mails the polite notice; every link of the request then answers ACCESS_DENIED', async () => {
    await register(server, 'gartenweg-3', 'dora@example.org', { firstName: 'Dora', lastName: 'Nein' });
    const reviewMail = await waitForMail(smtp, isMail('review-request', BROKER, 'dora@example.org'));
    const token = reviewTokenIn(reviewMail.parsed.text ?? '');
    const reg = await registrationOf(server, 'gartenweg-3', 'dora@example.org');
    // A stale unlock link of this request (say, from before the tour switched to manual release).
    const stale = 'stale-unlock-link-token-0123456789abcdef';
    await server.store.insertLink({
      token_hash: hashToken(stale),
      purpose: 'unlock',
      tour_id: 'gartenweg-3',
      subject_id: reg.id,
      created_at: server.clock.now,
      expires_at: server.clock.now + 14 * DAY_MS,
      revoked_at: null,
      last_used_at: null,
    });

    const { nonce } = await openReview(server, token);
    const denied = await postDecision(server, token, { nonce, decision: 'deny', confirm: 'yes' });
    expect(denied.status).toBe(200);
    expect(statusIn(denied.html)).toBe('denied');
    // A denied request offers one thing: granting it after all.
    expect(denied.html).not.toMatch(/value="(grant|deny|revoke)"/);
    expect(denied.html).toContain('value="regrant"');

    const mail = await waitForMail(smtp, isMail('deny', 'dora@example.org'));
    expect(mail.parsed.subject).toBe('Ihre Anfrage zum virtuellen Rundgang: Gartenweg 3');
    expect(mail.parsed.text).toContain('Guten Tag Dora Nein,');
    expect(mail.parsed.text).toContain('Leider können wir Ihnen den Zugang');
    expect(mail.parsed.replyTo?.value[0]).toMatchObject({ address: BROKER });
    expect(smtp.to('dora@example.org').some((m) => mailKind(m) === 'unlock')).toBe(false);

    expect((await unlock(server, stale)).body).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
    // The broker's review link is no unlock link: it tells nobody the request's state.
    expect((await unlock(server, token)).body).toMatchObject({ error: { code: 'LINK_INVALID' } });

    // The page of a denied request only offers "Doch freigeben"; a replayed grant form changes
    // nothing and shows the decision.
    const after = await server.get(`/review/${token}`);
    expect(after.status).toBe(200);
    const afterHtml = await after.text();
    expect(afterHtml).toContain('Doch freigeben');
    expect(afterHtml).not.toMatch(/value="(grant|deny)"/);
    const again = await postDecision(server, token, { nonce, decision: 'grant' });
    expect(again.status).toBe(409);
    expect(statusIn(again.html)).toBe('denied');
    expect(again.html).toContain('bereits entschieden');

    // The deny mail's link never unlocks; opened, it says "denied" (issue 10).
    expect((await unlock(server, linkFrom(mail).token)).body).toMatchObject({ error: { code: 'ACCESS_DENIED' } });

    // A new link for a denied request sends nothing and tells nothing.
    await settle();
    const mails = smtp.mails.length;
    expect((await server.post('/v1/tours/gartenweg-3/links', { email: 'dora@example.org' })).status).toBe(202);
    await settle();
    expect(smtp.mails.length).toBe(mails);
    // The mask sent again answers as for anyone; the tour takes repeat requests (the default),
    // so the broker is asked again, marked as a repeat (test/returning.test.ts has the rest).
    expect(await (await register(server, 'gartenweg-3', 'dora@example.org')).json()).toEqual({
      status: 'awaiting-approval',
      request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    await waitForMail(
      smtp,
      (m) =>
        isMail('review-request', BROKER, 'dora@example.org')(m) && m.parsed.subject?.startsWith('Erneute') === true,
    );

    const log = (await server.store.logbook(reg.id)).map((e) => e.kind);
    expect(log.filter((k) => k === 'denied')).toHaveLength(1);
    expect(log).toContain('repeat-requested');
    const stats = await server.store.stats('gartenweg-3');
    expect(stats.find((s) => s.metric === 'denied')?.count).toBeGreaterThanOrEqual(1);
  });

  it("deny uses the tour's own text, in the visitor's language", async () => {
    await register(server, 'seeweg-5', 'otto@example.org', { firstName: 'Otto', lastName: 'See' }, 'en');
    const reviewMail = await waitForMail(smtp, isMail('review-request', BROKER_EN, 'otto@example.org'));
    expect(reviewMail.parsed.subject).toBe('Access request for the tour "Seeweg 5"');
    const token = reviewTokenIn(reviewMail.parsed.text ?? '');
    const page = await openReview(server, token);
    expect(page.html).toContain('<html lang="en"');
    expect(page.html).toContain('Grant access');
    await postDecision(server, token, { nonce: page.nonce, decision: 'deny', confirm: 'yes' });
    const mail = await waitForMail(smtp, isMail('deny', 'otto@example.org'));
    expect(mail.parsed.text).toContain('Hello Otto See,');
    expect(mail.parsed.text).toContain('This property is already reserved.\n\nWe will get back to you');
    expect(mail.parsed.html).toContain('This property is already reserved.</p>');
    // This tour sends no confirmation to the visitor.
    expect(smtp.to('otto@example.org').map(mailKind)).toEqual(['deny']);
  });

  it('revoke after grant: the access check rejects every access token issued before', async () => {
    await register(server, 'gartenweg-3', 'rita@example.org', { firstName: 'Rita', lastName: 'Zurück' });
    const token = reviewTokenIn(
      (await waitForMail(smtp, isMail('review-request', BROKER, 'rita@example.org'))).parsed.text ?? '',
    );
    await postDecision(server, token, { nonce: (await openReview(server, token)).nonce, decision: 'grant' });
    const { token: unlockToken } = linkFrom(await waitForMail(smtp, isMail('unlock', 'rita@example.org')));

    // Two devices.
    const phone = (await unlock(server, unlockToken)).body.accessToken as string;
    const laptop = (await unlock(server, unlockToken)).body.accessToken as string;
    expect((await accessCheck(server, 'gartenweg-3', phone)).status).toBe(200);
    expect((await accessCheck(server, 'gartenweg-3', laptop)).status).toBe(200);

    const page = await openReview(server, token);
    expect(page.html).toContain('value="revoke"');
    const revoked = await postDecision(server, token, { nonce: page.nonce, decision: 'revoke', confirm: 'yes' });
    expect(revoked.status).toBe(200);
    expect(statusIn(revoked.html)).toBe('revoked');
    expect(revoked.html).toContain('Rita Zurück hat keinen Zugang mehr zum Rundgang „Gartenweg 3“.');

    for (const t of [phone, laptop]) {
      expect(await accessCheck(server, 'gartenweg-3', t)).toMatchObject({
        status: 403,
        body: { error: { code: 'ACCESS_REVOKED' } },
      });
    }
    expect((await unlock(server, unlockToken)).body).toMatchObject({ error: { code: 'ACCESS_REVOKED' } });
    // Revoking again changes nothing.
    const again = await postDecision(server, token, { nonce: page.nonce, decision: 'revoke', confirm: 'yes' });
    expect(again.status).toBe(409);
    expect(statusIn(again.html)).toBe('revoked');

    const reg = await registrationOf(server, 'gartenweg-3', 'rita@example.org');
    const log = (await server.store.logbook(reg.id)).filter((e) => e.kind === 'revoked');
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!.detail!)).toMatchObject({ by: BROKER, via: 'review-link', accessTokens: 2, links: 1 });
    const stats = await server.store.stats('gartenweg-3', dayOf(server.clock.now));
    expect(stats.find((s) => s.metric === 'revoked')?.count).toBe(1);
  });

  it('a visitor name with HTML, <script> and CR/LF is escaped on the page and in the mail, and never in a header', async () => {
    const evil = {
      firstName: '<script>alert(1)</script>',
      lastName: `O'Neil <b>"bold"</b> & Co`,
      message: 'Hallo\r\nBcc: victim@example.net\r\n<img src=x onerror=alert(2)>',
    };
    // CR/LF in a one-line field never gets in.
    const refused = await register(server, 'gartenweg-3', 'eve@example.org', {
      firstName: 'Eve\r\nBcc: victim@example.net',
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', fields: { firstName: 'invalid' } },
    });

    expect((await register(server, 'gartenweg-3', 'eve@example.org', evil)).status).toBe(202);
    const mail = await waitForMail(smtp, isMail('review-request', BROKER, 'eve@example.org'));
    // The visitor reaches a header only as the Reply-To address object, as a plain phrase.
    const headers = rawHeaders(mail);
    for (const bad of ['<script', '<b>', '(1)', 'Bcc:', 'victim@', 'onerror', 'Hallo'])
      expect(headers).not.toContain(bad);
    expect(headers.split(/\r\n(?![ \t])/).filter((l) => /script|Neil/.test(l))).toEqual([
      expect.stringMatching(/^Reply-To: "script alert 1 \/script O'Neil b bold \/b & Co" <eve@example\.org>$/),
    ]);
    expect(mail.envelopeTo).toEqual([BROKER]);
    expect(mail.parsed.subject).toBe('Zugangsanfrage zum Rundgang „Gartenweg 3“');
    expect(mail.parsed.replyTo?.value).toEqual([
      { name: "script alert 1 /script O'Neil b bold /b & Co", address: 'eve@example.org' },
    ]);
    const mailHtml = mail.parsed.html as string;
    expect(mailHtml).not.toContain('<script>alert');
    expect(mailHtml).not.toContain('<b>"bold"');
    expect(mailHtml).not.toContain('<img src=x');
    expect(mailHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mailHtml).toContain('O&#39;Neil &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; Co');
    expect(mailHtml).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(mail.parsed.text).toContain('Vorname: <script>alert(1)</script>'); // plain text is not HTML

    const page = await openReview(server, reviewTokenIn(mail.parsed.text ?? ''));
    expect(page.html).not.toMatch(/<script|<b>|<img/i);
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).toContain('O&#39;Neil &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; Co');
    expect(page.html).toContain('Hallo\r\nBcc: victim@example.net\r\n&lt;img src=x onerror=alert(2)&gt;');
    const conf = await waitForMail(smtp, isMail('confirmation', 'eve@example.org'));
    expect(rawHeaders(conf)).not.toContain('<script');
    expect(conf.parsed.html).toContain('Guten Tag &lt;script&gt;alert(1)&lt;/script&gt; O&#39;Neil');
  });

  it('a name with RFC 2047 encoded words or bidi controls reaches Reply-To as plain text, no address in it', async () => {
    const b64 = Buffer.from('Chef <attacker@evil.example>').toString('base64');
    const cases: [string, Record<string, string>][] = [
      ['enc-b@example.org', { firstName: `=?utf-8?B?${b64}?=`, lastName: 'Berg' }],
      ['enc-q@example.org', { firstName: 'Ina', lastName: '=?UTF-8?Q?=3Cattacker=40evil=2Eexample=3E?=' }],
      // Shown right to left, "elpmaxe.live@rekcatta" reads as attacker@evil.example.
      [
        'bidi@example.org',
        { firstName: 'Ole\u200F\u061C', lastName: '\u202E\u2066elpmaxe.live@rekcatta\u2069\u200E\u202C' },
      ],
      ['zw@example.org', { firstName: 'Z\u200Bo\u2060e', lastName: 'K\u00ADu\uFEFFh' }],
    ];
    for (const [email, fields] of cases) {
      expect((await register(server, 'gartenweg-3', email, fields)).status).toBe(202);
      const mail = await waitForMail(smtp, isMail('review-request', BROKER, email));
      const [replyTo] = mail.parsed.replyTo?.value ?? [];
      expect(replyTo?.address).toBe(email);
      const name = replyTo?.name ?? '';
      expect({ email, name, bad: /[<>@]|=\?|\?=|[\p{Cf}\p{Cc}]/u.test(name) }).toEqual({ email, name, bad: false });
      expect(mail.parsed.replyTo?.value).toHaveLength(1);
    }
    const names = await Promise.all(
      cases.map(
        async ([email]) =>
          (await waitForMail(smtp, isMail('review-request', BROKER, email))).parsed.replyTo?.value[0]?.name,
      ),
    );
    expect(names).toEqual(['Berg', 'Ina', 'Ole elpmaxe.live rekcatta', 'Zoe Kuh']);
  });

  it('a name with CR/LF that reached the store anyway still ends no header line', async () => {
    // Defence in depth: the mask refuses CR/LF, but rows may come from elsewhere (an import).
    const now = server.clock.now;
    const reg: Registration = {
      id: newId(),
      tour_id: 'gartenweg-3',
      email: 'crlf@example.org',
      fields: JSON.stringify({
        firstName: 'Mal\r\nBcc: victim@example.net\r\nX-Evil: 1',
        lastName: '"Ory" <x@y>',
        email: 'crlf@example.org',
      }),
      locale: 'de',
      status: 'pending',
      viewpoint: null,
      page_url: null,
      consent_at: now,
      consent_version: '1',
      consent_privacy: 1,
      consent_marketing: 0,
      consent_marketing_offered: 0,
      consent_marketing_confirmed_at: null,
      created_at: now,
      day: dayOf(now),
      updated_at: now,
      released_at: null,
      decided_at: null,
      decided_by: null,
      first_opened_at: null,
    };
    const tour = server.deps.tours.get('gartenweg-3');
    await server.store.transaction(async (tx) => {
      await tx.insertRegistration(reg);
      await requestReview(server.deps, tx, tour, reg, now, true);
    });
    server.outbox.nudge();
    const mail = await waitForMail(smtp, isMail('review-request', BROKER, 'crlf@example.org'));
    const headers = rawHeaders(mail);
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(headers).not.toMatch(/^X-Evil:/im);
    expect(headers).not.toContain('victim@');
    expect(mail.envelopeTo).toEqual([BROKER]);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    expect(mail.parsed.replyTo?.value).toEqual([
      { name: 'Mal Bcc victim example.net X-Evil 1 Ory x y', address: 'crlf@example.org' },
    ]);
    const confirmation = await waitForMail(smtp, isMail('confirmation', 'crlf@example.org'));
    expect(confirmation.envelopeTo).toEqual(['crlf@example.org']);
    expect(rawHeaders(confirmation)).not.toContain('victim@');
  });

  it('a POST without the page nonce, or with another request’s nonce, changes nothing', async () => {
    await register(server, 'gartenweg-3', 'nina@example.org', { firstName: 'Nina' });
    await register(server, 'gartenweg-3', 'olaf@example.org', { firstName: 'Olaf' });
    await waitForMail(smtp, isMail('review-request', BROKER, 'olaf@example.org'));
    await waitForMail(smtp, isMail('confirmation', 'olaf@example.org'));
    await waitForMail(smtp, isMail('confirmation', 'nina@example.org'));
    const nina = reviewTokenIn(
      (await waitForMail(smtp, isMail('review-request', BROKER, 'nina@example.org'))).parsed.text ?? '',
    );
    const olaf = reviewTokenIn(
      (await waitForMail(smtp, isMail('review-request', BROKER, 'olaf@example.org'))).parsed.text ?? '',
    );
    await settle();
    const olafNonce = (await openReview(server, olaf)).nonce;
    const ninaNonce = (await openReview(server, nina)).nonce;
    const [rand, issued, mac] = ninaNonce.split('.');

    const before = await dumpTables(server);
    const attempts: [string, Record<string, string>][] = [
      ['no nonce', { decision: 'grant' }],
      ['empty nonce', { nonce: '', decision: 'grant' }],
      ["another request's nonce", { nonce: olafNonce, decision: 'grant' }],
      ['a forged nonce', { nonce: `${rand}.${issued}.${mac!.slice(0, -2)}AA`, decision: 'deny' }],
      ['a nonce with another random part', { nonce: `AAAAAAAAAAAAAAAAAAAAAA.${issued}.${mac}`, decision: 'deny' }],
    ];
    for (const [, form] of attempts) {
      const res = await postDecision(server, nina, form);
      expect(res.status).toBe(403);
      expect(codeIn(res.html)).toBe('NONCE_INVALID');
      expect(res.html).toContain('Es wurde nichts geändert');
    }
    // A JSON body (what a script would send) is no form.
    const json = await server.post(`/review/${nina}`, { nonce: ninaNonce, decision: 'grant' });
    expect(json.status).toBe(403);
    expect(await dumpTables(server)).toEqual(before);
    expect((await registrationOf(server, 'gartenweg-3', 'nina@example.org')).status).toBe('pending');
    expect((await registrationOf(server, 'gartenweg-3', 'olaf@example.org')).status).toBe('pending');

    // An unknown decision with a good nonce changes nothing either.
    const unknown = await postDecision(server, nina, { nonce: ninaNonce, decision: 'approve-all' });
    expect(unknown.status).toBe(400);
    expect(await dumpTables(server)).toEqual(before);

    // The page's own nonce works.
    const ok = await postDecision(server, nina, { nonce: ninaNonce, decision: 'grant' });
    expect(ok.status).toBe(200);
    expect(statusIn(ok.html)).toBe('granted');
    expect((await registrationOf(server, 'gartenweg-3', 'olaf@example.org')).status).toBe('pending');
  });

  it('serves the page in German or English, without scripts, never cached, framed or referred', async () => {
    await register(server, 'gartenweg-3', 'lena@example.org', { firstName: 'Lena', lastName: 'Sprache' });
    const token = reviewTokenIn(
      (await waitForMail(smtp, isMail('review-request', BROKER, 'lena@example.org'))).parsed.text ?? '',
    );
    const res = await server.get(`/review/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    const de = await res.text();
    expect(de).not.toMatch(/<script|\son[a-z]+=/i);
    expect(de).toContain('<html lang="de"');
    expect(de).toContain('Zugang freigeben');
    expect(de).toContain('Gartenweg 3');
    expect(de).toContain('Lena');
    expect(de).toContain('21. November 2026'); // time of the request
    expect(de).toContain('Logbuch');
    expect(de).toContain('Prüfanfrage');
    expect(de).toMatch(/<form method="post">/);
    expect(de).toContain('href="?lang=en"');

    const en = await openReview(server, token, '?lang=en');
    expect(en.html).toContain('<html lang="en"');
    expect(en.html).toContain('Grant access');
    expect(en.html).toContain('Request received');
    expect(en.html).toContain('November 2026');
    // Deciding on the English page answers in English.
    const done = await postDecision(server, token, { nonce: en.nonce, decision: 'deny', confirm: 'yes' }, '?lang=en');
    expect(done.html).toContain('is denied. A polite notice is on its way by email.');
  });

  it('a review link is no unlock link, and an unlock link no review link', async () => {
    await register(server, 'gartenweg-3', 'kai@example.org', { firstName: 'Kai' });
    const review = reviewTokenIn(
      (await waitForMail(smtp, isMail('review-request', BROKER, 'kai@example.org'))).parsed.text ?? '',
    );
    expect((await unlock(server, review)).body).toMatchObject({ error: { code: 'LINK_INVALID' } });

    const { nonce } = await openReview(server, review);
    await postDecision(server, review, { nonce, decision: 'grant' });
    const { token: unlockToken } = linkFrom(await waitForMail(smtp, isMail('unlock', 'kai@example.org')));
    expect((await unlock(server, review)).body).toMatchObject({ error: { code: 'LINK_INVALID' } });

    const asReview = await server.get(`/review/${unlockToken}`);
    expect(asReview.status).toBe(400);
    expect(codeIn(await asReview.text())).toBe('LINK_INVALID');
    // Even with a good-looking nonce, a POST on the unlock token decides nothing.
    await settle();
    const before = await dumpTables(server);
    const posted = await postDecision(server, unlockToken, { nonce, decision: 'revoke' });
    expect(posted.status).toBe(400);
    expect(codeIn(posted.html)).toBe('LINK_INVALID');
    expect(await dumpTables(server)).toEqual(before);
    expect((await registrationOf(server, 'gartenweg-3', 'kai@example.org')).status).toBe('granted');
    expect((await unlock(server, unlockToken)).status).toBe(200);
  });

  it('email release with lead notifications (the default): one mail per lead, naming the room and linking to the lead', async () => {
    const body = {
      ...manualRegistration('lea@example.org', { firstName: 'Lea', lastName: '<i>Lead</i>' }),
      viewpoint: 'schlafzimmer',
    };
    expect((await server.post('/v1/tours/lindenweg-8/registrations', body)).status).toBe(202);
    const note = await waitForMail(smtp, isMail('broker-notification', BROKER, 'lea@example.org'));
    expect(note.parsed.subject).toBe('Neuer Interessent für den Rundgang „Lindenweg 8“');
    expect(note.parsed.replyTo?.value).toEqual([{ name: 'Lea i Lead /i', address: 'lea@example.org' }]);
    expect(rawHeaders(note)).not.toContain('<i>');
    expect(note.parsed.html).toContain('&lt;i&gt;Lead&lt;/i&gt;');
    expect(note.parsed.text).toContain('E-Mail: lea@example.org');
    // The room by its label, never its id; the way to the lead in the dashboard.
    expect(note.parsed.text).toContain('um den Standpunkt „Schlafzimmer“ zu sehen');
    expect(note.parsed.text).toContain('Angefragter Standpunkt: Schlafzimmer');
    expect(note.parsed.text).not.toContain('schlafzimmer');
    const reg = await registrationOf(server, 'lindenweg-8', 'lea@example.org');
    const leadLink = `http://gate.test/dashboard/tours/lindenweg-8/leads/${reg.id}`;
    expect(note.parsed.text).toContain(`Dieser Interessent in Ihrem Dashboard:\n${leadLink}`);
    expect(note.parsed.html).toContain(`href="${leadLink}"`);
    // Written for plain text: no button in the text part.
    expect(note.parsed.text).not.toMatch(/Schaltfläche|Knopf|klicken/);
    const { token } = linkFrom(await waitForMail(smtp, isMail('unlock', 'lea@example.org')));

    // The first opening is no mail of its own (it belongs in the optional daily digest).
    expect((await unlock(server, token)).status).toBe(200);
    expect((await unlock(server, token)).status).toBe(200); // a second device
    await settle();
    expect(smtp.mails.filter(isMail('broker-notification', BROKER, 'lea@example.org'))).toHaveLength(1);
    const notified = (await server.store.logbook(reg.id)).filter((e) => e.kind === 'broker-notified');
    expect(notified.map((e) => JSON.parse(e.detail!).event)).toEqual(['registered']);

    // A tour with notifications off, and a visitor sending the mask again: no broker mail.
    await register(server, 'birkenweg-1', 'bo@example.org');
    await waitForMail(smtp, isMail('unlock', 'bo@example.org'));
    await register(server, 'lindenweg-8', 'lea@example.org', { firstName: 'Lea' });
    await settle();
    expect(
      smtp.mails.filter(
        (m) => mailKind(m) === 'broker-notification' && m.parsed.replyTo?.value[0]?.address === 'bo@example.org',
      ),
    ).toHaveLength(0);
    expect(smtp.mails.filter(isMail('broker-notification', BROKER, 'lea@example.org'))).toHaveLength(1);
  });
});

forEachBackend('review link expiry', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ config: manualConfig(), limits: GENEROUS_LIMITS, startWorker: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is valid for 30 days by default, then shows a page that says so and decides nothing', async () => {
    await register(server, 'gartenweg-3', 'tim@example.org');
    const token = await reviewTokenFromOutbox(server, 'tim@example.org');
    server.clock.advance(30 * DAY_MS - 60_000);
    const { nonce } = await openReview(server, token);
    server.clock.advance(60_000);

    const before = await dumpTables(server);
    const res = await server.get(`/review/${token}`);
    expect(res.status).toBe(410);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(codeIn(page)).toBe('LINK_EXPIRED');
    expect(page).toContain('Dieser Prüf-Link ist abgelaufen');
    expect(page).toContain('Prüf-Links gelten 30 Tage');
    expect(page).not.toContain('Erika'); // no visitor data behind an expired link
    const en = await (await server.get(`/review/${token}?lang=en`)).text();
    expect(en).toContain('This review link has expired');

    const posted = await postDecision(server, token, { nonce, decision: 'grant' });
    expect(posted.status).toBe(410);
    expect(await dumpTables(server)).toEqual(before);
    expect((await server.store.findRegistration('gartenweg-3', 'tim@example.org'))?.status).toBe('pending');

    // The expired page offers a fresh link, mailed to the broker's own address; once, not per click.
    const reviewMails = async () =>
      (await server.store.outbox.list(50)).filter(
        (m) => m.kind === 'review-request' && m.reply_to?.includes('tim@example.org'),
      );
    const renewNonce = nonceIn(page);
    expect(page).toContain('value="renew"');
    const noNonce = await postDecision(server, token, { action: 'renew' });
    expect(noNonce.status).toBe(410);
    expect(await reviewMails()).toHaveLength(1);
    const renewed = await postDecision(server, token, { nonce: renewNonce, action: 'renew' });
    expect(renewed.status).toBe(202);
    expect(codeIn(renewed.html)).toBe('RENEW_SENT');
    expect(renewed.html).toContain('Ein neuer Prüf-Link ist unterwegs');
    const fresh = await reviewMails();
    expect(fresh).toHaveLength(2);
    expect(fresh[0]!.recipient).toBe(BROKER);
    expect(fresh[0]!.text_body).toContain('Anfrage eingegangen: 21. November 2026'); // the request's own time
    const freshToken = reviewTokenIn(fresh[0]!.text_body);
    expect(freshToken).not.toBe(token);
    expect(statusIn((await openReview(server, freshToken)).html)).toBe('pending');
    expect((await postDecision(server, token, { nonce: renewNonce, action: 'renew' })).status).toBe(202);
    // Sending the mask again while the fresh link is valid: no further mail either.
    await register(server, 'gartenweg-3', 'tim@example.org');
    expect(await reviewMails()).toHaveLength(2);
  });

  it('follows the tour setting (7 days) and an expired nonce does not count', async () => {
    await register(server, 'seeweg-5', 'uwe@example.org', {}, 'en');
    const token = await reviewTokenFromOutbox(server, 'uwe@example.org');
    const { nonce } = await openReview(server, token);
    server.clock.advance(13 * 60 * 60_000); // the page stayed open overnight
    const stale = await postDecision(server, token, { nonce, decision: 'grant' });
    expect(stale.status).toBe(403);
    expect(codeIn(stale.html)).toBe('NONCE_INVALID');
    expect(stale.html).toContain('This form has expired');
    server.clock.advance(7 * DAY_MS);
    const res = await server.get(`/review/${token}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('Review links are valid for 7 days');
  });

  it('answers a made-up or malformed token with the invalid-link page', async () => {
    for (const t of ['x', 'not-a-real-token-but-long-enough-0123456789', '%3Cscript%3E']) {
      const res = await server.get(`/review/${t}`);
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(codeIn(body)).toBe('LINK_INVALID');
      expect(body).not.toContain('<script>');
    }
  });
});

forEachBackend('two concurrent decisions', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await backend.start({ config: manualConfig(), limits: GENEROUS_LIMITS, startWorker: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('grant and deny at once: exactly one decision is recorded, and both answers show it', async () => {
    const rounds = 8;
    const outcomes: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const email = `race${i}@example.org`;
      await register(server, 'gartenweg-3', email);
      const token = await reviewTokenFromOutbox(server, email);
      // Two tabs, two pages, two nonces.
      const [a, b] = await Promise.all([openReview(server, token), openReview(server, token)]);
      const order: ['grant' | 'deny', string][] =
        i % 2
          ? [
              ['grant', a.nonce],
              ['deny', b.nonce],
            ]
          : [
              ['deny', b.nonce],
              ['grant', a.nonce],
            ];
      const answers = await Promise.all(
        order.map(([decision, nonce]) => postDecision(server, token, { nonce, decision, confirm: 'yes' })),
      );

      const reg = await registrationOf(server, 'gartenweg-3', email);
      expect(['granted', 'denied']).toContain(reg.status);
      outcomes.push(reg.status);
      expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
      for (const answer of answers) expect(statusIn(answer.html)).toBe(reg.status);
      const winner = answers.find((x) => x.status === 200)!;
      const winnerDecision = order[answers.indexOf(winner)]![0];
      expect(reg.status).toBe(winnerDecision === 'grant' ? 'granted' : 'denied');

      const log = (await server.store.logbook(reg.id)).map((e) => e.kind);
      expect(log.filter((k) => k === 'granted' || k === 'denied')).toEqual([reg.status]);
      const mails = (await server.store.outbox.list(500))
        .filter((m) => m.registration_id === reg.id)
        .map((m) => m.kind);
      expect(mails.filter((k) => k === 'unlock' || k === 'deny')).toEqual([
        reg.status === 'granted' ? 'unlock' : 'deny',
      ]);
      const links = await server.store.raw
        .selectFrom('link_tokens')
        .select('purpose')
        .where('subject_id', '=', reg.id)
        .where('purpose', '=', 'unlock')
        // A working one: the deny mail's link is revoked from the start (it only shows the state).
        .where('revoked_at', 'is', null)
        .execute();
      expect(links).toHaveLength(reg.status === 'granted' ? 1 : 0);
    }
    const stats = await server.store.stats('gartenweg-3');
    const count = (metric: string) => stats.filter((s) => s.metric === metric).reduce((n, s) => n + Number(s.count), 0);
    expect(count('granted') + count('denied')).toBe(rounds);
    expect(count('granted')).toBe(outcomes.filter((o) => o === 'granted').length);
  });
});

forEachBackend('deny of a request that holds an unlock link', (backend) => {
  it('revokes the link: after the deny it opens nothing, not even a counted use', async () => {
    const server = await backend.start({ config: manualConfig(), limits: GENEROUS_LIMITS, startWorker: false });
    expect((await register(server, 'gartenweg-3', 'nora@example.org', { firstName: 'Nora' })).status).toBe(202);
    const reg = await registrationOf(server, 'gartenweg-3', 'nora@example.org');
    expect(reg.status).toBe('pending');
    // No flow gives a pending request an unlock link today (links go out on release, grant and
    // "new link" for released or granted visitors only); one from elsewhere (older data, an
    // import) is issued here the way those flows issue theirs: link, mail and logbook entry.
    const tour = server.deps.tours.get('gartenweg-3');
    const issued = await server.store.transaction((tx) =>
      issueUnlockLink(tx, tour, reg, server.clock.now, 'requested'),
    );
    const linkRow = async () => (await server.store.findLinkByHash(hashToken(issued.token)))!;

    // While the request is pending the link is live: a use is counted, the answer is "pending".
    expect((await unlock(server, issued.token)).body).toMatchObject({ error: { code: 'ACCESS_PENDING' } });
    expect(await linkRow()).toMatchObject({ use_count: 1, revoked_at: null });

    // The broker denies on the review page.
    server.clock.advance(60_000);
    const deniedAt = server.clock.now;
    const review = await reviewTokenFromOutbox(server, 'nora@example.org');
    const { nonce } = await openReview(server, review);
    const denied = await postDecision(server, review, { nonce, decision: 'deny', confirm: 'yes' });
    expect(denied.status).toBe(200);
    expect(statusIn(denied.html)).toBe('denied');

    // The link is revoked with the deny and counts as revoked in the logbook.
    expect(await linkRow()).toMatchObject({ revoked_at: deniedAt, use_count: 1 });
    expect(await server.store.hasActiveLink(reg.id, 'unlock', server.clock.now)).toBe(false);
    const deniedEntry = (await server.store.logbook(reg.id)).find((e) => e.kind === 'denied');
    expect(JSON.parse(deniedEntry!.detail!)).toMatchObject({ links: 1 });

    // Used again, it opens nothing: the answer is the decision, and the link records no use.
    server.clock.advance(60_000);
    const before = await dumpTables(server);
    for (let i = 0; i < 2; i++) {
      expect(await unlock(server, issued.token)).toMatchObject({
        status: 403,
        body: { error: { code: 'ACCESS_DENIED' } },
      });
    }
    expect(await linkRow()).toMatchObject({ use_count: 1, last_used_at: deniedAt - 60_000, revoked_at: deniedAt });
    // Nor does it fetch a fresh link.
    expect((await server.post('/v1/tours/gartenweg-3/links', { token: issued.token })).status).toBe(202);
    expect(await dumpTables(server)).toEqual(before);
  });
});

forEachBackend('decide() for the dashboard', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ config: manualConfig(), limits: GENEROUS_LIMITS, startWorker: false });
  });
  afterAll(async () => {
    await server.close();
  });

  it('revokes an email-release visitor too, and reports a decision that was made before', async () => {
    await register(server, 'birkenweg-1', 'vera@example.org');
    const mail = (await server.store.outbox.list(10)).find(
      (m) => m.kind === 'unlock' && m.recipient === 'vera@example.org',
    )!;
    const token = /#tour-gate-unlock=([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
    const access = (await unlock(server, token)).body.accessToken as string;
    const reg = await registrationOf(server, 'birkenweg-1', 'vera@example.org');

    const first = await decide(server.deps, {
      registrationId: reg.id,
      decision: 'revoke',
      by: BROKER,
      via: 'dashboard',
    });
    expect(first).toMatchObject({ decided: true, registration: { status: 'revoked', decided_by: BROKER } });
    expect((await accessCheck(server, 'birkenweg-1', access)).body).toMatchObject({
      error: { code: 'ACCESS_REVOKED' },
    });

    const second = await decide(server.deps, { registrationId: reg.id, decision: 'grant', by: 'someone@else' });
    expect(second).toMatchObject({ decided: false, registration: { status: 'revoked', decided_by: BROKER } });
    await expect(decide(server.deps, { registrationId: newId(), decision: 'grant', by: BROKER })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
  });
});
