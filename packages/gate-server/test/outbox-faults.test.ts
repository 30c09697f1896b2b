/**
 * The outbox under faults: a worker that dies with mails claimed, a delivery that outlasts its
 * lease, a sent mark the database can't take, a mail server that comes back after a long
 * outage, a recipient refused for good, and a worker stopped in the middle of a batch.
 */
import { expect, it, onTestFinished } from 'vitest';
import { OUTBOX_LEASE_MS, OutboxWorker, type OutboxWorkerOptions } from '../src/mail/outbox-worker.ts';
import { SmtpTransport } from '../src/mail/transport.ts';
import { forEachBackend } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { waitForCondition } from './outbox-wait.ts';
import { TestSmtp } from './smtp.ts';
import { TcpProxy, throughProxy } from './tcp-proxy.ts';

let ip = 0;
async function register(server: TestServer, email: string): Promise<void> {
  ip++;
  const res = await server.post('/v1/tours/musterstrasse-12/registrations', registration(email), {
    origin: TOUR_ORIGIN,
    'x-forwarded-for': `10.9.${(ip >> 8) & 255}.${ip & 255}`,
  });
  expect(res.status).toBe(202);
}

async function smtpPeer(): Promise<TestSmtp> {
  const smtp = new TestSmtp();
  await smtp.start();
  onTestFinished(() => smtp.stop());
  return smtp;
}

function worker(server: TestServer, smtp: TestSmtp, options: OutboxWorkerOptions = {}): OutboxWorker {
  const transport = new SmtpTransport(smtp.url, 'tour-gate <no-reply@gate.test>', { timeoutMs: 2_000 });
  onTestFinished(() => transport.close());
  return new OutboxWorker(server.store, transport, server.clock.fn, { baseDelayMs: 1_000, ...options });
}

