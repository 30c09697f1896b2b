/**
 * Delivers the outbox. Mails are written in the same transaction as the registration or
 * decision that caused them; this worker sends them with retries and exponential backoff, so a
 * mail server that is down delays mail but never loses it. Several server instances may run a
 * worker each: a claimed mail is leased, not locked for good.
 *
 * - The lease is short (a minute) and renewed while the worker is at a mail (heartbeat), so the
 *   mails of a worker that died are sent by another within a minute, and never while it lives.
 * - A sent mark the database could not take (it was away) is kept in memory, the mail's lease
 *   renewed, and written first thing once the database answers: the mail is not sent twice.
 * - After failed attempts, a delivery that works (or a probe of the mail server) makes the whole
 *   backlog due at once instead of each mail waiting out its grown backoff (probe every 5 s).
 * - `concurrency` deliveries at a time (as many as the SMTP transport pools connections: 4), each
 *   lane taking the next claimed mail as soon as it is done; sent marks are written in groups
 *   (one transaction with their logbook lines), so a flood goes out at SMTP speed.
 * - Fair: a claim deals the due mails in turns, one mail of each tour per turn, a tour's mails
 *   answering a request (sign-in, unlock, review, decision) before its notifications
 *   (`OutboxStore.claim`). Claims are small (`batch`, 32) and made when the claimed mails run
 *   out, so another broker's mail waits for a claim's worth of mails at most, however many one
 *   tour has queued.
 * - A permanent refusal (SMTP 5xx for the recipient or the message) ends the mail at once.
 * - `stop()` stops claiming, lets the mail under way finish for a moment, and releases the
 *   claimed mails it did not try.
 */
import { isSealed, redactTokens } from '../security/seal.ts';
import type { SentCopy, SentMark } from '../store/outbox.ts';
import type { OutboxMail } from '../store/schema.ts';
import type { GateStore } from '../store/store.ts';
import { newId } from '../util/ids.ts';
import type { Clock } from '../util/time.ts';
import { type MailTransport, SMTP_CONNECTIONS } from './transport.ts';

export interface OutboxWorkerOptions {
  pollMs?: number;
  /** Mails per claim (default 32): the most another tour's mail can wait behind, once claimed. */
  batch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often a held lease is renewed (default: a third of `leaseMs`). */
  heartbeatMs?: number;
  /** After failures, how often the mail server is probed to find it back (if the transport can). */
  probeMs?: number;
  /** Deliveries at a time (default: the transport's pooled connections, `SMTP_CONNECTIONS` = 4). */
  concurrency?: number;
  /** How long `stop()` lets a delivery under way finish before it closes the transport. */
  stopGraceMs?: number;
  log?: (msg: string, extra?: object) => void;
  /** Each attempt's outcome, for `/metrics`. */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

/** How long a claim holds a mail unless renewed: a dead worker's mails are free again after it. */
export const OUTBOX_LEASE_MS = 60_000;

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'refused';

/**
 * A refusal no retry will change: a 5xx reply to the recipient (`EENVELOPE`) or to the message
 * (`EMESSAGE`). A 5xx to the login or the greeting is the server's setup, not the mail's fault.
 */
function isPermanentRefusal(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown } | undefined;
  return (
    typeof e?.responseCode === 'number' &&
    e.responseCode >= 500 &&
    e.responseCode < 600 &&
    (e.code === 'EENVELOPE' || e.code === 'EMESSAGE')
  );
}

interface PendingMark {
  mail: OutboxMail;
  mark: SentMark;
  resolve: () => void;
}

interface UnsavedSent {
  mail: OutboxMail;
  at: number;
  keep: Parameters<GateStore['outbox']['markSent']>[2];
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = true;
  /** `stop()` was called: claim nothing more, release what was claimed and not tried. */
  private closing = false;
  private stopping: Promise<void> | undefined;
  /** Delivered mails whose sent mark the database did not take yet. */
  private readonly unsaved = new Map<string, UnsavedSent>();
  /** Sent marks waiting for the group being written (`markSent`). */
  private readonly marks: PendingMark[] = [];
  private marking: Promise<void> | undefined;
  /** Every sent mark not written yet (a run ends only once they are). */
  private readonly pendingMarks = new Set<Promise<void>>();
  /** Mails claimed by the run under way and not finished. */
  private readonly held = new Set<string>();
  /** The mails being delivered right now. */
  private readonly inFlight = new Set<string>();
  /** A delivery failed for a reason other than the mail itself since the last success. */
  private failing = false;
  private lastProbe = 0;
  private readonly opts: Required<OutboxWorkerOptions>;

