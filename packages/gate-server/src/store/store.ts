/**
 * `GateStore`: the one storage interface of gate-server, on Kysely, for SQLite and PostgreSQL.
 * Every change that must not be half-done goes through `transaction`; single-use tokens and
 * status changes are one conditional `UPDATE … RETURNING` each, so two concurrent requests can
 * never both win.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Sealer } from '../security/seal.ts';
import { type Connection, connect, type Dialect } from './connect.ts';
import { migrateToLatest } from './migrations.ts';
import type {
  AccessToken,
  Database,
  LinkPurpose,
  LinkToken,
  LogEntry,
  LogKind,
  NewLinkToken,
  NewOutboxMail,
  NewRegistration,
  OutboxMail,
  Registration,
  RegistrationPatch,
  RegistrationStatus,
} from './schema.ts';

export type DbLike = Kysely<Database> | Transaction<Database>;

export const newId = (): string => uuidv7();

/** A unique constraint refused an insert (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The brokers' calendar: a visitor at 00:30 in Cologne registered today, not yesterday. */
export const STATS_TIME_ZONE = 'Europe/Berlin';
const calendarDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: STATS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The day `YYYY-MM-DD` (Europe/Berlin) of an epoch-ms time: the key of per-day statistics. */
export const dayOf = (ms: number): string => calendarDay.format(ms);

export type RedeemOutcome =
  | { ok: true; link: LinkToken }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked'; link?: LinkToken };

/** Reads and writes inside or outside a transaction. */
export class StoreOps {
  constructor(
    protected readonly db: DbLike,
    readonly dialect: Dialect,
    /** Seals mail bodies at rest; without one they are stored as they are. */
    protected readonly sealer?: Sealer,
  ) {}

  protected seal(body: string): string {
    return this.sealer ? this.sealer.seal(body) : body;
  }

  protected opened<T extends { text_body: string; html_body: string }>(mail: T): T {
    if (!this.sealer) return mail;
    return { ...mail, text_body: this.sealer.open(mail.text_body), html_body: this.sealer.open(mail.html_body) };
  }

  // ---- registrations ------------------------------------------------------------------

  async findRegistration(tourId: string, email: string): Promise<Registration | undefined> {
    return this.db
      .selectFrom('registrations')
      .selectAll()
      .where('tour_id', '=', tourId)
      .where('email', '=', email)
      .executeTakeFirst();
  }

