/**
 * The SQLite driver's group commit and checkpointing thread (store/sqlite-driver.ts), on a real
 * database file: a write resumes its caller only after an fsync of the log that it waited for,
 * concurrent writes share fsyncs, reads and rolled-back or lazy writes wait for none, a
 * connection let go early is taken back before it is used again, and the log is copied into the
 * database file by the thread while the server's connection never checkpoints, and another
 * connection's write lock is waited for off the event loop.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableSqliteDialect } from '../src/store/sqlite-driver.ts';

interface Db {
  items: { id: number; v: string };
  rate_limits: { key: string; count: number };
}

const opened: { db: Kysely<Db>; dir: string }[] = [];
afterEach(async () => {
  for (const { db, dir } of opened.splice(0)) {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-durable-'));
  const file = join(dir, 'db.sqlite');
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  const dialect = new DurableSqliteDialect({
    database,
    walFile: `${file}-wal`,
    file,
    lazy: (q) => q.startsWith('insert into "rate_limits"'),
  });
  const db = new Kysely<Db>({ dialect });
  opened.push({ db, dir });
  await sql`create table items (id integer primary key, v text not null)`.execute(db);
  await sql`create table rate_limits (key text primary key, count integer not null)`.execute(db);
  return { db, dialect, database, file };
}

describe('durable SQLite driver', () => {
  it('resumes a write only after an fsync of the log; a read, a rollback and a lazy write wait for none', async () => {
    const { db, dialect, database } = await open();
    expect(database.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: the driver syncs
    const before = { ...dialect.durability };
    await db.insertInto('items').values({ id: 1, v: 'a' }).execute();
    expect(dialect.durability.fsyncs).toBeGreaterThan(before.fsyncs);
    expect(dialect.durability.waits).toBe(before.waits + 1);

    const afterWrite = { ...dialect.durability };
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([{ id: 1, v: 'a' }]);
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, v: 'b' }).execute();
        throw new Error('changed my mind');
      })
      .catch(() => {});
    await db.insertInto('rate_limits').values({ key: 'k', count: 1 }).execute();
    expect(dialect.durability).toEqual(afterWrite);
    expect(await db.selectFrom('items').select('id').execute()).toEqual([{ id: 1 }]);
    expect(await db.selectFrom('rate_limits').select('count').execute()).toEqual([{ count: 1 }]);

    // A transaction that wrote waits once, at its commit; one that only read, not at all.
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 3, v: 'c' }).execute();
      await trx.insertInto('items').values({ id: 4, v: 'd' }).execute();
    });
    expect(dialect.durability.waits).toBe(afterWrite.waits + 1);
    await db.transaction().execute((trx) => trx.selectFrom('items').selectAll().execute());
    expect(dialect.durability.waits).toBe(afterWrite.waits + 1);
  });

  it('lets 300 concurrent writes share fsyncs, and loses none of them', async () => {
    const { db, dialect } = await open();
    const before = dialect.durability.fsyncs;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        i % 2
          ? db
              .insertInto('items')
              .values({ id: i, v: `single ${i}` })
              .execute()
          : db.transaction().execute((trx) =>
              trx
                .insertInto('items')
                .values({ id: i, v: `tx ${i}` })
                .execute(),
            ),
      ),
    );
    const fsyncs = dialect.durability.fsyncs - before;
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(300);
    const { n } = await db
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(300);
  });

  it('takes the connection back before a query on a connection it let go early (no query lands in another transaction)', async () => {
    const { db } = await open();
    await db.connection().execute(async (conn) => {
      await conn.insertInto('items').values({ id: 1, v: 'first' }).execute();
      // Meanwhile someone else's transaction may start; this next write must not land in it.
      const other = db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('items').values({ id: 2, v: 'other' }).execute();
          throw new Error('rolled back');
        })
        .catch((error: Error) => error.message);
      await conn.insertInto('items').values({ id: 3, v: 'second' }).execute();
      expect(await other).toBe('rolled back');
    });
    expect(await db.selectFrom('items').select('id').orderBy('id').execute()).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('copies the log into the database file on its own thread; the connection never checkpoints', async () => {
    const { db, database, file } = await open();
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 20; i++) {
      await db
        .insertInto('items')
        .values(Array.from({ length: 100 }, (_, j) => ({ id: i * 100 + j, v: big })))
        .execute();
    }
    // 2,000 rows of 4 KB: about 8 MB, written to the log first, then into the file by the thread.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < 8_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(statSync(file).size).toBeGreaterThan(8_000_000);
  });

  it("waits for another connection's write lock off the event loop, for a transaction and a single write", async () => {
    const { db, dialect, file } = await open();
    const other = new SQLite(file);
    try {
      for (const write of [
        () =>
          db.transaction().execute((tx) => tx.insertInto('items').values({ id: 10, v: 'in a transaction' }).execute()),
        () => db.insertInto('items').values({ id: 11, v: 'alone' }).execute(),
      ]) {
        other.exec('begin immediate');
        const before = dialect.durability.busyRetries;
        // The lock is let go from a timer: only an event loop that runs while the write waits lets it fire.
        let timerRan = false;
        setTimeout(() => {
          timerRan = true;
          other.exec('commit');
        }, 100);
        await write();
        expect(timerRan).toBe(true);
        expect(dialect.durability.busyRetries).toBeGreaterThan(before);
      }
      expect((await db.selectFrom('items').select('id').where('id', '>=', 10).execute()).map((r) => r.id)).toEqual([
        10, 11,
      ]);
    } finally {
      other.close();
    }
  });
});
