/**
 * Delivers the outbox. Mails are written in the same transaction as the registration or
 * decision that caused them; this worker sends them with retries and exponential backoff, so a
 * mail server that is down delays mail but never loses it. Several server instances may run a
 * worker each: a claimed mail is leased, not locked for good.
 */
import { isSealed, redactTokens } from '../security/seal.ts';
import type { OutboxMail } from '../store/schema.ts';
import type { GateStore } from '../store/store.ts';
import type { Clock } from '../util/time.ts';
import type { MailTransport } from './transport.ts';

export interface OutboxWorkerOptions {
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  log?: (msg: string, extra?: object) => void;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = true;
  private readonly opts: Required<OutboxWorkerOptions>;

  constructor(
    private readonly store: GateStore,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    options: OutboxWorkerOptions = {},
  ) {
    this.opts = {
      pollMs: 2_000,
      // A lease covers a whole batch even if every mail hits the SMTP timeouts (about a
      // minute each), so no other instance takes a mail this one is still sending.
      batch: 10,
      leaseMs: 15 * 60_000,
      // With the one-hour cap: about three days of trying before a mail counts as failed.
      maxAttempts: 80,
      baseDelayMs: 5_000,
      maxDelayMs: 60 * 60_000,
      log: () => {},
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** A mail was queued: deliver soon instead of at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.runOnce().catch((err) => this.opts.log('outbox run failed', { error: String(err) }));
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(this.opts.pollMs);
    }
  }

  /** Delivers every mail due now, batch after batch; returns how many were sent. */
  runOnce(): Promise<number> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const mails = await this.store.outbox.claim(this.clock(), this.opts.batch, this.opts.leaseMs);
      if (mails.length === 0) return sent;
      for (const mail of mails) {
        if (isSealed(mail.text_body) || isSealed(mail.html_body) || (mail.attachments && isSealed(mail.attachments))) {
          // Sealed with another key (GATE_SECRET was changed): it can never be read again.
          await this.store.outbox.markFailed(mail.id, 'cannot unseal the mail: was GATE_SECRET changed?');
          this.opts.log('mail cannot be unsealed', { id: mail.id });
          continue;
        }
        try {
          await this.transport.deliver(mail);
        } catch (err) {
          await this.failed(mail.id, mail.attempts, mail.registration_id, mail.tour_id, mail.kind, err);
          continue;
        }
        const done = await this.markSent(mail);
        if (done) {
          sent++;
          if (done.registration_id && done.tour_id) {
            await this.store.log(done.registration_id, done.tour_id, this.clock(), 'mail-sent', {
              mail: done.kind,
              via: this.transport.kind,
              attempts: done.attempts,
            });
          }
        }
      }
      if (mails.length < this.opts.batch) return sent;
    }
  }

  /**
   * Delivered: the live tokens leave the database, and so do the attachments (personal data the
   * recipient now has; the logbook records that the mail went). The dev mailbox keeps its sealed
   * copy, since there the mailbox is the only place the links are. Should the redacted copy not
   * be storable, the mail is still marked sent: sending it again would be worse.
   */
  private async markSent(mail: OutboxMail): Promise<OutboxMail | undefined> {
    const keep =
      this.transport.kind === 'smtp'
        ? { text_body: redactTokens(mail.text_body), html_body: redactTokens(mail.html_body), attachments: null }
        : undefined;
    try {
      return await this.store.outbox.markSent(mail.id, this.clock(), keep);
    } catch (err) {
      this.opts.log('storing the sent copy failed', { id: mail.id, error: String(err) });
      return this.store.outbox.markSent(mail.id, this.clock());
    }
  }

  private async failed(
    id: string,
    attempts: number,
    registrationId: string | null,
    tourId: string | null,
    kind: string,
    err: unknown,
  ): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const now = this.clock();
    const final = attempts >= this.opts.maxAttempts;
    if (final) await this.store.outbox.markFailed(id, message);
    else {
      const delay = Math.min(this.opts.baseDelayMs * 2 ** (attempts - 1), this.opts.maxDelayMs);
      await this.store.outbox.markRetry(id, now + delay, message);
    }
    this.opts.log(final ? 'mail failed for good' : 'mail delivery failed, will retry', {
      id,
      attempts,
      error: message,
    });
    if (registrationId && tourId) {
      // The logbook gets the kind of failure only: SMTP texts often quote the recipient.
      const e = err as { responseCode?: number; code?: string };
      await this.store.log(registrationId, tourId, now, final ? 'mail-failed' : 'mail-retry', {
        mail: kind,
        attempts,
        error: e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error'),
      });
    }
  }
}