/** A promise and its resolver: the SMTP peer holds a mail until it is released. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

const outboxRows = (server: TestServer) =>
  server.store.raw.selectFrom('outbox').select(['id', 'status', 'attempts', 'locked_until', 'last_error']).execute();

forEachBackend('outbox faults', (backend) => {
  it("a dead worker's claimed mail is sent by another within a minute", async () => {
    expect(OUTBOX_LEASE_MS).toBeLessThanOrEqual(60_000);
    const smtp = await smtpPeer();
    const server = await backend.start({ startWorker: false });
    await register(server, 'crash@example.org');
    // What a worker does before it dies mid-batch: claim under the default lease.
    expect(await server.store.outbox.claim(server.clock.now, 10, OUTBOX_LEASE_MS)).toHaveLength(1);
    const other = worker(server, smtp);
    expect(await other.runOnce()).toBe(0);
    server.clock.advance(OUTBOX_LEASE_MS);
    expect(await other.runOnce()).toBe(1);
    expect(smtp.to('crash@example.org')).toHaveLength(1);
  });

  it('a delivery that outlasts the lease keeps its mail (heartbeat): no other worker sends it', async () => {
    const slow = await smtpPeer();
    const held = gate();
    slow.beforeAck = () => held.wait;
    const fast = await smtpPeer();
    const server = await backend.start({ startWorker: false });
    await register(server, 'slow@example.org');

    const a = worker(server, slow, { heartbeatMs: 20 });
    const running = a.runOnce();
    await slow.waitFor(1); // the mail is with the server, not acknowledged
    server.clock.advance(16 * 60_000); // longer than any lease
    await waitForCondition(
      async () => (await outboxRows(server)).every((m) => (m.locked_until ?? 0) > server.clock.now),
      'the lease renewed',
    );
    const b = worker(server, fast);
    expect(await b.runOnce()).toBe(0);
    held.open();
    expect(await running).toBe(1);
    expect(fast.mails).toHaveLength(0);
    expect(slow.mails).toHaveLength(1);
    expect((await outboxRows(server))[0]!.status).toBe('sent');
  });

  it('the mail server is back after a long outage: the backlog goes at once, not after its backoff', async () => {
    const smtp = await smtpPeer();
    const port = smtp.port;
    await smtp.stop();
    const server = await backend.start({ startWorker: false });
    for (const e of ['b1@example.org', 'b2@example.org', 'b3@example.org']) await register(server, e);
    const w = worker(server, smtp, { baseDelayMs: 60 * 60_000, maxDelayMs: 60 * 60_000, probeMs: 0 });
    expect(await w.runOnce()).toBe(0);
    const rows = await outboxRows(server);
    expect(rows.every((m) => m.status === 'queued' && m.last_error)).toBe(true);

    await smtp.start(port);
    // Same clock: every mail's next attempt is still an hour away.
    expect(await w.runOnce()).toBe(3);
    expect(smtp.mails).toHaveLength(3);
  });

  it('a permanent refusal (550) ends the mail at once, goes to the logbook and the lead page', async () => {
    const smtp = await smtpPeer();
    smtp.refuse = (address) => address === 'nobody@example.org';
    const server = await backend.start({ startWorker: false });
    await register(server, 'nobody@example.org');
    await worker(server, smtp, { maxAttempts: 80 }).runOnce();
    const [mail] = await outboxRows(server);
    expect(mail).toMatchObject({ status: 'failed', attempts: 1 });
    const reg = await server.store.findRegistration('musterstrasse-12', 'nobody@example.org');
    const log = await server.store.logbook(reg!.id);
    expect(log.map((e) => e.kind)).toContain('mail-refused');

    const broker = await loginAs(server, 'anna@mueller-immobilien.example');
    const page = await (await broker.get(`/dashboard/tours/musterstrasse-12/leads/${reg!.id}`)).text();
    expect(page).toContain('data-undeliverable');
    expect(page).toContain('Mail abgewiesen (unzustellbar)');
  });

  it('stop() mid-batch: the stalled delivery is cut off, claimed mails not tried are released', async () => {
    const smtp = await smtpPeer();
    const held = gate();
    onTestFinished(held.open);
    smtp.beforeAck = () => held.wait;
    const server = await backend.start({ startWorker: false });
    for (const e of ['s1@example.org', 's2@example.org', 's3@example.org']) await register(server, e);
    const w = worker(server, smtp, { stopGraceMs: 200, concurrency: 1 });
    void w.runOnce().catch(() => {});
    await smtp.waitFor(1);
    const started = Date.now();
    await w.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    const rows = await outboxRows(server);
    expect(rows.every((m) => m.status === 'queued')).toBe(true);
    // The two never tried are free at once and count no attempt; the one the mail server
    // holds may have been taken: it keeps its (short) lease and is retried after it.
    const untried = rows.filter((m) => m.attempts === 0);
    expect(untried).toHaveLength(2);
    expect(untried.every((m) => m.locked_until === null)).toBe(true);
    const tried = rows.find((m) => m.attempts === 1)!;
    expect(tried.locked_until ?? 0).toBeLessThanOrEqual(server.clock.now + OUTBOX_LEASE_MS);
  });
});

forEachBackend(
  'outbox: a sent mark the database could not take',
  (backend) => {
    it('is kept, written when the database is back, and the mail is not sent again', async () => {
      const url = await backend.database();
      const target = new URL(url);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.start();
      onTestFinished(() => proxy.cut());
      const server = await backend.start({ databaseUrl: throughProxy(url, proxy.port), startWorker: false });
      await register(server, 'twice@example.org');
      const smtp = await smtpPeer();
      // The database goes away while the mail server accepts the mail.
      smtp.beforeAck = () => proxy.cut();
      const w = worker(server, smtp);
      await w.runOnce().catch(() => {});
      expect(smtp.mails).toHaveLength(1);
      expect(w.unsavedSentMarks).toBe(1);

      smtp.beforeAck = undefined;
      await proxy.restore();
      server.clock.advance(16 * 60_000); // every lease long over
      await w.runOnce();
      expect(w.unsavedSentMarks).toBe(0);
      const [row] = await outboxRows(server);
      expect(row!.status).toBe('sent');
      expect(await worker(server, smtp).runOnce()).toBe(0);
      expect(smtp.mails).toHaveLength(1);
    });
  },
  { only: ['postgres'] },
);
