/**
 * SQLite for Kysely on better-sqlite3, durable without stalling the server: group commit.
 *
 * better-sqlite3 is synchronous. With `synchronous = FULL` every commit waits for the disk
 * (fsync of the write-ahead log) on the event loop: 2.9 ms per commit on a loaded machine, 2.5
 * commits per registration, during which the server answered nobody (issue 13: 7.3 ms of every
 * registration). Here the connection runs with `synchronous = NORMAL` (in WAL mode a commit
 * writes its frames to the log and SQLite stays consistent after any crash), and a write is
 * made durable the way FULL would, by an fsync of the log, but on libuv's thread pool and
 * shared: the caller of a transaction that wrote (or of a single write) resumes only once an
 * fsync that began after its commit has ended, so nothing acknowledged to a client can be lost
 * in a power cut. Meanwhile the connection serves other queries, and every commit that lands
 * while one fsync runs is made durable by the next one.
 *
 * Checkpoints (copying the log into the database file, with two fsyncs) ran inside whichever
 * commit crossed 1,000 pages of log, stalling the server for up to 38 ms: they run on a worker
 * thread with its own connection instead (`PASSIVE`: they never block a reader or a writer).
 *
 * Another process's write lock (`tour-gate worker`, a CLI command on the same file) is waited for
 * off the event loop: SQLite's own busy handler sleeps inside the call, so a server waiting 5 ms
 * for the lock answered nobody for 5 ms (and for 5 s while a lock was held that long). The
 * connection answers busy at once instead (`busy_timeout = 0`), and the driver tries again after
 * a pause of 1, 2, 4 … 25 ms while other requests are served, for up to 5 s in all; then the
 * database counts as unavailable (503 with Retry-After).
 *
 * Writes whose loss harms nobody (`lazy`: rate-limit counters) don't wait. Statements are
 * prepared once per SQL text (Kysely's own driver prepares every query again: 6 % of a
 * registration's profile) unless the kept one is still being read by a streamed query.
 */
import { close, fsync, open } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
} from 'kysely';

/** Prepared statements kept; a query whose SQL varies (a list of n values) can't keep more. */
const STATEMENTS_KEPT = 500;

export interface DurableSqliteOptions {
  database: SQLite.Database;
  /** The write-ahead log to fsync (`<file>-wal`); none for an in-memory database. */
  walFile: string | undefined;
  /** Writes that need not wait for the disk, by their SQL. */
  lazy?: (sql: string) => boolean;
  /** The database file, for the checkpointing thread; none for an in-memory database. */
  file: string | undefined;
}

/** How long a statement waits for another process's write lock before the database counts as away. */
const BUSY_WAIT_MS = 5_000;

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
};

/** How often the checkpointing thread copies the log into the database file. */
const CHECKPOINT_EVERY_MS = 1_000;

