/**
 * Rate-limit counters in the database, shared by every instance on one PostgreSQL database.
 * One atomic upsert per hit.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './connect.ts';
import type { DbLike } from './registrations.ts';
import type { Database } from './schema.ts';

export class RateLimitStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Fixed-window counter: counts `weight` hits; returns the count in the current window
   * (including this hit) and when the window ends.
   */
  async hit(key: string, windowMs: number, now: number, weight = 1): Promise<{ count: number; resetAt: number }> {
    const upsert = (db: DbLike) =>
      db
        .insertInto('rate_limits')
        .values({ key, window_start: now, count: weight })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            window_start: sql<number>`case when rate_limits.window_start <= ${now - windowMs} then ${now} else rate_limits.window_start end`,
            count: sql<number>`case when rate_limits.window_start <= ${now - windowMs} then ${weight} else rate_limits.count + ${weight} end`,
          }),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
    const row =
      this.dialect === 'postgres'
        ? // A counter lost in a crash harms nobody: don't wait for the disk.
          await this.db.transaction().execute(async (trx) => {
            await sql`set local synchronous_commit to off`.execute(trx);
            return upsert(trx);
          })
        : await upsert(this.db);
    return { count: Number(row.count), resetAt: Number(row.window_start) + windowMs };
  }

  /** Drops rate-limit windows that ended (housekeeping). */
  async sweep(now: number, maxWindowMs: number): Promise<void> {
    await this.db
      .deleteFrom('rate_limits')
      .where('window_start', '<', now - maxWindowMs)
      .execute();
  }
}
