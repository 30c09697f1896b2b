/**
 * The SMTP transport pools its connections: many mails go over a few connections (not one
 * connection per mail, as when nodemailer took our settings for message defaults), at most
 * `SMTP_CONNECTIONS` at a time, fewer when the URL says `?maxConnections=`. A refusal keeps the
 * codes the outbox reads.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect, it, onTestFinished } from 'vitest';
import { SMTP_CONNECTIONS, SmtpTransport } from '../src/mail/transport.ts';
import type { OutboxMail } from '../src/store/schema.ts';

/** A mail server that counts connections (in all and at once) and mails. */
async function countingServer() {
  const seen = { connections: 0, open: 0, mostOpen: 0, mails: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      seen.connections++;
      seen.open++;
      seen.mostOpen = Math.max(seen.mostOpen, seen.open);
      callback();
    },
    onClose() {
      seen.open--;
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        seen.mails++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { seen, port: (server.server.address() as AddressInfo).port };
}

const mail = (i: number) =>
  ({
    id: `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    recipient: `besucher${i}@example.org`,
    reply_to: null,
    subject: 'Ihr Zugang',
    text_body: 'Guten Tag',
    html_body: '<p>Guten Tag</p>',
    attachments: null,
    kind: 'unlock',
  }) as unknown as OutboxMail;

it(`sends 60 mails over at most ${SMTP_CONNECTIONS} pooled connections`, async () => {
  const { seen, port } = await countingServer();
  const transport = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'tour-gate <no-reply@gate.test>');
  onTestFinished(() => transport.close());
  await Promise.all(Array.from({ length: 60 }, (_, i) => transport.deliver(mail(i))));
  expect(seen.mails).toBe(60);
  expect(seen.connections).toBeLessThanOrEqual(SMTP_CONNECTIONS);
  expect(seen.mostOpen).toBeLessThanOrEqual(SMTP_CONNECTIONS);
});

it('?maxConnections= on the URL caps the connections', async () => {
  const { seen, port } = await countingServer();
  const transport = new SmtpTransport(`smtp://127.0.0.1:${port}?maxConnections=2`, 'tour-gate <no-reply@gate.test>');
  onTestFinished(() => transport.close());
  await Promise.all(Array.from({ length: 30 }, (_, i) => transport.deliver(mail(i))));
  expect(seen.mails).toBe(30);
  expect(seen.connections).toBeLessThanOrEqual(2);
});

it('an SMTP refusal keeps its code and reply code, which the outbox reads to give up at once', async () => {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.server.address() as AddressInfo).port;
  const transport = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'tour-gate <no-reply@gate.test>');
  onTestFinished(() => transport.close());
  const err = await transport.deliver(mail(3)).then(
    () => undefined,
    (e: unknown) => e as { code?: string; responseCode?: number; message: string },
  );
  expect(err).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
  expect(err?.message).toContain('Mailbox unavailable');
});
