/**
 * Opens the database a `GATE_DATABASE_URL` names: `postgres://…` → PostgreSQL through a pool,
 * anything else → an SQLite file (WAL, so readers never wait for the writer).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { DurableSqliteDialect } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The URL without a password, for logs. */
  description: string;
}

// int8 (bigint) and numeric come back from pg as strings; every bigint here is an epoch-ms
// time or a count, far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface ConnectOptions {
  /**
   * A database client lost its connection (a restart, `pg_terminate_backend`, a network cut).
   * Called instead of letting the `'error'` event end the process; the pool drops that client
   * and opens a new one for the next query.
   */
  onClientError?: (err: Error) => void;
}

export function connect(url: string, options: ConnectOptions = {}): Connection {
  const onClientError =
    options.onClientError ??
    ((err: Error) =>
      process.stderr.write(
        `${JSON.stringify({ level: 'warn', msg: 'database connection lost', error: err.message })}\n`,
      ));
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // While the database is away a request fails fast (503) instead of waiting for a client.
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    // An idle client that loses its connection is reported by the pool; a checked-out one (a
    // query under way, a transaction between two statements) emits 'error' on itself, with no
    // listener of the pool's: unhandled, that ended the process. Every client gets one for
    // its whole life; its query still rejects, and the pool discards it on release.
    pool.on('connect', (client) => client.on('error', onClientError));
    // The pool re-emits an idle client's error, which that client's own listener reported.
    pool.on('error', () => {});
    const redacted = url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      description: redacted,
    };
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  // A write we acknowledged survives a power cut, not only a process crash: the driver waits for
  // an fsync of the log after each transaction that wrote, off the event loop (sqlite-driver.ts).
  // No busy_timeout: the driver waits for another process's lock itself, off the event loop.
  database.pragma('foreign_keys = ON');
  const dialect = new DurableSqliteDialect({
    database,
    walFile: file === ':memory:' ? undefined : `${resolve(file)}-wal`,
    file: file === ':memory:' ? undefined : resolve(file),
    // A rate-limit count lost in a power cut harms nobody (PostgreSQL: synchronous_commit off).
    lazy: (sql) => sql.startsWith('insert into "rate_limits"'),
  });
  return {
    db: new Kysely<Database>({ dialect }),
    dialect: 'sqlite',
    description: file === ':memory:' ? 'sqlite (in memory)' : `sqlite ${resolve(file)}`,
  };
}
