/**
 * A real SMTP server (smtp-server) on 127.0.0.1 for mail tests, with every received mail
 * parsed (mailparser). It can be stopped and started again on the same port. Each mail is in
 * `mails` before the server acknowledges it, so once the sender's delivery resolved, it is there;
 * waits are driven by the `mail` event, with a deadline.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  envelopeTo: string[];
}

export class TestSmtp extends EventEmitter<{ mail: [ReceivedMail] }> {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;
  /** Recipients answered `550` at RCPT TO (a mailbox that doesn't exist). */
  refuse: (address: string) => boolean = () => false;
  /** Awaited after a mail is in `mails`, before it is acknowledged (to stall, or to act just then). */
  beforeAck: ((mail: ReceivedMail) => Promise<void>) | undefined;
  /** Connections that ended in an error (a client reset in the middle of a mail), by code. */
  readonly connectionErrors: string[] = [];
  /** Awaited before a MAIL FROM is answered: a slow server that still acknowledges data at once. */
  beforeMail: (() => Promise<void>) | undefined;

  async start(port = this.port): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (!this.beforeMail) return callback();
        this.beforeMail().then(() => callback(), callback);
      },
      onRcptTo: (address, _session, callback) => {
        if (!this.refuse(address.address)) return callback();
        callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = await simpleParser(raw);
          const mail = { parsed, raw, envelopeTo: session.envelope.rcptTo.map((r) => r.address) };
          this.mails.push(mail);
          if (this.beforeAck) {
            // Waiters see the mail while it is held (e.g. to stall the sender right then).
            this.emit('mail', mail);
            await this.beforeAck(mail);
          }
          callback();
          this.emit('mail', mail);
        });
      },
    });
    // A client that dies in the middle of a mail (an instance killed) resets its connection;
    // smtp-server reports that as an 'error' of the server, and a mail server carries on.
    server.on('error', (err: Error & { code?: string }) => {
      this.connectionErrors.push(err.code ?? err.message);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Waits until `count` mails have arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    await this.waitUntil(
      () => this.mails.length >= count,
      timeoutMs,
      () => `expected ${count} mails, got ${this.mails.length}`,
    );
    return this.mails;
  }

  /** The first received mail that matches, as soon as it arrives (or fails after `timeoutMs`). */
  async waitForMatch(
    match: (m: ReceivedMail) => boolean,
    timeoutMs = 10_000,
    describe: () => string = () => 'no matching mail',
  ): Promise<ReceivedMail> {
    await this.waitUntil(() => this.mails.some(match), timeoutMs, describe);
    return this.mails.find(match)!;
  }

  /** Resolves when `done()` holds, checked now and on every mail; rejects at the deadline. */
  private waitUntil(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onMail = () => {
        if (!done()) return;
        clearTimeout(deadline);
        this.off('mail', onMail);
        resolve();
      };
      const deadline = setTimeout(() => {
        this.off('mail', onMail);
        reject(new Error(describe()));
      }, timeoutMs);
      this.on('mail', onMail);
    });
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.envelopeTo.includes(address));
  }
}

/** The unlock link (`…#tour-gate-unlock=<token>`) in a mail's plain-text part. */
export function linkFrom(
  mail: ReceivedMail,
  pattern = /https?:\/\/\S+#tour-gate-unlock=([A-Za-z0-9_-]+)/,
): { url: string; token: string } {
  const m = pattern.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no link in mail: ${mail.parsed.text}`);
  return { url: m[0], token: m[1]! };
}
