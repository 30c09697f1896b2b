/**
 * Tours and brokers made in the dashboard or through the admin API, as JSON documents keyed by
 * id. The core validates them (`core/managed.ts`) before they get here and after they are read
 * back. Every save tells the other instances on the database (`change-feed.ts`) which tour or
 * broker changed; a tour's save writes its change-log entry in the same transaction.
 */
import type { Kysely } from 'kysely';
import { type AuditInput, AuditStore } from './audit.ts';
import { CHANNELS, type ChangeFeed } from './change-feed.ts';
import type { Database } from './schema.ts';

export interface ManagedRow {
  id: string;
  config: string;
  updated_at: number;
}

/** What the feed carries about a saved tour or broker: which one, and which instance saved it. */
export interface ManagedNote {
  kind: 'tour' | 'broker';
  id: string;
  from: string;
}

export function parseManagedNote(payload: string): ManagedNote | undefined {
  try {
    const v = JSON.parse(payload) as Partial<ManagedNote>;
    if ((v.kind === 'tour' || v.kind === 'broker') && typeof v.id === 'string' && typeof v.from === 'string') {
      return { kind: v.kind, id: v.id, from: v.from };
    }
  } catch {
    // not ours
  }
  return undefined;
}

export class ManagedStore {
  readonly audit: AuditStore;

  constructor(
    private readonly db: Kysely<Database>,
    readonly feed: ChangeFeed,
    /** This instance, so it can tell its own notes from others'. */
    readonly instance: string,
  ) {
    this.audit = new AuditStore(db);
  }

  /**
   * Runs `write` in a transaction and, if it wrote something, tells every instance about `note`
   * once it is committed. Returns what `write` returned: whether it wrote.
   */
  async #withNote(
    note: Omit<ManagedNote, 'from'>,
    write: (trx: Kysely<Database>) => Promise<boolean>,
  ): Promise<boolean> {
    const payload = JSON.stringify({ ...note, from: this.instance });
    const wrote = await this.db.transaction().execute(async (trx) => {
      if (!(await write(trx))) return false;
      if (this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload, trx);
      return true;
    });
    if (wrote && !this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload);
    return wrote;
  }

  async saveBroker(id: string, config: string, now: number): Promise<void> {
    await this.#withNote({ kind: 'broker', id }, async (trx) => {
      await trx
        .insertInto('managed_brokers')
        .values({ id, config, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ config, updated_at: now }))
        .execute();
      return true;
    });
  }

  /**
   * A new tour, with its change-log entry in the same transaction. False, and nothing written,
   * if the id is taken already — also by a tour another instance is creating at this moment: the
   * database's key decides, never a look at what this instance knows.
   */
  async createTour(id: string, brokerId: string, config: string, now: number, audit?: AuditInput): Promise<boolean> {
    return this.#withNote({ kind: 'tour', id }, async (trx) => {
      const made = await trx
        .insertInto('managed_tours')
        .values({ id, broker_id: brokerId, config, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      if (!made.length) return false;
      if (audit?.changes.length) await new AuditStore(trx).add(audit);
      return true;
    });
  }

  /**
   * Replaces a tour's settings if it still belongs to `brokerId` and still holds exactly
   * `expected` (the stored text the change was made from): a compare-and-swap, so two saves
   * made from the same version cannot both win and one silently undo the other. Its broker never
   * changes here. False, and nothing written, if the row is not (any more) as expected.
   */
  async updateTour(
    id: string,
    brokerId: string,
    config: string,
    now: number,
    expected: string,
    audit?: AuditInput,
  ): Promise<boolean> {
    return this.#replace(id, brokerId, config, now, audit, expected);
  }

  /**
   * Stores a tour as it is (for seeding and tests): a new one, or the settings of the same
   * broker's tour under that id; never another broker's. False if the id is another broker's.
   */
  async saveTour(id: string, brokerId: string, config: string, now: number, audit?: AuditInput): Promise<boolean> {
    if (await this.createTour(id, brokerId, config, now, audit)) return true;
    return this.#replace(id, brokerId, config, now, audit);
  }

  /**
   * The broker's tour `id` gets `config` (only if its stored config is still `expected`, when
   * given), with its audit entry in the same transaction; false if nothing was replaced.
   */
  #replace(
    id: string,
    brokerId: string,
    config: string,
    now: number,
    audit: AuditInput | undefined,
    expected?: string,
  ): Promise<boolean> {
    return this.#withNote({ kind: 'tour', id }, async (trx) => {
      let update = trx
        .updateTable('managed_tours')
        .set({ config, updated_at: now })
        .where('id', '=', id)
        .where('broker_id', '=', brokerId);
      if (expected !== undefined) update = update.where('config', '=', expected);
      const done = await update.returning('id').execute();
      if (!done.length) return false;
      if (audit?.changes.length) await new AuditStore(trx).add(audit);
      return true;
    });
  }

  async broker(id: string): Promise<ManagedRow | undefined> {
    const r = await this.db.selectFrom('managed_brokers').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, config: r.config, updated_at: Number(r.updated_at) };
  }

  async tour(id: string): Promise<(ManagedRow & { broker_id: string }) | undefined> {
    const r = await this.db.selectFrom('managed_tours').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, broker_id: r.broker_id, config: r.config, updated_at: Number(r.updated_at) };
  }

  /** Brokers changed after `after` (epoch ms). */
  async brokersChangedAfter(after: number): Promise<ManagedRow[]> {
    const rows = await this.db.selectFrom('managed_brokers').selectAll().where('updated_at', '>', after).execute();
    return rows.map((r) => ({ id: r.id, config: r.config, updated_at: Number(r.updated_at) }));
  }

  /** Tours changed after `after` (epoch ms). */
  async toursChangedAfter(after: number): Promise<(ManagedRow & { broker_id: string })[]> {
    const rows = await this.db.selectFrom('managed_tours').selectAll().where('updated_at', '>', after).execute();
    return rows.map((r) => ({ id: r.id, broker_id: r.broker_id, config: r.config, updated_at: Number(r.updated_at) }));
  }

  /**
   * Viewpoint ids the widget reported for a tour (its anonymous funnel events, counted per
   * viewpoint in `viewpoint_stats`), most used first.
   */
  async seenViewpoints(tourId: string, limit = 100): Promise<string[]> {
    const rows = await this.db
      .selectFrom('viewpoint_stats')
      .select((eb) => ['viewpoint', eb.fn.sum<number>('count').as('n')])
      .where('tour_id', '=', tourId)
      .groupBy('viewpoint')
      .orderBy('n', 'desc')
      .orderBy('viewpoint')
      .limit(limit)
      .execute();
    return rows.map((r) => r.viewpoint);
  }
}
