/**
 * Webhooks and their delivery queue. A broker's hooks (optionally bound to one tour) hold their
 * signing secrets sealed at rest; every event becomes one row in `webhook_deliveries`, written
 * by the use case in the same transaction as the event itself (`StoreOps.webhooks`), and sent by
 * the webhook worker under a lease. Payloads are sealed at rest like mail bodies: they carry the
 * visitor's data.
 *
 * Every read and change of a hook takes the broker's id, so one broker's id never reaches
 * another broker's hook.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import type { Database, NewWebhookDelivery, Webhook, WebhookDelivery } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface WebhookPatch {
  url?: string;
  events?: string;
  tour_id?: string | null;
}

export class WebhookStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: Sealer,
  ) {}

  private opened(h: Webhook): Webhook {
    return {
      ...h,
      secret: this.sealer.open(h.secret),
      previous_secret: h.previous_secret === null ? null : this.sealer.open(h.previous_secret),
    };
  }

  private openedDelivery(d: WebhookDelivery): WebhookDelivery {
    return { ...d, payload: this.sealer.open(d.payload) };
  }

  // ---- hooks ----------------------------------------------------------------------------

  async list(brokerId: string): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('broker_id', '=', brokerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((h) => this.opened(h));
  }

  async get(brokerId: string, id: string): Promise<Webhook | undefined> {
    const h = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return h && this.opened(h);
  }

  async insert(h: Webhook): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({
        ...h,
        secret: this.sealer.seal(h.secret),
        previous_secret: h.previous_secret === null ? null : this.sealer.seal(h.previous_secret),
      })
      .execute();
  }

  async update(brokerId: string, id: string, patch: WebhookPatch, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhooks')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Deletes a hook and its deliveries (their payloads hold visitors' data). */
  async delete(brokerId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('webhooks')
      .where('id', '=', id)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await this.db.deleteFrom('webhook_deliveries').where('hook_id', '=', id).execute();
    return true;
  }

  /** A new secret signs from now on; the current one keeps signing until `previousUntil`. */
  async rotate(brokerId: string, id: string, secret: string, previousUntil: number, now: number): Promise<boolean> {
    const hook = await this.get(brokerId, id);
    if (!hook) return false;
    const r = await this.db
      .updateTable('webhooks')
      .set({
        secret: this.sealer.seal(secret),
        previous_secret: this.sealer.seal(hook.secret),
        previous_until: previousUntil,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The old secret stops signing now. */
  async retirePrevious(brokerId: string, id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhooks')
      .set({ previous_secret: null, previous_until: null, updated_at: now })
      .where('id', '=', id)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Every hook of any broker by id (the worker signs with it). */
  async byId(id: string): Promise<Webhook | undefined> {
    const h = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return h && this.opened(h);
  }

  /**
   * The broker's hooks for `tourId` (their own tour, or every tour) that want any of `events`,
   * with the events each wants; one query for all of them.
   */
  async subscribers(
    brokerId: string,
    tourId: string,
    events: readonly string[],
  ): Promise<{ hook: Webhook; events: string[] }[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('broker_id', '=', brokerId)
      .where((eb) => eb.or([eb('tour_id', 'is', null), eb('tour_id', '=', tourId)]))
      .orderBy('created_at')
      .execute();
    return rows
      .map((h) => {
        const wanted = JSON.parse(h.events) as unknown[];
        return { h, events: events.filter((e) => wanted.includes(e)) };
      })
      .filter((r) => r.events.length > 0)
      .map((r) => ({ hook: this.opened(r.h), events: r.events }));
  }

  // ---- deliveries -----------------------------------------------------------------------

  /** Queues deliveries (in the caller's transaction); payloads are sealed here. */
  async enqueue(rows: NewWebhookDelivery[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(rows.map((r) => ({ ...r, payload: this.sealer.seal(r.payload) })))
      .execute();
  }

  async deliveries(brokerId: string, hookId: string, limit = 50): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('hook_id', '=', hookId)
      .where('broker_id', '=', brokerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((d) => this.openedDelivery(d));
  }

  async delivery(brokerId: string, hookId: string, id: string): Promise<WebhookDelivery | undefined> {
    const d = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('hook_id', '=', hookId)
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return d && this.openedDelivery(d);
  }

  /**
   * Claims due deliveries fairly: at most one per hook (the oldest due), none of a hook that has
   * a delivery under a live lease (here or on another instance) or is in `busy` (sending in
   * this process), so one slow receiver holds at most one slot. Each claim is its own
   * conditional update, so of two instances only one gets a delivery.
   */
  async claim(now: number, limit: number, leaseMs: number, busy: ReadonlySet<string>): Promise<WebhookDelivery[]> {
    if (limit <= 0) return [];
    const leased = await this.db
      .selectFrom('webhook_deliveries')
      .select('hook_id')
      .distinct()
      .where('status', '=', 'queued')
      .where('locked_until', '>', now)
      .execute();
    const skip = new Set([...busy, ...leased.map((r) => r.hook_id)]);
    // Hooks that are busy or leased are left out in SQL: one receiver's backlog (thousands of
    // due deliveries to a receiver that hangs) must not fill the page and starve every other one.
    let dueQuery = this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'hook_id'])
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]));
    if (skip.size) dueQuery = dueQuery.where('hook_id', 'not in', [...skip]);
    const due = await dueQuery.orderBy('next_attempt_at').orderBy('created_at').orderBy('id').limit(1000).execute();
    const picked: string[] = [];
    for (const d of due) {
      if (picked.length >= limit) break;
      if (skip.has(d.hook_id)) continue;
      skip.add(d.hook_id);
      picked.push(d.id);
    }
    const claimed: WebhookDelivery[] = [];
    for (const id of picked) {
      const row = await this.db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ locked_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .returningAll()
        .executeTakeFirst();
      if (row) claimed.push(this.openedDelivery(row));
    }
    return claimed;
  }

  /** Delivered, once: only a queued delivery turns delivered; false if it was not queued. */
  async markDelivered(id: string, now: number, status: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivered', delivered_at: now, locked_until: null, last_status: status, last_error: null })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async markRetry(id: string, nextAttemptAt: number, status: number | null, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: nextAttemptAt, locked_until: null, last_status: status, last_error: error.slice(0, 500) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  async markFailed(id: string, status: number | null, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', locked_until: null, last_status: status, last_error: error.slice(0, 500) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /** Queued deliveries due at `now` (tests and the worker's drain). */
  async dueCount(now: number): Promise<number> {
    const r = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
