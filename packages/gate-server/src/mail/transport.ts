/**
 * Where mails go: an SMTP server (nodemailer), or — with no SMTP URL, in development — the
 * dev mailbox, which keeps every mail in the outbox table for `GET /dev/mailbox`.
 */

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';

import { decodeAttachments, decodeReplyTo } from '../store/codecs.ts';
import type { OutboxMail } from '../store/schema.ts';
import { plainDisplayName } from '../util/display-name.ts';

export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  /** Deliveries it takes at a time (the SMTP pool's connections); the outbox worker runs as many. */
  readonly connections?: number;
  deliver(mail: OutboxMail): Promise<void>;
  /** Does the mail server answer (after failures: is it back)? Rejects if not. */
  verify?(): Promise<void>;
  close(): void;
}

/**
 * Every display name (the visitor's, the broker's) as plain text: nothing that ends a header
 * line, no encoded word, no bidi control (`plainDisplayName`); nodemailer encodes the rest as
 * an address object.
 */
const headerSafeName = (name: string): string => plainDisplayName(name);

/**
 * Pooled SMTP connections by default, and so the outbox worker's deliveries at a time. Four keep
 * what an instance killed mid-delivery can send twice (mails the server took, their marks not yet
 * written: one per connection at most) where it was; `?maxConnections=8` on the URL nearly
 * doubles the rate to a local mail server (README, Mail at SMTP speed).
 */
export const SMTP_CONNECTIONS = 4;

/**
 * The thread nodemailer runs on (CommonJS, evaluated: no file of its own to find in a built
 * package). Building a mail (MIME parts, quoted-printable, headers) and streaming it through the
 * SMTP connection costs 2–3 ms of CPU a mail, in many small steps; on the server's event loop
 * that work sat between the HTTP requests, and at 100 registrations a second (two mails each)
 * it took the loop's whole time. Here it runs beside the loop, on the machine's other core.
 *
 * The TCP connection to the mail server is opened with Nagle's algorithm off. nodemailer writes a
 * mail's end (`.` after the data) and the next command as small packets; with Nagle on, each
 * waits for the server's delayed ACK (40 ms on Linux): about 45 ms a mail per connection, 20
 * mails a second, where the mail server answers in 3 ms. For `smtps:` nodemailer puts TLS on
 * this socket itself (as for a socket from a proxy); `STARTTLS` upgrades it later as always.
 *
 * Messages: `{ id, send }` (nodemailer's message), `{ id, verify: true }`, `{ close: true }`;
 * answers `{ id }` or `{ id, error }` with the fields the outbox reads (`code`, `responseCode`).
 */
