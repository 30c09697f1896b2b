/**
 * The database going away under a running server: connections terminated by the server
 * (`57P01`), a database that can't be reached, an SQLite file locked by another writer. The
 * process lives on, requests answer `503 UNAVAILABLE` with `Retry-After` (never `500`), and
 * once the database is back the same requests succeed without a restart.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { PG_ADMIN_URL, type TestServer } from './harness.ts';
import { TcpProxy, throughProxy } from './tcp-proxy.ts';

let ip = 0;
/** A registration from an address of its own (rate limits are per IP). */
function register(server: TestServer, email = `v${ip}@example.org`): Promise<Response> {
  ip++;
  return server.post('/v1/tours/musterstrasse-12/registrations', registration(email), {
    origin: TOUR_ORIGIN,
    'x-forwarded-for': `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
  });
}

async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
}

forEachBackend(
  'database connections ended by PostgreSQL',
  (backend) => {
    it('57P01 on busy and idle connections: no crash, 202 or 503 with Retry-After, then 202 again', async () => {
      const url = await backend.database();
      const server = await backend.start({ databaseUrl: url, startWorker: false });
      const dbName = new URL(url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        const statuses: number[] = [];
        for (let round = 0; round < 3; round++) {
          const load = Array.from({ length: 20 }, () => register(server));
          // "terminating connection due to administrator command" on every connection of the
          // server's pool, whether it runs a query, sits in a transaction or waits idle.
          await admin.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
            [dbName],
          );
          for (const res of await Promise.all(load)) {
            statuses.push(res.status);
            if (res.status === 503) await expectUnavailable(res);
            else expect(res.status).toBe(202);
          }
        }
        expect(statuses).toHaveLength(60);
        // The pool reconnects on its own.
        expect((await register(server)).status).toBe(202);
        expect((await server.get('/readyz')).status).toBe(200);
      } finally {
        await admin.end();
      }
    });

    it('an unreachable database: 503 UNAVAILABLE with Retry-After, /readyz 503; back: 202', async () => {
      const url = await backend.database();
      const target = new URL(url);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.start();
      try {
        const server = await backend.start({ databaseUrl: throughProxy(url, proxy.port), startWorker: false });
        expect((await register(server)).status).toBe(202);

        await proxy.cut();
        // Pooled connections reset, new ones refused.
        await expectUnavailable(await register(server));
        await expectUnavailable(await register(server));
        expect((await server.get('/readyz')).status).toBe(503);

        await proxy.restore();
        expect((await register(server)).status).toBe(202);
        expect((await server.get('/readyz')).status).toBe(200);
      } finally {
        await proxy.cut();
      }
    });
  },
  { only: ['postgres'] },
);

forEachBackend(
  'an SQLite file locked by another writer',
  (backend) => {
    it('a write waits for the lock without holding up other requests; still locked after 5 s: 503 with Retry-After, not 500; unlocked: 202', async () => {
      const file = await backend.database({ shared: true });
      const server = await backend.start({ databaseUrl: file, startWorker: false });
      const other = new SQLite(file);
      try {
        other.exec('begin immediate');
        // The registration waits for the lock off the event loop: other requests are answered meanwhile.
        let registered = false;
        const waiting = register(server).then((res) => {
          registered = true;
          return res;
        });
        const config = await server.get('/v1/tours/musterstrasse-12/gate', { origin: TOUR_ORIGIN });
        expect(config.status).toBe(200);
        expect(registered).toBe(false);
        await expectUnavailable(await waiting);
        other.exec('rollback');
        expect((await register(server)).status).toBe(202);
      } finally {
        other.close();
      }
    }, 20_000);
  },
  { only: ['sqlite'] },
);

describe('isDatabaseUnavailable', () => {
  it('knows a query fault from a database that is away', async () => {
    const { isDatabaseUnavailable } = await import('../src/store/store.ts');
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('syntax error'))).toBe(false);
  });
});