  constructor(
    private readonly store: GateStore,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    options: OutboxWorkerOptions = {},
  ) {
    this.opts = {
      pollMs: 2_000,
      // Small, so a claim holds few mails of a flooding tour ahead of another tour's.
      batch: 32,
      // Short, and renewed every 20 s while the worker holds the mails (heartbeat), so no
      // other instance takes a mail this one is still sending, and a dead worker's mails are
      // free again within a minute.
      leaseMs: OUTBOX_LEASE_MS,
      heartbeatMs: 0,
      probeMs: 5_000,
      concurrency: transport.connections ?? SMTP_CONNECTIONS,
      stopGraceMs: 4_000,
      onOutcome: () => {},
      // With the one-hour cap: about three days of trying before a mail counts as failed.
      maxAttempts: 80,
      baseDelayMs: 5_000,
      maxDelayMs: 60 * 60_000,
      log: () => {},
      ...options,
    };
    if (!this.opts.heartbeatMs) this.opts.heartbeatMs = Math.max(10, Math.floor(this.opts.leaseMs / 3));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops claiming; the mail under way gets `stopGraceMs` to finish, then the transport is
   * closed (its delivery fails and is retried later); claimed mails not tried are released.
   */
  stop(): Promise<void> {
    // Once: the server's close and the core's close both stop the worker.
    this.stopping ??= this.halt();
    return this.stopping;
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    const running = this.running;
    if (!running) return;
    let grace: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      // A batch that failed (the database away) has ended too.
      running.then(
        () => true,
        () => true,
      ),
      new Promise<false>((r) => {
        grace = setTimeout(() => r(false), this.opts.stopGraceMs);
      }),
    ]);
    clearTimeout(grace);
    if (!finished) {
      this.opts.log('closing the mail transport with deliveries under way', { mails: this.inFlight.size });
      this.transport.close();
      const ended = await Promise.race([
        running.then(
          () => true,
          () => true,
        ),
        new Promise<false>((r) => setTimeout(r, 1_000, false)),
      ]);
      if (!ended) {
        // Deliveries still hang: the mails of the batch not tried are free now; those under way
        // keep their lease (the server may have taken them) and are retried once it ends.
        const untried = [...this.held].filter((id) => !this.inFlight.has(id));
        this.held.clear();
        await this.store.outbox
          .release(untried)
          .catch((err) => this.opts.log('releasing claimed mails failed', { error: String(err) }));
      }
    }
  }

  /** Mails delivered whose sent mark waits for the database (tests, `/metrics`). */
  get unsavedSentMarks(): number {
    return this.unsaved.size;
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
    // Sent marks first: until they are written, those mails must not be claimed again.
    await this.flushUnsaved();
    await this.probe();
    let sent = 0;
    // Claimed mails not started yet, in the order the claim dealt them (fair across tours).
    const queue: OutboxMail[] = [];
    // The last claim was full (or the backlog became due): there may be more to claim.
    let more = true;
    let claiming: Promise<void> | undefined;
    // One claim at a time, when the claimed mails run out: a mail queued meanwhile for another
    // tour is in the next claim's first turn, a batch later at most (a fraction of a second).
    const claim = (): Promise<void> =>
      (claiming ??= (async () => {
        const claimed = await this.store.outbox.claim(this.clock(), this.opts.batch, this.opts.leaseMs);
        more = claimed.length >= this.opts.batch;
        for (const m of claimed) {
          if (this.unsaved.has(m.id)) continue;
          this.held.add(m.id);
          queue.push(m);
        }
      })().finally(() => {
        claiming = undefined;
      }));
    const next = async (): Promise<OutboxMail | undefined> => {
      for (;;) {
        if (this.closing) return undefined;
        const mail = queue.shift();
        if (mail) return mail;
        if (!more && !claiming) return undefined;
        await claim();
      }
    };
    // `concurrency` deliveries at a time over the transport's pooled connections; each lane takes
    // the next claimed mail as soon as its last one is done (no waiting for a whole batch).
    const lane = async () => {
      for (let mail = await next(); mail; mail = await next()) {
        this.inFlight.add(mail.id);
        let outcome: DeliveryOutcome | 'skipped';
        try {
          outcome = await this.deliverOne(mail);
        } catch (err) {
          this.inFlight.delete(mail.id);
          this.held.delete(mail.id);
          throw err;
        }
        if (outcome !== 'sent') {
          this.inFlight.delete(mail.id);
          this.held.delete(mail.id);
        }
        if (outcome === 'sent') {
          sent++;
          if (this.failing) {
            // The mail server takes mail again: the backlog need not wait out its backoff.
            this.failing = false;
            if ((await this.store.outbox.retryNow(this.clock())) > 0) more = true;
          }
        }
      }
    };
    const beat = setInterval(() => void this.heartbeat(), this.opts.heartbeatMs);
    beat.unref?.();
    // Every lane runs to its end before the leftovers are released: a lane that failed (the
    // database away while it wrote a mark) must not free mails the others are sending.
    let failure: unknown;
    try {
      const lanes = await Promise.allSettled(Array.from({ length: this.opts.concurrency }, lane));
      failure = lanes.find((r) => r.status === 'rejected')?.reason;
      // The sent marks still being written: once this returns, every delivered mail is marked
      // (or its mark kept in memory while the database is away).
      while (this.pendingMarks.size) await Promise.all(this.pendingMarks);
    } finally {
      clearInterval(beat);
      const untried = [...this.held];
      this.held.clear();
      if (untried.length) {
        await this.store.outbox
          .release(untried)
          .catch((err) => this.opts.log('releasing claimed mails failed', { error: String(err) }));
      }
    }
    if (failure !== undefined) throw failure;
    return sent;
  }

  /** Keeps the leases of the mails this worker is at (and of sent marks it still holds). */
  private async heartbeat(): Promise<void> {
    const ids = [...this.held, ...this.unsaved.keys()];
    await this.store.outbox
      .renew(ids, this.clock() + this.opts.leaseMs)
      .catch((err) => this.opts.log('renewing mail leases failed', { error: String(err) }));
  }

  /** Writes the sent marks the database could not take before; throws while it still can't. */
  private async flushUnsaved(): Promise<void> {
    for (const [id, u] of this.unsaved) {
      const done = await this.store.outbox.markSent(id, u.at, u.keep);
      this.unsaved.delete(id);
      this.opts.log('sent mark written after the database came back', { id });
      if (done) await this.logSent(done);
    }
  }

  /** After failures: is the mail server back? Then the backlog is due now. */
  private async probe(): Promise<void> {
    const verify = this.transport.verify?.bind(this.transport);
    if (!this.failing || !verify || Date.now() - this.lastProbe < this.opts.probeMs) return;
    this.lastProbe = Date.now();
    try {
      await verify();
    } catch {
      return;
    }
    this.failing = false;
    const due = await this.store.outbox.retryNow(this.clock());
    if (due) this.opts.log('mail server answers again: backlog due now', { mails: due });
  }

  private async deliverOne(mail: OutboxMail): Promise<DeliveryOutcome | 'skipped'> {
    if (this.unsaved.has(mail.id)) return 'skipped';
    if (isSealed(mail.text_body) || isSealed(mail.html_body) || (mail.attachments && isSealed(mail.attachments))) {
      // Sealed with another key (GATE_SECRET was changed): it can never be read again.
      await this.store.outbox.markFailed(mail.id, 'cannot unseal the mail: was GATE_SECRET changed?');
      this.opts.log('mail cannot be unsealed', { id: mail.id });
      return 'failed';
    }
    try {
      await this.transport.deliver(mail);
    } catch (err) {
      return this.failed(mail.id, mail.attempts, mail.registration_id, mail.tour_id, mail.kind, err);
    }
    this.opts.onOutcome('sent');
    // The lane goes on to its next mail; this one stays held (its lease renewed) and in flight
    // (never released) until its mark is written.
    const marked = this.markSent(mail).finally(() => {
      this.inFlight.delete(mail.id);
      this.held.delete(mail.id);
      this.pendingMarks.delete(marked);
    });
    this.pendingMarks.add(marked);
    return 'sent';
  }

  private async logSent(done: OutboxMail): Promise<void> {
    if (done.registration_id && done.tour_id) {
      await this.store.log(done.registration_id, done.tour_id, this.clock(), 'mail-sent', {
        mail: done.kind,
        via: this.transport.kind,
        attempts: done.attempts,
      });
    }
  }

  /**
   * Delivered: the live tokens leave the database, and so do the attachments (personal data the
   * recipient now has; the logbook records that the mail went). The dev mailbox keeps its sealed
   * copy, since there the mailbox is the only place the links are.
   *
   * The lanes don't wait for the mark: the next mail goes out meanwhile. SQLite: marks are
   * written in groups (group commit; its commits are one at a time and hold the event loop for
   * their fsync): the marks of mails delivered while one group is written go together in the
   * next, one transaction with their logbook lines. PostgreSQL: each at once, in one statement. Resolves (never rejects) once the mark is written, or kept in memory
   * because the database is away.
   */
  private markSent(mail: OutboxMail): Promise<void> {
    const keep: SentCopy | undefined =
      this.transport.kind === 'smtp'
        ? { text_body: redactTokens(mail.text_body), html_body: redactTokens(mail.html_body), attachments: null }
        : undefined;
    const mark: SentMark = {
      id: mail.id,
      at: this.clock(),
      keep,
      log:
        mail.registration_id && mail.tour_id
          ? {
              id: newId(),
              registrationId: mail.registration_id,
              tourId: mail.tour_id,
              detail: { mail: mail.kind, via: this.transport.kind, attempts: mail.attempts },
            }
          : undefined,
    };
    if (this.store.outbox.dialect === 'postgres') {
      // PostgreSQL takes many commits at once (and groups them itself): each mark at once, in one
      // round trip, so a mail delivered is marked within milliseconds (an instance killed in
      // between is the one way a mail goes out twice).
      return this.store.outbox.markSentNow(mark).then(
        () => {},
        () =>
          this.markSentOne(mail, mark).catch((e) =>
            this.opts.log('logging a sent mail failed', { id: mail.id, error: String(e) }),
          ),
      );
    }
    return new Promise<void>((resolve) => {
      this.marks.push({ mail, mark, resolve });
      this.marking ??= this.writeMarks().finally(() => {
        this.marking = undefined;
      });
    });
  }

  private async writeMarks(): Promise<void> {
    while (this.marks.length) {
      // One turn of the event loop first: answers the mail server sent while the last group was
      // written (SQLite's commit holds the loop for its fsync) join this group.
      await new Promise((r) => setImmediate(r));
      const group = this.marks.splice(0, 256);
      try {
        await this.store.outbox.markSentMany(group.map((g) => g.mark));
        for (const g of group) g.resolve();
      } catch (err) {
        this.opts.log('writing sent marks together failed, one at a time now', {
          mails: group.length,
          error: String(err),
        });
        for (const g of group) {
          await this.markSentOne(g.mail, g.mark).catch((e) =>
            this.opts.log('logging a sent mail failed', { id: g.mail.id, error: String(e) }),
          );
          g.resolve();
        }
      }
    }
  }

  /**
   * One mark on its own: should the redacted copy not be storable, the mail is still marked
   * sent (sending it again would be worse); should the database be away, the mark waits in
   * memory (its lease renewed) and is written once the database answers.
   */
  private async markSentOne(mail: OutboxMail, mark: SentMark): Promise<void> {
    let done: OutboxMail | undefined;
    try {
      done = await this.store.outbox.markSent(mail.id, mark.at, mark.keep);
    } catch (err) {
      this.opts.log('storing the sent copy failed', { id: mail.id, error: String(err) });
      try {
        done = await this.store.outbox.markSent(mail.id, mark.at);
      } catch (err2) {
        // Until it is written no worker here claims the mail again.
        this.unsaved.set(mail.id, { mail, at: mark.at, keep: mark.keep });
        this.opts.log('sent mark kept until the database answers', { id: mail.id, error: String(err2) });
        return;
      }
    }
    if (done) await this.logSent(done);
  }

  private async failed(
    id: string,
    attempts: number,
    registrationId: string | null,
    tourId: string | null,
    kind: string,
    err: unknown,
  ): Promise<DeliveryOutcome> {
    const message = err instanceof Error ? err.message : String(err);
    const now = this.clock();
    const refused = isPermanentRefusal(err);
    if (!refused) this.failing = true;
    const final = refused || attempts >= this.opts.maxAttempts;
    const outcome: DeliveryOutcome = refused ? 'refused' : final ? 'failed' : 'retry';
    this.opts.onOutcome(outcome);
    if (final) await this.store.outbox.markFailed(id, message);
    else {
      const delay = Math.min(this.opts.baseDelayMs * 2 ** (attempts - 1), this.opts.maxDelayMs);
      await this.store.outbox.markRetry(id, now + delay, message);
    }
    this.opts.log(
      refused ? 'mail refused for good' : final ? 'mail failed for good' : 'mail delivery failed, will retry',
      {
        id,
        attempts,
        error: message,
      },
    );
    if (registrationId && tourId) {
      // The logbook gets the kind of failure only: SMTP texts often quote the recipient.
      const e = err as { responseCode?: number; code?: string };
      const logKind = refused ? 'mail-refused' : final ? 'mail-failed' : 'mail-retry';
      await this.store.log(registrationId, tourId, now, logKind, {
        mail: kind,
        attempts,
        error: e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error'),
      });
    }
    return outcome;
  }
}