const SMTP_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require('node:net');
const nodemailer = require(workerData.nodemailer);
const getSocket = (options, callback) => {
  // nodemailer's own defaults: 465 for smtps, 587 otherwise.
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = connect({ host: options.host || 'localhost', port, noDelay: true });
  socket.setKeepAlive(true);
  callback(null, { connection: socket });
};
const transporter = nodemailer.createTransport({ ...workerData.options, getSocket });
let pending = 0;
let closing = false;
const settle = (id, error) => {
  pending--;
  parentPort.postMessage(
    error === undefined
      ? { id }
      : {
          id,
          error: {
            message: String((error && error.message) || error),
            code: error && error.code,
            responseCode: error && error.responseCode,
            response: error && error.response,
            command: error && error.command,
          },
        },
  );
  if (closing && pending === 0) parentPort.close();
};
parentPort.on('message', (m) => {
  if (m.close) {
    closing = true;
    transporter.close();
    if (pending === 0) parentPort.close();
    return;
  }
  pending++;
  (m.verify ? transporter.verify() : transporter.sendMail(m.send)).then(
    () => settle(m.id),
    (error) => settle(m.id, error),
  );
});
`;

/** An SMTP failure as nodemailer reported it on the thread (`code`, `responseCode` kept). */
class SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** The thread and the answers it owes, by message id. */
interface SmtpThread {
  worker: Worker;
  waiting: Map<number, { resolve: () => void; reject: (err: Error) => void }>;
}

export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  readonly connections: number;
  private readonly options: Record<string, unknown>;
  private readonly domain: string;
  private thread: SmtpThread | undefined;
  private nextId = 0;

  constructor(
    url: string,
    private readonly from: string,
    options: { timeoutMs?: number; maxConnections?: number; maxMessages?: number } = {},
  ) {
    // Short enough that a mail server that never greets or stalls mid-mail costs one attempt
    // (retried later), not the worker; stop() closes the transport after its grace anyway.
    const timeout = options.timeoutMs ?? 10_000;
    // The URL's settings (host, port, smtps, user, ?options) with ours on top. (Given the URL
    // itself, nodemailer takes its second argument as defaults for every message, not as the
    // transport's settings: the pool and timeouts would be ignored.)
    const fromUrl = parseConnectionUrl(url) as ReturnType<typeof parseConnectionUrl> & Record<string, unknown>;
    this.connections = Number(fromUrl.maxConnections) || options.maxConnections || SMTP_CONNECTIONS;
    this.options = {
      ...fromUrl,
      // Connections reused mail after mail instead of a handshake per mail.
      pool: true,
      // As many as the outbox worker's deliveries at a time (SMTP_CONNECTIONS); a mail server
      // that allows fewer: `?maxConnections=4` on GATE_SMTP_URL.
      maxConnections: this.connections,
      // A connection lost in the middle of a mail fails that delivery (the outbox retries it with
      // backoff and counts the attempt) instead of nodemailer sending it again at once on its own:
      // the server may have taken it already.
      maxRequeues: 0,
      // A connection is renewed after this many mails (some servers cap a session's mails;
      // `?maxMessages=100` on the URL).
      maxMessages: Number(fromUrl.maxMessages) || options.maxMessages || 500,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 2,
      dnsTimeout: timeout,
    };
    this.domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'tour-gate.local';
  }

  deliver(mail: OutboxMail): Promise<void> {
    const replyTo = decodeReplyTo(mail.reply_to) ?? undefined;
    return this.ask({
      send: {
        from: this.from,
        to: mail.recipient,
        ...(replyTo ? { replyTo: { name: headerSafeName(replyTo.name), address: replyTo.address } } : {}),
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
        // A string is sent as UTF-8, as the attachment was stored.
        attachments: decodeAttachments(mail.attachments).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
        })),
        // Stable across retries, so a receiver can drop a duplicate after a lost acknowledgement.
        messageId: `<${mail.id}@${this.domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Tour-Gate-Mail': mail.kind },
      },
    });
  }

  verify(): Promise<void> {
    return this.ask({ verify: true });
  }

  /**
   * Closes the pooled connections: deliveries under way fail (and are retried later). The thread
   * ends once they have; one that hangs is ended after a second. A later delivery starts anew.
   */
  close(): void {
    const thread = this.thread;
    if (!thread) return;
    this.thread = undefined;
    thread.worker.postMessage({ close: true });
    setTimeout(() => void thread.worker.terminate(), 1_000).unref();
  }

  private ask(message: { send: object } | { verify: true }): Promise<void> {
    this.thread ??= this.startThread();
    const { worker, waiting } = this.thread;
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      // The thread keeps the process alive only while it has work: idle pooled connections don't.
      if (waiting.size === 0) worker.ref();
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  private startThread(): SmtpThread {
    const worker = new Worker(SMTP_THREAD, {
      eval: true,
      workerData: { nodemailer: createRequire(import.meta.url).resolve('nodemailer'), options: this.options },
    });
    worker.unref();
    const thread: SmtpThread = { worker, waiting: new Map() };
    worker.on('message', (m: { id: number; error?: Partial<SmtpError> & { message: string } }) => {
      const w = thread.waiting.get(m.id);
      if (!w) return;
      thread.waiting.delete(m.id);
      if (thread.waiting.size === 0) worker.unref();
      if (m.error) w.reject(Object.assign(new SmtpError(m.error.message), m.error));
      else w.resolve();
    });
    // A thread that failed or ended fails what it still owed: the outbox retries those mails.
    const ended = (err: Error) => {
      if (this.thread === thread) this.thread = undefined;
      for (const w of thread.waiting.values()) w.reject(err);
      thread.waiting.clear();
    };
    worker.on('error', ended);
    worker.on('exit', () => ended(new SmtpError('the mail thread ended')));
    return thread;
  }
}

/** Development: nothing leaves the machine; the outbox row is the mailbox. */
export class DevMailbox implements MailTransport {
  readonly kind = 'dev-mailbox' as const;
  async deliver(): Promise<void> {}
  close(): void {}
}
