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

  /** Runs `write` in a transaction and tells every instance about `note` once it is committed. */
  async #withNote(note: Omit<ManagedNote, 'from'>, write: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    const payload = JSON.stringify({ ...note, from: this.instance });
    await this.db.transaction().execute(async (trx) => {
      await write(trx);
      if (this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload, trx);
    });
    if (!this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload);
  }

  async saveBroker(id: string, config: string, now: number): Promise<void> {
    await this.#withNote({ kind: 'broker', id }, async (trx) => {
      await trx
        .insertInto('managed_brokers')
        .values({ id, config, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ config, updated_at: now }))
        .execute();
    });
  }

  /** Saves a tour; with `audit`, its change-log entry in the same transaction. */
  async saveTour(id: string, brokerId: string, config: string, now: number, audit?: AuditInput): Promise<void> {
    await this.#withNote({ kind: 'tour', id }, async (trx) => {
      await trx
        .insertInto('managed_tours')
        .values({ id, broker_id: brokerId, config, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ broker_id: brokerId, config, updated_at: now }))
        .execute();
      if (audit?.changes.length) await new AuditStore(trx).add(audit);
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
