/**
 * Who may act for a broker: dashboard sessions and admin API keys. Both are stored as
 * SHA-256 hashes only, so a copy of the database opens nothing.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertSession(row: { token_hash: string; broker_id: string; created_at: number; expires_at: number }) {
    await this.db.insertInto('dashboard_sessions').values(row).execute();
  }

  async findSession(tokenHash: string): Promise<{ broker_id: string; expires_at: number } | undefined> {
    const row = await this.db
      .selectFrom('dashboard_sessions')
      .select(['broker_id', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { broker_id: row.broker_id, expires_at: Number(row.expires_at) };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Housekeeping: ended sessions are of no use. */
  async sweepSessions(now: number): Promise<void> {
    await this.db.deleteFrom('dashboard_sessions').where('expires_at', '<', now).execute();
  }

  async insertApiKey(row: {
    id: string;
    key_hash: string;
    broker_id: string;
    label: string | null;
    created_at: number;
  }): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ ...row, revoked_at: null })
      .execute();
  }

  /** The broker of an active key, by the key's hash. */
  async activeKeyBroker(keyHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .select('broker_id')
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.broker_id;
  }

  /** Revokes a key; true when it was active. */
  async revokeApiKey(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
