/**
 * The outbox queue as the worker sees it: claim due mails under a lease, mark them sent, due
 * again later, or failed. Mail bodies are sealed at rest and opened only here, on their way
 * to the transport.
 */
import type { Kysely } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import type { Dialect } from './connect.ts';
import type { Database, OutboxMail } from './schema.ts';

export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly sealer: Sealer,
  ) {}

  private opened<T extends { text_body: string; html_body: string; attachments: string | null }>(mail: T): T {
    return {
      ...mail,
      text_body: this.sealer.open(mail.text_body),
      html_body: this.sealer.open(mail.html_body),
      attachments: mail.attachments === null ? null : this.sealer.open(mail.attachments),
    };
  }

  /**
   * Claims up to `limit` due mails for `leaseMs`: another worker (or instance) will not take
   * them until the lease ends, so a crashed worker's mails are picked up again later.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<OutboxMail[]> {
    let due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await this.db
      .updateTable('outbox')
      .set((eb) => ({ locked_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due)
      .where('status', '=', 'queued')
      .returningAll()
      .execute();
    return claimed.map((m) => this.opened(m));
  }

  /**
   * Marks a mail delivered. With `keep` (the bodies as delivered, tokens cut out, attachments
   * dropped) those replace the sealed bodies; without it (dev mailbox) the sealed copy stays
   * readable.
   */
  async markSent(
    id: string,
    now: number,
    keep?: { text_body: string; html_body: string; attachments: null },
  ): Promise<OutboxMail | undefined> {
    return this.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: now, locked_until: null, last_error: null, ...keep })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  async markRetry(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: nextAttemptAt, locked_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ status: 'failed', locked_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  /** The worker is still at these mails (sending, or holding a sent mark to write): keep them leased. */
  async renew(ids: readonly string[], lockedUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set({ locked_until: lockedUntil })
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .execute();
  }

  /** Claimed but not tried (shutdown): free for any worker now, the claim's attempt not counted. */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .where('attempts', '>', 0)
      .execute();
  }

  /**
   * The mail server works again: every mail waiting out a backoff after a failed attempt is due
   * now instead of up to an hour later. Returns how many.
   */
  async retryNow(now: number): Promise<number> {
    const result = await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: now })
      .where('status', '=', 'queued')
      .where('next_attempt_at', '>', now)
      .where('last_error', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Queued mails, and the time since the oldest due one was due (0 when none is), for `/metrics`. */
  async backlog(now: number): Promise<{ queued: number; oldestDueMs: number }> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('queued'),
        eb.fn.min(eb.case().when('next_attempt_at', '<=', now).then(eb.ref('created_at')).end()).as('oldest'),
      ])
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    const oldest = row.oldest === null ? null : Number(row.oldest);
    return { queued: Number(row.queued), oldestDueMs: oldest === null ? 0 : Math.max(0, now - oldest) };
  }

  async get(id: string): Promise<OutboxMail | undefined> {
    const mail = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return mail && this.opened(mail);
  }

  /** The newest mails first (dev mailbox, tests). */
  async list(limit = 100): Promise<OutboxMail[]> {
    const mails = await this.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return mails.map((m) => this.opened(m));
  }
}
