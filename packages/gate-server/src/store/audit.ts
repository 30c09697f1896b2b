/**
 * The change log of tour settings (`tour_settings_audit`): one row per save that changed
 * something, with each changed setting's value before and after. Written in the same
 * transaction as the tour (store/managed.ts), read newest first for the tour's dashboard page.
 */
import type { Kysely } from 'kysely';
import { newId } from '../util/ids.ts';
import type { Database, TourSettingsAudit } from './schema.ts';

/** One changed setting: its path (`mode`, `fields.phone`, `customFields` …) and its values. */
export interface SettingChange {
  setting: string;
  before: unknown;
  after: unknown;
}

export interface AuditInput {
  tourId: string;
  brokerId: string;
  actorKind: TourSettingsAudit['actor_kind'];
  actor: string;
  at: number;
  changes: SettingChange[];
}

export interface AuditEntry {
  id: string;
  tourId: string;
  actorKind: TourSettingsAudit['actor_kind'];
  actor: string;
  at: number;
  changes: SettingChange[];
}

export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(e: AuditInput): Promise<void> {
    await this.db
      .insertInto('tour_settings_audit')
      .values({
        id: newId(),
        tour_id: e.tourId,
        broker_id: e.brokerId,
        actor_kind: e.actorKind,
        actor: e.actor,
        at: e.at,
        changes: JSON.stringify(e.changes),
      })
      .execute();
  }

  /** A tour's changes of one broker, newest first (ids are time-ordered: ties keep their order). */
  async list(tourId: string, brokerId: string, limit = 100): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('tour_settings_audit')
      .selectAll()
      .where('tour_id', '=', tourId)
      .where('broker_id', '=', brokerId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      tourId: r.tour_id,
      actorKind: r.actor_kind,
      actor: r.actor,
      at: Number(r.at),
      changes: JSON.parse(r.changes) as SettingChange[],
    }));
  }
}