/** The checkpointing thread (CommonJS, evaluated: no file of its own to find in a built package). */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Starts the checkpointing thread for \`file\`; the main connection then leaves checkpoints to it.
 * If the thread can't run, the connection checkpoints by itself again, as SQLite does by default.
 */
function startCheckpointer(database: SQLite.Database, file: string): { stop(): Promise<void> } {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  worker.unref();
  database.pragma('wal_autocheckpoint = 0');
  const fallBack = () => {
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  worker.on('message', (m: { error?: string }) => {
    if (m.error) process.emitWarning(`SQLite checkpoint failed: ${m.error}`);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held while it stops: with nothing else keeping the event loop alive (a CLI command
      // closing its store), Node would otherwise end the process here, mid-close, with code 0.
      worker.ref();
      worker.postMessage('stop');
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/** Kysely's SQLite dialect (compiler, adapter, introspector) with the driver below. */
export class DurableSqliteDialect extends SqliteDialect {
  readonly #options: DurableSqliteOptions;
  /**
   * fsyncs of the log begun, writes that waited for one, and tries again after another process's
   * lock (tests and the bench read them).
   */
  readonly durability = { fsyncs: 0, waits: 0, busyRetries: 0 };
  constructor(options: DurableSqliteOptions) {
    super({ database: options.database });
    this.#options = options;
  }
  override createDriver(): Driver {
    return new DurableSqliteDriver(this.#options, this.durability);
  }
}

/**
 * One fsync of a file at a time; callers during one wait for the next (their writes may have missed
 * it). The file stays open between fsyncs: one trip to libuv's thread pool per fsync, not three
 * (open, fsync, close), which every acknowledged write waits for.
 */
class FileSync {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #fd: number | undefined;
  constructor(
    private readonly file: string,
    private readonly counts: { fsyncs: number },
  ) {}

  /** Resolves once an fsync of the file that began after this call has ended. */
  sync(): Promise<void> {
    if (!this.#running) return this.#start();
    this.#next ??= this.#running.then(
      () => this.#afterRunning(),
      () => this.#afterRunning(),
    );
    return this.#next;
  }

  /** Closes the file once the fsync under way (if any) has ended. */
  async close(): Promise<void> {
    await this.#running?.catch(() => {});
    await this.#next?.catch(() => {});
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }

  #afterRunning(): Promise<void> {
    this.#next = undefined;
    return this.#start();
  }

  #start(): Promise<void> {
    this.counts.fsyncs++;
    const run = new Promise<void>((resolve, reject) => {
      const flush = (fd: number) =>
        fsync(fd, (err) => {
          if (!err) return resolve();
          // Opened anew next time (fsync flushes the file, whichever descriptor asks).
          if (this.#fd === fd) this.#fd = undefined;
          close(fd, () => reject(err));
        });
      if (this.#fd !== undefined) return flush(this.#fd);
      open(this.file, 'r', (err, fd) => {
        if (err) return reject(err);
        this.#fd = fd;
        flush(fd);
      });
    });
    this.#running = run;
    const done = () => {
      if (this.#running === run) this.#running = undefined;
    };
    run.then(done, done);
    return run;
  }
}

/** Waits until the mutex is free, then holds it. */
class Mutex {
  #held: Promise<void> | undefined;
  #release: (() => void) | undefined;
  async lock(): Promise<void> {
    while (this.#held) await this.#held;
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }
  unlock(): void {
    const release = this.#release;
    this.#held = undefined;
    this.#release = undefined;
    release?.();
  }
}

/** One acquisition of the single connection: what it did, and whether it let go of the mutex early. */
class Lease implements DatabaseConnection {
  inTransaction = false;
  wrote = false;
  /** Let go before the caller's release, to wait for the disk without holding up other queries. */
  released = false;
  constructor(private readonly driver: DurableSqliteDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Used again after letting go early: take the connection back first.
    if (this.released) {
      await this.driver.mutex.lock();
      this.released = false;
    }
    let result: { answer: QueryResult<R>; wrote: boolean };
    try {
      result = this.driver.run<R>(query);
    } catch (err) {
      // Within a transaction the write lock is already ours (`begin immediate`).
      if (this.inTransaction || !isBusy(err)) throw err;
      result = await this.driver.whileBusy(() => this.driver.run<R>(query));
    }
    if (result.wrote && !this.driver.isLazy(query.sql)) {
      if (this.inTransaction) this.wrote = true;
      else await this.driver.durable(this);
    }
    return result.answer;
  }

  /** Transaction control (begin, commit, savepoints): never a write of its own, never waits for the disk. */
  async control(sql: string): Promise<void> {
    if (this.released) {
      await this.driver.mutex.lock();
      this.released = false;
    }
    const statement = this.driver.prepare(sql);
    try {
      statement.run();
    } catch (err) {
      // Only a transaction's begin waits for another process's lock; a commit in WAL mode holds it.
      if (!isBusy(err) || !sql.startsWith('begin')) throw err;
      await this.driver.whileBusy(() => statement.run());
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('SQLite streams only select queries');
    if (this.released) {
      await this.driver.mutex.lock();
      this.released = false;
    }
    const statement = this.driver.prepare(query.sql);
    for (const row of statement.iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }
}

class DurableSqliteDriver implements Driver {
  readonly mutex = new Mutex();
  readonly #db: SQLite.Database;
  readonly #sync: FileSync | undefined;
  readonly #lazy: (sql: string) => boolean;
  readonly #kept = new Map<string, SQLite.Statement>();
  readonly #file: string | undefined;
  #checkpointer: { stop(): Promise<void> } | undefined;

  readonly #counts: { fsyncs: number; waits: number; busyRetries: number };

  constructor(options: DurableSqliteOptions, counts: { fsyncs: number; waits: number; busyRetries: number }) {
    this.#db = options.database;
    this.#counts = counts;
    this.#sync = options.walFile === undefined ? undefined : new FileSync(options.walFile, counts);
    this.#lazy = options.lazy ?? (() => false);
    this.#file = options.file;
    // Durability comes from FileSync; a commit itself only writes the log.
    if (this.#sync) this.#db.pragma('synchronous = NORMAL');
    // Busy at once: the driver waits for another process's lock itself, off the event loop.
    this.#db.pragma('busy_timeout = 0');
  }

  async init(): Promise<void> {
    if (this.#file !== undefined) this.#checkpointer = startCheckpointer(this.#db, this.#file);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // Immediate: the write lock is taken (or waited for, busy_timeout) at the start. A deferred
    // transaction that reads, then writes after another process (`tour-gate worker`, a second
    // instance) wrote, fails at once with SQLITE_BUSY, whatever the timeout.
    await (connection as Lease).control('begin immediate');
    (connection as Lease).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    lease.inTransaction = false;
    await lease.control('commit');
    if (lease.wrote) await this.durable(lease);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    lease.inTransaction = false;
    lease.wrote = false;
    await lease.control('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as Lease).control(`savepoint "${name.replaceAll('"', '""')}"`);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as Lease).control(`rollback to "${name.replaceAll('"', '""')}"`);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as Lease).control(`release "${name.replaceAll('"', '""')}"`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    await this.#checkpointer?.stop();
    await this.#sync?.close();
    // Whatever a lazy write left unsynced goes to the disk with the close's checkpoint.
    this.#db.close();
  }

  isLazy(sql: string): boolean {
    return this.#lazy(sql);
  }

  prepare(sql: string): SQLite.Statement {
    const known = this.#kept.get(sql);
    if (known && !known.busy) return known;
    const statement = this.#db.prepare(sql);
    if (!known && this.#kept.size >= STATEMENTS_KEPT) this.#kept.delete(this.#kept.keys().next().value as string);
    this.#kept.set(sql, statement);
    return statement;
  }

  /** Runs one statement; `wrote` when it may have changed the database. */
  run<R>(query: CompiledQuery): { answer: QueryResult<R>; wrote: boolean } {
    const statement = this.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    // `readonly` is SQLite's own word on the statement (`insert … returning` reads and writes).
    if (statement.reader) return { answer: { rows: statement.all(parameters) as R[] }, wrote: !statement.readonly };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      answer: {
        numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
        insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
        rows: [],
      },
      wrote: !statement.readonly,
    };
  }

  /**
   * Tries `attempt` again while another process holds the lock, pausing 1, 2, 4 … 25 ms between
   * tries (the event loop serves others meanwhile), for up to `BUSY_WAIT_MS`; then the last busy
   * error stands (the store reports the database unavailable: 503).
   */
  async whileBusy<T>(attempt: () => T): Promise<T> {
    const deadline = performance.now() + BUSY_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      this.#counts.busyRetries++;
      await new Promise((resolve) => setTimeout(resolve, pause));
      try {
        return attempt();
      } catch (err) {
        if (!isBusy(err) || performance.now() >= deadline) throw err;
      }
    }
  }

  /** Lets go of the connection (other queries go on) and waits until the log is on the disk. */
  async durable(lease: Lease): Promise<void> {
    if (!this.#sync) return;
    await this.releaseConnection(lease);
    this.#counts.waits++;
    await this.#sync.sync();
  }
}
