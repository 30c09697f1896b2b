/**
 * Registrations and everything bound to one: link tokens, access tokens, the logbook, the
 * outbox entries a use case queues and the per-day counters it bumps. These are the reads and
 * writes a use case runs inside `GateStore.transaction`, so they all take the same `db`: the
 * pool, or the transaction. Status changes and single-use tokens are one conditional
 * `UPDATE … RETURNING` each, so two concurrent requests can never both win.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import { newId } from '../util/ids.ts';
import type { Dialect } from './connect.ts';
import { DigestStore } from './digest.ts';
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
  Registration,
  RegistrationPatch,
  RegistrationStatus,
} from './schema.ts';
import { WebhookStore } from './webhooks.ts';

export type DbLike = Kysely<Database> | Transaction<Database>;

/** A unique constraint refused an insert (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export type RedeemOutcome =
  | { ok: true; link: LinkToken }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked'; link?: LinkToken };

/** Reads and writes inside or outside a transaction. */
export class StoreOps {
  /** Webhooks and their delivery queue, on the same `db` (so a use case queues deliveries in its transaction). */
  readonly webhooks: WebhookStore;
  /** The daily digest's once-per-day claim and its query, on the same `db` (core/digest.ts). */
  readonly digests: DigestStore;

  constructor(
    protected readonly db: DbLike,
    readonly dialect: Dialect,
    /** Seals mail bodies at rest. */
    protected readonly sealer: Sealer,
  ) {
    this.webhooks = new WebhookStore(db, sealer);
    this.digests = new DigestStore(db);
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

  /**
   * Double opt-in: the visitor opened a link mailed to the address, so a marketing consent given
   * with it now counts. True when this confirmed it (the first time).
   */
  async confirmMarketing(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('registrations')
      .set({ consent_marketing_confirmed_at: at })
      .where('id', '=', id)
      .where('consent_marketing', '=', 1)
      .where('consent_marketing_confirmed_at', 'is', null)
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

  /**
   * An access token with its registration's status (null: the registration is gone), in one
   * query by primary key and join: what the access check reads.
   */
  async getAccessHold(jti: string): Promise<(AccessToken & { status: RegistrationStatus | null }) | undefined> {
    return this.db
      .selectFrom('access_tokens')
      .leftJoin('registrations', 'registrations.id', 'access_tokens.registration_id')
      .selectAll('access_tokens')
      .select('registrations.status')
      .where('access_tokens.jti', '=', jti)
      .executeTakeFirst();
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
        text_body: this.sealer.seal(mail.text_body),
        html_body: this.sealer.seal(mail.html_body),
        attachments: mail.attachments ? this.sealer.seal(mail.attachments) : null,
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

  /** Adds to a per-tour, per-day, per-viewpoint counter of the widget's events. */
  async bumpViewpointStat(tourId: string, day: string, viewpoint: string, metric: string, by = 1): Promise<void> {
    await this.db
      .insertInto('viewpoint_stats')
      .values({ tour_id: tourId, day, viewpoint, metric, count: by })
      .onConflict((oc) =>
        oc
          .columns(['tour_id', 'day', 'viewpoint', 'metric'])
          .doUpdateSet((eb) => ({ count: eb('viewpoint_stats.count', '+', by) })),
      )
      .execute();
  }

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

  /** The per-day counters of a tour, by day (tests and the statistics read them). */
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

  /** Whether any registration (lead) exists for a tour id, erased ones excepted. */
  async hasRegistrations(tourId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('registrations')
      .select('id')
      .where('tour_id', '=', tourId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
