/**
 * A broker's decisions with a safety net (issue 11): deny and revoke ask first (a form step of
 * its own, no JavaScript), a denied request can be granted after all and a revoked visitor
 * again, on the review page and in the dashboard. For each path the logbook, the mails that
 * arrive over real SMTP and the statistics tell the same story. And the daily digest goes out
 * once, however many instances check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigestIfDue } from '../src/core/digest.ts';
import { forgetEmail } from '../src/core/erase.ts';
import type { LogEntry, Registration } from '../src/store/schema.ts';
import { forEachBackend } from './backends.ts';
import { csrfOf, type DashClient, loginAs } from './dashboard-client.ts';
import { dumpTables, type TestServer } from './harness.ts';
import {
  BROKER,
  GENEROUS_LIMITS,
  isMail,
  manualConfig,
  manualRegistration,
  openReview,
  postDecision,
  register,
  reviewTokenIn,
  statusIn,
  waitForMail,
} from './manual-helpers.ts';
import { outboxDrained } from './outbox-wait.ts';
import { linkFrom, type ReceivedMail, TestSmtp } from './smtp.ts';

async function registrationOf(server: TestServer, tour: string, email: string): Promise<Registration> {
  const reg = await server.store.findRegistration(tour, email);
  if (!reg) throw new Error(`no registration for ${email}`);
  return reg;
}

async function unlock(server: TestServer, token: string) {
  const res = await server.post('/v1/unlock', { token });
  return { status: res.status, body: (await res.json()) as { accessToken?: string; error?: { code: string } } };
}

/** The decisions in a lead's logbook, as `granted`, `granted after denied`, … */
const decisions = (log: LogEntry[]) =>
  log
    .filter((e) => e.kind === 'granted' || e.kind === 'denied' || e.kind === 'revoked')
    .map((e) => {
      const after = e.detail ? (JSON.parse(e.detail) as { after?: string }).after : undefined;
      return after ? `${e.kind} after ${after}` : e.kind;
    });

const mailsTo = (smtp: TestSmtp, to: string) =>
  smtp.mails.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.headers.get('x-tour-gate-mail'));

/** The funnel counters and current states of gartenweg-3, from the one statistics object. */
async function stats(server: TestServer) {
  const s = await server.store.statistics.tour('gartenweg-3');
  return { funnel: s.funnel, status: s.status };
}

