/**
 * The brokers' daily digest as the store sees it: a once-per-period claim that every instance
 * on the database agrees on, and the first openings of a period. Both run on the caller's
 * `db`, so the claim and the mails it leads to commit together or not at all.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Registration } from './schema.ts';

/** The pool or a transaction (as `registrations.ts`'s `DbLike`, which imports this file). */
type DbLike = Kysely<Database> | Transaction<Database>;

export class DigestStore {
  constructor(private readonly db: DbLike) {}

  /**
   * Claims `job` for `period`; true for exactly one caller. In PostgreSQL a second instance's
   * insert waits for the first one's transaction and then finds the row; if that transaction
   * rolled back, the second one claims.
   */
  async claim(job: string, period: string, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('scheduled_runs')
      .values({ job, period, done_at: now })
      .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
      .returning('job')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Registrations of these tours whose unlock link was first opened in [from, to), oldest first. */
  async firstOpenedBetween(tourIds: readonly string[], from: number, to: number): Promise<Registration[]> {
    if (!tourIds.length) return [];
    return this.db
      .selectFrom('registrations')
      .selectAll()
      .where('tour_id', 'in', tourIds)
      .where('first_opened_at', '>=', from)
      .where('first_opened_at', '<', to)
      .orderBy('first_opened_at')
      .execute();
  }
}