  async getRegistration(id: string): Promise<Registration | undefined> {
    return this.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertRegistration(row: NewRegistration): Promise<void> {
    await this.db.insertInto('registrations').values(row).execute();
  }

  async updateRegistration(id: string, patch: RegistrationPatch): Promise<void> {
    await this.db.updateTable('registrations').set(patch).where('id', '=', id).execute();
  }

  /**
   * Moves a registration from one of `from` to `to` in one statement. Returns the updated row,
   * or undefined when the registration was not in one of `from` (someone else decided first).
   */
  async transition(
    id: string,
    from: readonly RegistrationStatus[],
    to: RegistrationStatus,
    patch: RegistrationPatch = {},
  ): Promise<Registration | undefined> {
    return this.db
      .updateTable('registrations')
      .set({ ...patch, status: to })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  /** Sets `first_opened_at` once; true when this call set it. */
  async markFirstOpened(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('registrations')
      .set({ first_opened_at: at })
      .where('id', '=', id)
      .where('first_opened_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // ---- link tokens ----------------------------------------------------------------------

  async insertLink(row: Omit<NewLinkToken, 'id'> & { id?: string }): Promise<string> {
    const id = row.id ?? newId();
    await this.db
      .insertInto('link_tokens')
      .values({ ...row, id })
      .execute();
    return id;
  }

  async findLinkByHash(hash: string): Promise<LinkToken | undefined> {
    return this.db.selectFrom('link_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  /**
   * Counts one use of a multi-use link (an unlock link works on several devices while valid).
   * The use is recorded only if the link is valid at `now`.
   */
  async redeemLink(hash: string, purpose: LinkPurpose, now: number): Promise<RedeemOutcome> {
    const link = await this.db
      .updateTable('link_tokens')
      .set((eb) => ({ use_count: eb('use_count', '+', 1), last_used_at: now }))
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (link) return { ok: true, link };
    return this.whyNot(hash, purpose);
  }

  /** Uses a single-use link: exactly one caller gets it. */
  async consumeOne(hash: string, purpose: LinkPurpose, now: number): Promise<RedeemOutcome> {
    const link = await this.db
      .updateTable('link_tokens')
      .set({ use_count: 1, last_used_at: now, revoked_at: now })
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
      .where('revoked_at', 'is', null)
      .where('use_count', '=', 0)
      .returningAll()
      .executeTakeFirst();
    if (link) return { ok: true, link };
    return this.whyNot(hash, purpose);
  }

  /** Looks at a link without using it (GET of a review page). */
  async peekLink(hash: string, purpose: LinkPurpose, now: number): Promise<RedeemOutcome> {
    const link = await this.findLinkByHash(hash);
    if (!link || link.purpose !== purpose) return { ok: false, reason: 'invalid' };
    if (link.revoked_at !== null) return { ok: false, reason: 'revoked', link };
    if (link.expires_at <= now) return { ok: false, reason: 'expired', link };
    return { ok: true, link };
  }

  private async whyNot(hash: string, purpose: LinkPurpose): Promise<RedeemOutcome> {
    const link = await this.findLinkByHash(hash);
    if (!link || link.purpose !== purpose) return { ok: false, reason: 'invalid' };
    if (link.revoked_at !== null) return { ok: false, reason: 'revoked', link };
    return { ok: false, reason: 'expired', link };
  }

  async revokeLinks(subjectId: string, purpose: LinkPurpose, now: number): Promise<number> {
    const r = await this.db
      .updateTable('link_tokens')
      .set({ revoked_at: now })
      .where('subject_id', '=', subjectId)
      .where('purpose', '=', purpose)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  // ---- access tokens ----------------------------------------------------------------------

  async insertAccessToken(row: AccessToken): Promise<void> {
    await this.db.insertInto('access_tokens').values(row).execute();
  }

  async getAccessToken(jti: string): Promise<AccessToken | undefined> {
    return this.db.selectFrom('access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
  }

  async revokeAccessTokens(registrationId: string, now: number): Promise<number> {
    const r = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: now })
      .where('registration_id', '=', registrationId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  // ---- logbook ----------------------------------------------------------------------------

  async log(registrationId: string, tourId: string, at: number, kind: LogKind, detail?: object): Promise<void> {
    await this.db
      .insertInto('logbook')
      .values({
        id: newId(),
        registration_id: registrationId,
        tour_id: tourId,
        at,
        kind,
        detail: detail ? JSON.stringify(detail) : null,
      })
      .execute();
  }

  async logbook(registrationId: string): Promise<LogEntry[]> {
    return this.db
      .selectFrom('logbook')
      .selectAll()
      .where('registration_id', '=', registrationId)
      .orderBy('at')
      .orderBy('id')
      .execute();
  }

  // ---- outbox -----------------------------------------------------------------------------

  async enqueueMail(mail: Omit<NewOutboxMail, 'id' | 'status' | 'attempts'>): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('outbox')
      .values({
        ...mail,
        id,
        status: 'queued',
        attempts: 0,
        text_body: this.seal(mail.text_body),
        html_body: this.seal(mail.html_body),
      })
      .execute();
    return id;
  }

  // ---- statistics -------------------------------------------------------------------------

  /** Adds to a per-tour, per-day counter (aggregates survive erasure of the visitor). */
  async bumpStat(tourId: string, day: string, metric: string, by = 1): Promise<void> {
    await this.db
      .insertInto('daily_stats')
      .values({ tour_id: tourId, day, metric, count: by })
      .onConflict((oc) =>
        oc.columns(['tour_id', 'day', 'metric']).doUpdateSet((eb) => ({ count: eb('daily_stats.count', '+', by) })),
      )
      .execute();
  }

  async stats(
    tourId: string,
    fromDay?: string,
    toDay?: string,
  ): Promise<{ day: string; metric: string; count: number }[]> {
    let q = this.db.selectFrom('daily_stats').select(['day', 'metric', 'count']).where('tour_id', '=', tourId);
    if (fromDay) q = q.where('day', '>=', fromDay);
    if (toDay) q = q.where('day', '<=', toDay);
    return q.orderBy('day').execute();
  }

  // ---- added for manual release ---------------------------------------------------------

  /** Whether `subjectId` holds a link of `purpose` that is still valid at `now`. */
  async hasActiveLink(subjectId: string, purpose: LinkPurpose, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('link_tokens')
      .select('id')
      .where('subject_id', '=', subjectId)
      .where('purpose', '=', purpose)
      .where('expires_at', '>', now)
      .where('revoked_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

/** The store: `StoreOps` on the pool, plus transactions, the outbox queue and rate limits. */
export class GateStore extends StoreOps {
  readonly kysely: Kysely<Database>;
  readonly description: string;

  constructor(conn: Connection, sealer?: Sealer) {
    super(conn.db, conn.dialect, sealer);
    this.kysely = conn.db;
    this.description = conn.description;
  }

  static open(url: string, options: { sealer?: Sealer } = {}): GateStore {
    return new GateStore(connect(url), options.sealer);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.kysely as unknown as Kysely<unknown>);
  }

  /** Runs `fn` in one transaction: all of it lands, or none of it. */
  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => fn(new StoreOps(trx, this.dialect, this.sealer)));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.kysely);
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
  }

  /**
   * Claims up to `limit` due mails for `leaseMs`: another worker (or instance) will not take
   * them until the lease ends, so a crashed worker's mails are picked up again later.
   */
  async claimMails(now: number, limit: number, leaseMs: number): Promise<OutboxMail[]> {
    let due = this.kysely
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await this.kysely
      .updateTable('outbox')
      .set((eb) => ({ locked_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due)
      .where('status', '=', 'queued')
      .returningAll()
      .execute();
    return claimed.map((m) => this.opened(m));
  }

  /**
   * Marks a mail delivered. With `keep` (the bodies as delivered, tokens cut out) those
   * replace the sealed bodies; without it (dev mailbox) the sealed bodies stay readable.
   */
  async markMailSent(
    id: string,
    now: number,
    keep?: { text_body: string; html_body: string },
  ): Promise<OutboxMail | undefined> {
    return this.kysely
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: now, locked_until: null, last_error: null, ...keep })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  async markMailRetry(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.kysely
      .updateTable('outbox')
      .set({ next_attempt_at: nextAttemptAt, locked_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  async markMailFailed(id: string, error: string): Promise<void> {
    await this.kysely
      .updateTable('outbox')
      .set({ status: 'failed', locked_until: null, last_error: error.slice(0, 1000) })
      .where('id', '=', id)
      .execute();
  }

  async getMail(id: string): Promise<OutboxMail | undefined> {
    const mail = await this.kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return mail && this.opened(mail);
  }

  async listMails(limit = 100): Promise<OutboxMail[]> {
    const mails = await this.kysely
      .selectFrom('outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return mails.map((m) => this.opened(m));
  }

  /**
   * Fixed-window counter, one atomic upsert: returns the count in the current window
   * (including this hit) and when the window ends.
   */
  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    const upsert = (db: DbLike) =>
      db
        .insertInto('rate_limits')
        .values({ key, window_start: now, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            window_start: sql<number>`case when rate_limits.window_start <= ${now - windowMs} then ${now} else rate_limits.window_start end`,
            count: sql<number>`case when rate_limits.window_start <= ${now - windowMs} then 1 else rate_limits.count + 1 end`,
          }),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
    const row =
      this.dialect === 'postgres'
        ? // A counter lost in a crash harms nobody: don't wait for the disk.
          await this.kysely.transaction().execute(async (trx) => {
            await sql`set local synchronous_commit to off`.execute(trx);
            return upsert(trx);
          })
        : await upsert(this.kysely);
    return { count: Number(row.count), resetAt: Number(row.window_start) + windowMs };
  }

  /** Drops rate-limit windows that ended (housekeeping). */
  async sweepRateLimits(now: number, maxWindowMs: number): Promise<void> {
    await this.kysely
      .deleteFrom('rate_limits')
      .where('window_start', '<', now - maxWindowMs)
      .execute();
  }
}
