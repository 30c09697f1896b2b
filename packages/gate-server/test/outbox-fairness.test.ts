/**
 * The outbox shared fairly: one broker's flood of mails never holds up another broker's, and a
 * mail answering what someone just did (sign-in, unlock, review) never waits behind a tour's
 * notifications. Deterministic claims on the store, and a flood over real SMTP.
 */
import { expect, it, onTestFinished } from 'vitest';
import type { MailKind } from '../src/store/schema.ts';
import { newId } from '../src/util/ids.ts';
import { forEachBackend } from './backends.ts';
import { TestClock, type TestServer } from './harness.ts';
import { TestSmtp } from './smtp.ts';

const FLOOD_TOUR = 'musterstrasse-12'; // broker "mueller"
const OTHER_TOUR = 'captcha-tour'; // broker "schmidt"

interface Queued {
  tour: string | null;
  kind: MailKind;
  to: string;
}

/** Writes mails straight into the outbox (as the use cases leave them), in one transaction. */
async function queue(server: TestServer, mails: Queued[], at = server.clock.now): Promise<void> {
  await server.store.transaction(async (tx) => {
    for (const m of mails) {
      await tx.enqueueMail({
        tour_id: m.tour,
        registration_id: m.tour ? newId() : null,
        kind: m.kind,
        recipient: m.to,
        reply_to: null,
        subject: `Mail an ${m.to}`,
        text_body: `Guten Tag, dies ist eine Mail an ${m.to}.`,
        html_body: `<p>Guten Tag, dies ist eine Mail an ${m.to}.</p>`,
        attachments: null,
        next_attempt_at: at,
        locked_until: null,
        last_error: null,
        created_at: at,
        sent_at: null,
      });
    }
  });
}

const flood = (n: number, kind: MailKind = 'broker-notification'): Queued[] =>
  Array.from({ length: n }, (_, i) => ({ tour: FLOOD_TOUR, kind, to: `flood${i}@a.example` }));

forEachBackend('outbox fairness', (backend) => {
  it('a claim deals the due mails in turns: one of each tour per turn, however many one tour has', async () => {
    const server = await backend.start({ startWorker: false });
    await queue(server, flood(200, 'unlock'));
    server.clock.advance(1);
    await queue(server, [
      { tour: OTHER_TOUR, kind: 'unlock', to: 'other@b.example' },
      { tour: null, kind: 'login', to: 'makler@b.example' },
    ]);
    const first = await server.store.outbox.claim(server.clock.now, 3, 60_000);
    // The other tour and the sign-in link (no tour) are in the first turn, though 200 older
    // mails of one tour are due before them.
    expect(first.map((m) => m.recipient).sort()).toEqual(['flood0@a.example', 'makler@b.example', 'other@b.example']);
    // Turns go on: the flood's next mails, oldest first, each claimed once.
    const second = await server.store.outbox.claim(server.clock.now, 3, 60_000);
    expect(second.map((m) => m.recipient)).toEqual(['flood1@a.example', 'flood2@a.example', 'flood3@a.example']);
  });

  it('claims made at the same time (two instances) never take the same mail', async () => {
    const server = await backend.start({ startWorker: false });
    await queue(server, flood(150, 'unlock'));
    await queue(server, [{ tour: OTHER_TOUR, kind: 'unlock', to: 'other@b.example' }]);
    const now = server.clock.now;
    const claims = await Promise.all(Array.from({ length: 6 }, () => server.store.outbox.claim(now, 32, 60_000)));
    const ids = claims.flat().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    // What the claims left is claimed later, each mail once in all.
    const rest = await server.store.outbox.claim(now, 1_000, 60_000);
    expect(ids.length + rest.length).toBe(151);
    expect(new Set([...ids, ...rest.map((m) => m.id)]).size).toBe(151);
  });

  it("within a tour, a request's unlock, review or sign-in mail goes before the notifications", async () => {
    const server = await backend.start({ startWorker: false });
    await queue(server, flood(100, 'broker-notification'));
    server.clock.advance(1);
    await queue(server, [
      { tour: FLOOD_TOUR, kind: 'review-request', to: 'anna@mueller.example' },
      { tour: FLOOD_TOUR, kind: 'unlock', to: 'besucher@example.org' },
    ]);
    const claimed = await server.store.outbox.claim(server.clock.now, 2, 60_000);
    expect(claimed.map((m) => m.kind).sort()).toEqual(['review-request', 'unlock']);
  });

  it("a 2,000-mail flood on one broker's tour delays another broker's mails by seconds at most (real SMTP)", async () => {
    const smtp = new TestSmtp();
    await smtp.start();
    onTestFinished(() => smtp.stop());
    const server = await backend.start({ smtpUrl: smtp.url, clock: TestClock.running() });
    await queue(server, flood(2_000));
    server.outbox.nudge();
    // The flood is going out.
    await smtp.waitFor(20, 30_000);

    const floodCount = () => smtp.mails.filter((m) => m.envelopeTo[0]!.startsWith('flood')).length;
    const queuedAt = Date.now();
    const before = floodCount();
    await queue(server, [
      { tour: OTHER_TOUR, kind: 'unlock', to: 'besucher@b.example' },
      { tour: null, kind: 'login', to: 'jan@schmidt.example' },
    ]);
    server.outbox.nudge();
    await smtp.waitForMatch(
      (m) => m.envelopeTo.includes('besucher@b.example'),
      5_000,
      () => 'unlock mail not within 5 s',
    );
    await smtp.waitForMatch(
      (m) => m.envelopeTo.includes('jan@schmidt.example'),
      5_000,
      () => 'login mail not within 5 s',
    );
    const delay = Date.now() - queuedAt;
    const overtaken = floodCount() - before;
    console.info(`other broker's mails: ${delay} ms after queued, ${overtaken} flood mails went out meanwhile`);
    expect(delay).toBeLessThan(5_000);
    // They waited for the mails already claimed (a claim or two), not for the flood.
    expect(overtaken).toBeLessThan(200);
    expect(floodCount()).toBeLessThan(2_000);
  }, 60_000);
});
