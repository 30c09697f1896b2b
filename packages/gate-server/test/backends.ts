/**
 * One way to run a server suite on every store backend: `forEachBackend(name, (backend) => …)`
 * declares the suite once per backend, SQLite and PostgreSQL, each on fresh databases.
 *
 * A database (and a server started on it) belongs to where it was made:
 * - in `beforeAll` (or the suite's body): to the suite, closed and dropped in its `afterAll`;
 * - in a test or a `beforeEach`: to that test, closed and dropped in `afterEach`.
 * Nothing is dropped inside a test body, so a failing assertion leaves no database behind.
 *
 * @example
 * ```ts
 * forEachBackend('erasure', (backend) => {
 *   let server: TestServer;
 *   beforeAll(async () => { server = await backend.start({ startWorker: false }); });
 *   it('…', async () => { const other = await backend.start(); … });
 * });
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions, tempPostgres } from './harness.ts';

export type BackendKind = 'sqlite' | 'postgres';

export const BACKENDS: readonly BackendKind[] = ['sqlite', 'postgres'];

const LABEL: Record<BackendKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export interface Backend {
  readonly kind: BackendKind;
  /** `SQLite` or `PostgreSQL`, as in the suite's name. */
  readonly label: string;
  /**
   * A fresh, empty database. SQLite: `:memory:` (one server's own), or with `shared` a file in
   * a temporary folder that several servers or processes can open. PostgreSQL: a new database.
   */
  database(options?: { shared?: boolean }): Promise<string>;
  /**
   * A test server on this backend: on a fresh database unless `databaseUrl` names one made by
   * `database()`. Closed with the suite or the test that started it, if it was not before.
   */
  start(options?: TestServerOptions): Promise<TestServer>;
}

export interface ForEachBackendOptions {
  /**
   * Runs the suite on these backends only. For what only one backend has, e.g. several server
   * instances sharing rate-limit counters (SQLite counts in memory, per instance).
   */
  only?: readonly BackendKind[];
}

type Cleanup = () => Promise<void> | void;

export function forEachBackend(
  name: string,
  body: (backend: Backend) => void,
  options: ForEachBackendOptions = {},
): void {
  const kinds = BACKENDS.filter((k) => !options.only || options.only.includes(k));
  for (const kind of kinds) {
    describe(`${name} on ${LABEL[kind]}`, () => {
      const suite: Cleanup[] = [];
      const test: Cleanup[] = [];
      let inTest = false;
      const own = (c: Cleanup) => (inTest ? test : suite).push(c);

      // Registered first: with vitest's stacked hooks these `after…` run after the suite's own.
      beforeEach(() => {
        inTest = true;
      });
      afterEach(async () => {
        inTest = false;
        await runCleanups(test);
      });
      afterAll(async () => {
        await runCleanups(suite);
      });

      const backend: Backend = {
        kind,
        label: LABEL[kind],
        async database(o = {}) {
          if (kind === 'postgres') {
            const pg = await tempPostgres();
            own(pg.drop);
            return pg.url;
          }
          if (!o.shared) return ':memory:';
          const dir = mkdtempSync(join(tmpdir(), 'tour-gate-test-'));
          own(() => rmSync(dir, { recursive: true, force: true }));
          return join(dir, 'gate.sqlite');
        },
        async start(o = {}) {
          const databaseUrl = o.databaseUrl ?? (await backend.database());
          const server = await startTestServer({ ...o, databaseUrl });
          // A test may close its server itself; closing twice would end the pool twice.
          const close = server.close;
          let closing: Promise<void> | undefined;
          server.close = () => {
            closing ??= close();
            return closing;
          };
          own(() => server.close());
          return server;
        },
      };
      body(backend);
    });
  }
}

/** Runs cleanups newest first (servers before their databases), all of them even if one fails. */
async function runCleanups(list: Cleanup[]): Promise<void> {
  const errors: unknown[] = [];
  for (const c of list.splice(0).reverse()) {
    try {
      await c();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'cleanup failed');
}
