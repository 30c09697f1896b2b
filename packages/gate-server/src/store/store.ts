/**
 * `GateStore`: the one storage interface of gate-server, on Kysely, for SQLite and PostgreSQL.
 * Nothing outside `store/` sees Kysely. The store is split by aggregate:
 *
 * - registrations, links, access tokens, logbook, counters: the methods of `StoreOps`, which
 *   `GateStore` extends and `transaction` hands to a use case;
 * - `outbox`: the mail queue as the worker sees it;
 * - `accounts`: dashboard sessions and admin API keys;
 * - `managed`: tours and brokers created through the admin API;
 * - `leads` and `statistics`: what the dashboard, the admin API and the CLI read;
 * - `erasure`: forgetting visitors;
 * - `webhooks` (from `StoreOps`): brokers' webhooks and their delivery queue;
 * - `rateLimits`: counters shared by every instance on one PostgreSQL database;
 * - `embedOrigins`: which origins loaded a tour's widget, allowed or refused (counts).
 *
 * Every change that must not be half-done goes through `transaction`.
 */
import { type Kysely, sql } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import { newId } from '../util/ids.ts';
import { AccountStore } from './accounts.ts';
import { type ChangeFeed, type ChangeFeedOptions, createChangeFeed } from './change-feed.ts';
import { type Connection, type ConnectOptions, connect } from './connect.ts';
import { EmbedOriginStore } from './embed-origins.ts';
import { ErasureStore } from './erasure.ts';
import { LeadStore } from './leads.ts';
import { ManagedStore } from './managed.ts';
import { migrateToLatest } from './migrations.ts';
import { OutboxStore } from './outbox.ts';
import { ProfileStore } from './profile.ts';
import { RateLimitStore } from './rate-limits.ts';
import { StoreOps } from './registrations.ts';
import type { Database } from './schema.ts';
import { StatisticsStore } from './statistics.ts';

export { isUniqueViolation, StoreOps } from './registrations.ts';
export { isDatabaseUnavailable } from './unavailable.ts';

export class GateStore extends StoreOps {
  readonly description: string;
  readonly outbox: OutboxStore;
  readonly accounts: AccountStore;
  readonly managed: ManagedStore;
  readonly leads: LeadStore;
  readonly statistics: StatisticsStore;
  readonly erasure: ErasureStore;
  readonly rateLimits: RateLimitStore;
  readonly embedOrigins: EmbedOriginStore;
  /** Brokers' profiles and logos (store/profile.ts). */
  readonly profiles: ProfileStore;
  /** Tells every instance on this database what changed (store/change-feed.ts). */
  readonly changes: ChangeFeed;
  readonly #conn: Connection;

  /**
   * `sealer` seals mail bodies at rest; a store without one would keep them readable. `url`:
   * the PostgreSQL database's, for the change feed's own listening connection.
   */
  constructor(conn: Connection, sealer: Sealer, url?: string, feedOptions: ChangeFeedOptions = {}) {
    super(conn.db, conn.dialect, sealer);
    this.#conn = conn;
    this.description = conn.description;
    this.changes =
      conn.dialect === 'postgres' && url
        ? createChangeFeed({ dialect: 'postgres', db: conn.db, url }, feedOptions)
        : createChangeFeed(
            conn.description.includes('in memory')
              ? { dialect: 'sqlite' }
              : { dialect: 'sqlite', key: conn.description },
          );
    this.outbox = new OutboxStore(conn.db, conn.dialect, sealer);
    this.accounts = new AccountStore(conn.db);
    this.managed = new ManagedStore(conn.db, this.changes, newId());
    this.leads = new LeadStore(conn.db);
    this.statistics = new StatisticsStore(conn.db);
    this.erasure = new ErasureStore(conn.db, sealer);
    this.rateLimits = new RateLimitStore(conn.db, conn.dialect);
    this.embedOrigins = new EmbedOriginStore(conn.db);
    this.profiles = new ProfileStore(conn.db, this.changes, this.managed.instance);
  }

  /**
   * The Kysely instance, for tests that inspect tables and benchmarks that bulk-fill them.
   * Production code reads and writes through the methods above (the dependency rules keep
   * Kysely inside `store/`).
   */
  get raw(): Kysely<Database> {
    return this.#conn.db;
  }

  static open(url: string, options: { sealer: Sealer; feed?: ChangeFeedOptions } & ConnectOptions): GateStore {
    return new GateStore(connect(url, options), options.sealer, url, options.feed);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.#conn.db);
  }

  /** Runs `fn` in one transaction: all of it lands, or none of it. */
  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    return this.#conn.db.transaction().execute((trx) => fn(new StoreOps(trx, this.dialect, this.sealer)));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#conn.db);
  }

  async close(): Promise<void> {
    await this.changes.close();
    await this.#conn.db.destroy();
  }
}
