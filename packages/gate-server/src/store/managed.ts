/**
 * Tours and brokers created through the admin API, as JSON documents keyed by id. The core
 * validates them (`core/managed.ts`) before they get here and after they are read back.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface ManagedRow {
  id: string;
  config: string;
  updated_at: number;
}

export class ManagedStore {
  constructor(private readonly db: Kysely<Database>) {}

  async saveBroker(id: string, config: string, now: number): Promise<void> {
    await this.db
      .insertInto('managed_brokers')
      .values({ id, config, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ config, updated_at: now }))
      .execute();
  }

  async saveTour(id: string, brokerId: string, config: string, now: number): Promise<void> {
    await this.db
      .insertInto('managed_tours')
      .values({ id, broker_id: brokerId, config, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ broker_id: brokerId, config, updated_at: now }))
      .execute();
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
}
