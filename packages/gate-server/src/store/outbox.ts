/**
 * The outbox queue as the worker sees it: claim due mails under a lease, mark them sent, due
 * again later, or failed. Mail bodies are sealed at rest and opened only here, on their way
 * to the transport.
 */
import { type Kysely, sql } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import type { Dialect } from './connect.ts';
import type { Database, MailKind, OutboxMail } from './schema.ts';

/**
 * Mails that go to many at once and may wait their turn (a broker's notice about a new lead,
 * the broker's digest).
 * Every other kind answers something a person just did (sign in, unlock, review, decide) and
 * goes first within its tour's turn; a kind added later counts as such unless listed here.
 */
const BULK_MAIL_KINDS: readonly (MailKind | 'digest')[] = ['broker-notification', 'digest'];

/** The bodies as delivered (tokens cut out, attachments dropped), stored in place of the sealed ones. */
export type SentCopy = { text_body: string; html_body: string; attachments: null };

/** A delivered mail's sent mark, and its logbook line when it belongs to a registration. */
export interface SentMark {
  id: string;
  at: number;
  keep?: SentCopy | undefined;
  /** `id`: the logbook line's, made when the mail was delivered, so the logbook's order is the events' order. */
  log?: { id: string; registrationId: string; tourId: string; detail: object } | undefined;
}

export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Dialect,
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
   *
   * Fair across tours: the due mails are dealt in turns, one of each tour per turn (mails
   * without a tour, such as sign-in links, form a turn's lane of their own), so a tour with
   * thousands queued gets one mail per turn like a tour with one. Within a tour's lane a mail
   * answering a request (sign-in, unlock, review, decision) goes before notifications
   * (`BULK_MAIL_KINDS`), then the oldest due first. Of two workers claiming at once, PostgreSQL
   * lets each skip the other's locked rows; the lease is checked again on the row updated.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<OutboxMail[]> {
    if (limit <= 0) return [];
    const bulk = sql.join(BULK_MAIL_KINDS.map((k) => sql.lit(k)));
    const free = sql`status = 'queued' and (locked_until is null or locked_until <= ${now})`;
    // The due mails in turn order; PostgreSQL deals a few times `limit`, so that two workers
    // claiming at once, which see the same first turns, each still find `limit` rows the other
    // has not locked (SKIP LOCKED can't stand in a query with a window function).
    const dealt = (take: number) => sql`select id from (
        select id, next_attempt_at, bulk, row_number() over (
          partition by tour_id order by bulk, next_attempt_at, id
        ) as turn
        from (
          select id, tour_id, next_attempt_at, case when kind in (${bulk}) then 1 else 0 end as bulk
          from outbox where ${free} and next_attempt_at <= ${now}
        ) due
      ) dealt
      order by turn, bulk, next_attempt_at, id
      limit ${take}`;
    if (this.dialect === 'postgres') {
      // `= any(…)` over arrays makes each subquery run once (an InitPlan); as `in (…)` the planner
      // may run it again for every outbox row (minutes with a few thousand queued). The turn
      // order is kept through the array's positions.
      const { rows } = await sql<OutboxMail>`with turns as (select array(${dealt(limit * 4)}) as ids)
        update outbox
        set locked_until = ${now + leaseMs}, attempts = attempts + 1
        where id = any(array(
          select outbox.id from outbox, turns
          where outbox.id = any(turns.ids) and ${free}
          order by array_position(turns.ids, outbox.id)
          limit ${limit}
          for update of outbox skip locked
        )) and ${free}
        returning *`.execute(this.db);
      return rows.map((m) => this.opened(m));
    }
    const { rows } = await sql<OutboxMail>`update outbox
      set locked_until = ${now + leaseMs}, attempts = attempts + 1
      where id in (${dealt(limit)}) and ${free}
      returning *`.execute(this.db);
    return rows.map((m) => this.opened(m));
  }

  /**
   * Marks a mail delivered. With `keep` (the bodies as delivered, tokens cut out, attachments
   * dropped) those replace the sealed bodies; without it (dev mailbox) the sealed copy stays
   * readable.
   */
  async markSent(id: string, now: number, keep?: SentCopy): Promise<OutboxMail | undefined> {
    return this.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: now, locked_until: null, last_error: null, ...keep })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Sent marks of several delivered mails and their logbook lines (`mail-sent`), in one
   * transaction: one commit for a group of mails instead of two for each. Returns the ids marked
   * (a mail no longer queued is left alone, its line not written).
   */
  async markSentMany(marks: readonly SentMark[]): Promise<Set<string>> {
    if (marks.length === 0) return new Set();
    return this.db.transaction().execute(async (trx) => {
      const done = new Set<string>();
      for (const m of marks) {
        const r = await trx
          .updateTable('outbox')
          .set({ status: 'sent', sent_at: m.at, locked_until: null, last_error: null, ...m.keep })
          .where('id', '=', m.id)
          .where('status', '=', 'queued')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) > 0) done.add(m.id);
      }
      const lines = marks.filter((m) => m.log && done.has(m.id));
      if (lines.length) {
        await trx
          .insertInto('logbook')
          .values(
            lines.map((m) => ({
              id: m.log!.id,
              registration_id: m.log!.registrationId,
              tour_id: m.log!.tourId,
              at: m.at,
              kind: 'mail-sent' as const,
              detail: JSON.stringify(m.log!.detail),
            })),
          )
          .execute();
      }
      return done;
    });
  }

  /**
   * One mail's sent mark and its logbook line in a single statement (PostgreSQL: an `UPDATE` in a
   * `WITH`, feeding the `INSERT`), one round trip: the moment between the mail server's "250"
   * and the mark being durable stays as short as it can be. Returns whether the mail was marked.
   */
  async markSentNow(m: SentMark): Promise<boolean> {
    if (this.dialect !== 'postgres') return (await this.markSentMany([m])).has(m.id);
    const update = (db: Kysely<Database>) =>
      db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: m.at, locked_until: null, last_error: null, ...m.keep })
        .where('id', '=', m.id)
        .where('status', '=', 'queued');
    if (!m.log) return Number((await update(this.db).executeTakeFirst()).numUpdatedRows) > 0;
    const log = m.log;
    const { rows } = await sql<{ id: string }>`with sent as (${update(this.db).returning('id')})
      insert into logbook (id, registration_id, tour_id, at, kind, detail)
      select ${log.id}, ${log.registrationId}, ${log.tourId}, ${m.at}, 'mail-sent', ${JSON.stringify(log.detail)}
      from sent
      returning id`.execute(this.db);
    return rows.length > 0;
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