forEachBackend('decisions with a safety net', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;
  let anna: DashClient;
  const settle = () => outboxDrained(server);
  /** The review link from the broker's mail as received: the outbox's stored copy loses it once sent. */
  const reviewToken = async (visitor: string) =>
    reviewTokenIn((await waitForMail(smtp, isMail('review-request', BROKER, visitor))).parsed.text ?? '');

  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url, config: manualConfig(), limits: GENEROUS_LIMITS });
    anna = await loginAs(server, BROKER, smtp);
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  it('review page: deny asks first, then denies; "Doch freigeben" grants after all, and everything agrees', async () => {
    const email = 'erika@example.org';
    const body = {
      ...manualRegistration(email, { salutation: 'ms', firstName: 'Erika', lastName: 'Mustermann' }),
      viewpoint: 'schlafzimmer',
    };
    expect((await server.post('/v1/tours/gartenweg-3/registrations', body)).status).toBe(202);
    const token = await reviewToken(email);
    const before0 = await stats(server);
    await settle();

    // The deny button only asks: a page that says what will happen, a form of its own.
    const page = await openReview(server, token);
    expect(page.html).not.toMatch(/<script/i);
    await settle();
    const untouched = await dumpTables(server);
    const ask = await postDecision(server, token, { nonce: page.nonce, decision: 'deny' });
    expect(ask.status).toBe(200);
    expect(statusIn(ask.html)).toBe('pending');
    expect(ask.html).toContain('data-confirm="deny"');
    expect(ask.html).toContain('Anfrage von Erika Mustermann ablehnen?');
    expect(ask.html).toContain('Erika Mustermann erhält eine höfliche Absage per');
    expect(ask.html).toMatch(/<input type="hidden" name="confirm" value="yes">/);
    expect(ask.html).toContain('>Ja, ablehnen</button>');
    expect(ask.html).toContain('>Abbrechen</a>');
    await settle();
    expect(await dumpTables(server)).toEqual(untouched);

    // The confirming form denies.
    const denied = await postDecision(server, token, {
      nonce: (await openReview(server, token)).nonce,
      decision: 'deny',
      confirm: 'yes',
    });
    expect(denied.status).toBe(200);
    expect(statusIn(denied.html)).toBe('denied');
    expect(denied.html).toContain('Die Anfrage von Erika Mustermann ist abgelehnt.');
    const denyMail = await waitForMail(smtp, isMail('deny', email));
    expect(denyMail.parsed.text).toMatch(/^Guten Tag Frau Mustermann,\n/);

    // Granted after all, from the same review page.
    expect(denied.html).toContain('Doch freigeben');
    const granted = await postDecision(server, token, {
      nonce: (await openReview(server, token)).nonce,
      decision: 'regrant',
    });
    expect(granted.status).toBe(200);
    expect(statusIn(granted.html)).toBe('granted');
    expect(granted.html).toContain(
      'Erika Mustermann hat jetzt doch Zugang zum Rundgang „Gartenweg 3“ und erhält den Freischalt-Link per',
    );
    const unlockMail = await waitForMail(smtp, isMail('unlock', email));
    expect(unlockMail.parsed.subject).toBe('Ihre Anfrage wurde freigegeben: Gartenweg 3');
    expect(unlockMail.parsed.text).toMatch(/^Guten Tag Frau Mustermann,\n/);
    expect(unlockMail.parsed.text).toContain('Ihre Anfrage wurde nun doch freigegeben');
    expect(unlockMail.parsed.text).not.toMatch(/Schaltfläche|Knopf/);
    expect((await unlock(server, linkFrom(unlockMail).token)).status).toBe(200);
    // The review page's logbook says so too.
    expect((await openReview(server, token)).html).toContain('Zugang doch freigegeben');

    // Logbook, mails over SMTP, statistics: one story.
    await settle();
    const reg = await registrationOf(server, 'gartenweg-3', email);
    expect(decisions(await server.store.logbook(reg.id))).toEqual(['denied', 'granted after denied']);
    expect(mailsTo(smtp, email)).toEqual(['confirmation', 'deny', 'unlock']);
    const after = await stats(server);
    expect(after.funnel.denied - before0.funnel.denied).toBe(1);
    expect(after.funnel.granted - before0.funnel.granted).toBe(1);
    expect(after.status.granted - before0.status.granted).toBe(1);
    expect(after.status.denied - before0.status.denied).toBe(0);
    expect(reg.released_at).not.toBeNull();
  });

  it('dashboard: revoke asks first, then revokes; "Wieder freigeben" grants again with a new link', async () => {
    const email = 'max@example.org';
    await register(server, 'gartenweg-3', email, { salutation: 'mr', firstName: 'Max', lastName: 'Mustermann' });
    const reg0 = await registrationOf(server, 'gartenweg-3', email);
    const leadPath = `/dashboard/tours/gartenweg-3/leads/${reg0.id}`;
    const before0 = await stats(server);

    const lead = await (await anna.get(leadPath)).text();
    expect(lead).toContain('value="grant"');
    const grant = await anna.post(`${leadPath}/decide`, { csrf: csrfOf(lead), decision: 'grant' });
    expect(grant.status).toBe(303);
    const afterGrant = await (await anna.get(grant.headers.get('location')!)).text();
    expect(afterGrant).toContain('Max Mustermann hat jetzt Zugang zum Rundgang „Gartenweg 3“');
    const first = await waitForMail(smtp, isMail('unlock', email));
    expect(first.parsed.subject).toBe('Ihre Anfrage wurde freigegeben: Gartenweg 3');
    expect(first.parsed.text).toMatch(/^Guten Tag Herr Mustermann,\n/);
    const { token: firstLink } = linkFrom(first);
    const access = (await unlock(server, firstLink)).body.accessToken!;
    const releasedAt = (await registrationOf(server, 'gartenweg-3', email)).released_at;

    // Revoke: the first POST shows the second step and changes nothing.
    await settle();
    const untouched = await dumpTables(server);
    const ask = await anna.post(`${leadPath}/decide`, { csrf: csrfOf(afterGrant), decision: 'revoke' });
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain('data-confirm="revoke"');
    expect(askHtml).toContain('Zugang von Max Mustermann widerrufen?');
    expect(askHtml).toContain('Ja, Zugang widerrufen');
    expect(askHtml).not.toMatch(/<script/i);
    await settle();
    expect(await dumpTables(server)).toEqual(untouched);

    const revoke = await anna.post(`${leadPath}/decide`, { csrf: csrfOf(askHtml), decision: 'revoke', confirm: 'yes' });
    expect(revoke.status).toBe(303);
    const afterRevoke = await (await anna.get(revoke.headers.get('location')!)).text();
    expect(afterRevoke).toContain('Max Mustermann hat keinen Zugang mehr zum Rundgang „Gartenweg 3“.');
    const check = await server.get('/v1/tours/gartenweg-3/access', { authorization: `Bearer ${access}` });
    expect(check.status).toBe(403);

    // Granted again: a new link; the old one stays dead.
    expect(afterRevoke).toContain('Wieder freigeben');
    const again = await anna.post(`${leadPath}/decide`, { csrf: csrfOf(afterRevoke), decision: 'regrant' });
    const afterAgain = await (await anna.get(again.headers.get('location')!)).text();
    expect(afterAgain).toContain('Max Mustermann hat wieder Zugang zum Rundgang „Gartenweg 3“');
    const second = await waitForMail(smtp, (m) => isMail('unlock', email)(m) && m !== first);
    expect(second.parsed.subject).toBe('Ihr Zugang wurde wieder freigegeben: Gartenweg 3');
    expect(second.parsed.text).toContain('hat Ihren Zugang zum virtuellen Rundgang „Gartenweg 3“ wieder freigegeben');
    expect((await unlock(server, firstLink)).body.error?.code).toBeDefined();
    expect((await unlock(server, linkFrom(second).token)).status).toBe(200);

    await settle();
    const reg = await registrationOf(server, 'gartenweg-3', email);
    expect(reg.status).toBe('granted');
    // The time to release is the first grant's.
    expect(reg.released_at).toBe(releasedAt);
    const log = await server.store.logbook(reg.id);
    expect(decisions(log)).toEqual(['granted', 'revoked', 'granted after revoked']);
    expect(log.filter((e) => e.kind === 'granted').map((e) => JSON.parse(e.detail!).via)).toEqual([
      'dashboard',
      'dashboard',
    ]);
    expect(mailsTo(smtp, email)).toEqual(['confirmation', 'unlock', 'unlock']);
    const after = await stats(server);
    expect(after.funnel.granted - before0.funnel.granted).toBe(2);
    expect(after.funnel.revoked - before0.funnel.revoked).toBe(1);
    expect(after.status.granted - before0.status.granted).toBe(1);
    expect(after.status.revoked - before0.status.revoked).toBe(0);
    // The lead page's logbook says which grant was which.
    expect(afterAgain).toContain('wieder freigegeben');
    expect(afterAgain).not.toContain('value="regrant"');
  });

  it('a grant meant for a pending request never overrides a denial, and deny on the tour page asks too', async () => {
    const email = 'paula@example.org';
    await register(server, 'gartenweg-3', email, { firstName: 'Paula', lastName: 'Probe' });
    const reg = await registrationOf(server, 'gartenweg-3', email);
    // The tour page's deny button leads to the same second step.
    const tourPage = await (await anna.get('/dashboard/tours/gartenweg-3')).text();
    const ask = await anna.post(`/dashboard/tours/gartenweg-3/leads/${reg.id}/decide`, {
      csrf: csrfOf(tourPage),
      decision: 'deny',
    });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Anfrage von Paula Probe ablehnen?');
    expect((await registrationOf(server, 'gartenweg-3', email)).status).toBe('pending');

    const token = await reviewToken(email);
    const stale = await openReview(server, token); // a tab opened while pending
    await postDecision(server, token, { nonce: stale.nonce, decision: 'deny', confirm: 'yes' });
    const late = await postDecision(server, token, { nonce: stale.nonce, decision: 'grant' });
    expect(late.status).toBe(409);
    expect(statusIn(late.html)).toBe('denied');
    expect(decisions(await server.store.logbook(reg.id))).toEqual(['denied']);
  });
});

