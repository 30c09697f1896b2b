/**
 * Where mails go: an SMTP server (nodemailer), or — with no SMTP URL, in development — the
 * dev mailbox, which keeps every mail in the outbox table for `GET /dev/mailbox`.
 */

import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
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
 * The TCP connection to the mail server, opened with Nagle's algorithm off. nodemailer writes a
 * mail's end (`.` after the data) and the next command as small packets; with Nagle on, each
 * waits for the server's delayed ACK (40 ms on Linux): about 45 ms a mail per connection, 20
 * mails a second, where the mail server answers in 3 ms. For `smtps:` nodemailer puts TLS on
 * this socket itself (as for a socket from a proxy); `STARTTLS` upgrades it later as always.
 */
function noDelaySocket(
  options: { host?: string; port?: number | string; secure?: boolean },
  callback: (err: Error | null, socketOptions?: { connection: Socket }) => void,
): void {
  // nodemailer's own defaults: 465 for smtps, 587 otherwise.
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = connect({ host: options.host || 'localhost', port, noDelay: true });
  socket.setKeepAlive(true);
  callback(null, { connection: socket });
}

export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  readonly connections: number;
  private readonly transporter: nodemailer.Transporter;
  private readonly domain: string;

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
    this.transporter = nodemailer.createTransport({
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
      getSocket: noDelaySocket,
    } as nodemailer.TransportOptions);
    this.domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'tour-gate.local';
  }

  async deliver(mail: OutboxMail): Promise<void> {
    const replyTo = decodeReplyTo(mail.reply_to) ?? undefined;
    await this.transporter.sendMail({
      from: this.from,
      to: mail.recipient,
      ...(replyTo ? { replyTo: { name: headerSafeName(replyTo.name), address: replyTo.address } } : {}),
      subject: mail.subject,
      text: mail.text_body,
      html: mail.html_body,
      attachments: decodeAttachments(mail.attachments).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'utf8'),
      })),
      // Stable across retries, so a receiver can drop a duplicate after a lost acknowledgement.
      messageId: `<${mail.id}@${this.domain}>`,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Tour-Gate-Mail': mail.kind },
    });
  }

  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  close(): void {
    this.transporter.close();
  }
}

/** Development: nothing leaves the machine; the outbox row is the mailbox. */
export class DevMailbox implements MailTransport {
  readonly kind = 'dev-mailbox' as const;
  async deliver(): Promise<void> {}
  close(): void {}
}
