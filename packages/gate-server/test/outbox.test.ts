/**
 * The mail server is down while visitors register: every registration still gets its 202;
 * when the mail server is back, every mail arrives exactly once.
 */
import { expect, it, onTestFinished } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration } from './fixtures.ts';
import { TestClock } from './harness.ts';
import { outboxDrained, waitForCondition } from './outbox-wait.ts';
import { TestSmtp } from './smtp.ts';

forEachBackend('outbox', (backend) => {
  it('delays mail while SMTP is down and delivers each exactly once when it is back', async () => {
    const smtp = new TestSmtp();
    const port = await smtp.start();
    await smtp.stop(); // down: the port is known, nothing listens
    onTestFinished(() => smtp.stop());

    const server = await backend.start({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      outboxPollMs: 50,
      clock: TestClock.running(),
    });
    const emails = Array.from({ length: 12 }, (_, i) => `down${i}@example.org`);
    const answers = await Promise.all(
      emails.map((e, i) =>
        server.post('/v1/tours/musterstrasse-12/registrations', registration(e), { 'x-forwarded-for': `10.0.0.${i}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(emails.map(() => 202));

    // The worker has tried every mail and failed.
    await waitForCondition(async () => {
      const mails = await server.store.outbox.list(100);
      return mails.length === 12 && mails.every((m) => m.attempts >= 1 && m.last_error);
    }, 'every mail tried once');
    expect(smtp.mails).toHaveLength(0);
    const queued = await server.store.raw.selectFrom('outbox').select(['status', 'attempts', 'last_error']).execute();
    expect(queued).toHaveLength(12);
    expect(queued.every((m) => m.status === 'queued' && m.attempts >= 1 && m.last_error)).toBe(true);

    await smtp.start(port);
    await smtp.waitFor(12, 15_000);
    // Nothing left to send: no mail queued (not even for a later retry), no run under way.
    await waitForCondition(
      async () => (await server.store.outbox.list(100)).every((m) => m.status !== 'queued'),
      'every mail out of the queue',
      15_000,
    );
    await outboxDrained(server);
    expect(smtp.mails).toHaveLength(12);
    expect(new Set(smtp.mails.map((m) => m.envelopeTo[0])).size).toBe(12);
    expect(new Set(smtp.mails.map((m) => m.parsed.messageId)).size).toBe(12);
    const statuses = await server.store.raw.selectFrom('outbox').select('status').execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);

    const reg = await server.store.findRegistration('musterstrasse-12', 'down0@example.org');
    const kinds = (await server.store.logbook(reg!.id)).map((e) => e.kind);
    expect(kinds[0]).toBe('registered');
    expect(kinds).toContain('mail-retry');
    expect(kinds.at(-1)).toBe('mail-sent');
  });

  it('gives up after the last attempt and logs the failure', async () => {
    const smtp = new TestSmtp();
    const port = await smtp.start();
    await smtp.stop();
    const server = await backend.start({ smtpUrl: `smtp://127.0.0.1:${port}`, startWorker: false });
    const { OutboxWorker } = await import('../src/mail/outbox-worker.ts');
    const worker = new OutboxWorker(server.store, server.deps.transport, server.clock.fn, {
      maxAttempts: 2,
      baseDelayMs: 1,
    });
    await server.post('/v1/tours/musterstrasse-12/registrations', registration('gone@example.org'));
    await worker.runOnce();
    server.clock.advance(10);
    await worker.runOnce();
    const mail = await server.store.raw.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(mail.status).toBe('failed');
    expect(mail.attempts).toBe(2);
    const reg = await server.store.findRegistration('musterstrasse-12', 'gone@example.org');
    expect((await server.store.logbook(reg!.id)).map((e) => e.kind)).toContain('mail-failed');
  });
});