describe('the daily digest', () => {
  forEachBackend('daily digest', (backend) => {
    const smtp = new TestSmtp();
    beforeAll(() => smtp.start());
    afterAll(() => smtp.stop());

    it("lists yesterday's first openings with room and lead link, once across instances", async () => {
      const config = manualConfig();
      const tour = config.tours.find((t) => t.id === 'lindenweg-8')!;
      tour.notifications = { ...tour.notifications, digest: true };
      // Several instances share a PostgreSQL database; a SQLite file serves one instance (whose
      // checks still run side by side).
      const url = await backend.database({ shared: true });
      const a = await backend.start({ databaseUrl: url, smtpUrl: smtp.url, config, limits: GENEROUS_LIMITS });
      const b =
        backend.kind === 'postgres'
          ? await backend.start({ databaseUrl: url, smtpUrl: smtp.url, config, limits: GENEROUS_LIMITS })
          : a;

      // 21 November (Berlin): a lead registers and opens the link.
      const body = {
        ...manualRegistration('lena@example.org', { firstName: 'Lena', lastName: 'Licht' }),
        viewpoint: 'schlafzimmer',
      };
      expect((await a.post('/v1/tours/lindenweg-8/registrations', body)).status).toBe(202);
      const unlockMail = await waitForMail(smtp, isMail('unlock', 'lena@example.org'));
      expect((await unlock(a, linkFrom(unlockMail).token)).status).toBe(200);
      const reg = await registrationOf(a, 'lindenweg-8', 'lena@example.org');

      // 22 November, 06:59 in Berlin: not yet.
      const to = (ms: number) => {
        for (const s of new Set([a, b])) s.clock.advance(ms - s.clock.now);
      };
      to(Date.UTC(2026, 10, 22, 5, 59));
      expect(await sendDigestIfDue(a.deps)).toEqual({ claimed: false, mails: 0 });

      // 07:00: both instances check at once, several times; one of them sends.
      to(Date.UTC(2026, 10, 22, 6, 0));
      const runs = await Promise.all([a, b, a, b].map((s) => sendDigestIfDue(s.deps)));
      expect(runs.every((r) => r.day === '2026-11-21')).toBe(true);
      expect(runs.filter((r) => r.claimed).length).toBeLessThanOrEqual(1);
      const isDigest = (m: ReceivedMail) => m.parsed.headers.get('x-tour-gate-mail') === 'digest';
      const digest = await waitForMail(smtp, isDigest);
      await Promise.all([outboxDrained(a), outboxDrained(b)]);
      expect(smtp.mails.filter(isDigest)).toHaveLength(1);
      expect(digest.envelopeTo).toEqual([BROKER]);
      expect(digest.parsed.subject).toBe('Ihre Tagesübersicht vom 21. November 2026');
      expect(digest.parsed.text).toMatch(/^Guten Tag Anna Müller,\n\nam 21\. November 2026 hat ein Interessent/);
      expect(digest.parsed.text).toContain('Rundgang „Lindenweg 8“');
      expect(digest.parsed.text).toContain('10:00 Uhr: Lena Licht, Standpunkt „Schlafzimmer“');
      expect(digest.parsed.text).toContain(`http://gate.test/dashboard/tours/lindenweg-8/leads/${reg.id}`);
      const rows = await a.store.raw
        .selectFrom('scheduled_runs')
        .selectAll()
        .where('period', '=', '2026-11-21')
        .execute();
      expect(rows).toHaveLength(1);

      // Later that day, and the next day with no openings: nothing more.
      to(Date.UTC(2026, 10, 22, 12, 0));
      expect((await sendDigestIfDue(b.deps)).claimed).toBe(false);
      to(Date.UTC(2026, 10, 23, 7, 0));
      const next = await Promise.all([sendDigestIfDue(a.deps), sendDigestIfDue(b.deps)]);
      expect(next.every((r) => r.mails === 0)).toBe(true);
      await Promise.all([outboxDrained(a), outboxDrained(b)]);
      expect(smtp.mails.filter(isDigest)).toHaveLength(1);

      // The sent digest's copy names her: erasing her takes it too.
      const digestRows = () => a.store.raw.selectFrom('outbox').selectAll().where('kind', '=', 'digest').execute();
      const [sent] = await digestRows();
      expect(sent?.status).toBe('sent');
      expect(sent?.text_body).toContain('Lena Licht');
      expect((await forgetEmail(a.store, 'lena@example.org')).registrations).toBe(1);
      expect(await digestRows()).toEqual([]);
    });
  });
});
