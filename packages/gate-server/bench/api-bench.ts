/**
 * Throughput of the hot endpoints, in process (app.request, no sockets), on SQLite and on
 * PostgreSQL: registrations (validation + transaction + link + mail in the outbox), unlock
 * (redeem + JWT), access checks and the cached gate config.
 *
 *   pnpm --filter @tour-gate/gate-server bench:api [count]
 */
import { performance } from 'node:perf_hooks';
import { DevMailbox } from '../src/mail/transport.ts';
import { registration } from '../test/fixtures.ts';
import { startTestServer, type TestServer, tempPostgres } from '../test/harness.ts';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 8;
const unlimited = { max: 1e9, windowMs: 60_000 };

async function run(label: string, count: number, fn: (i: number) => Promise<void>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await fn(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(2);
  console.log(
    `  ${label.padEnd(22)} ${String(count).padStart(6)} req  ${(count / secs).toFixed(0).padStart(6)}/s  p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`,
  );
}

async function bench(name: string, server: TestServer): Promise<void> {
  console.log(`${name}:`);
  await run('GET gate config', N, async () => {
    const r = await server.get('/v1/tours/musterstrasse-12/gate');
    if (r.status !== 200) throw new Error(String(r.status));
  });
  await run('POST registrations', N, async (i) => {
    const r = await server.post('/v1/tours/musterstrasse-12/registrations', registration(`bench${i}@example.org`));
    if (r.status !== 202) throw new Error(`${r.status} ${await r.text()}`);
  });
  const mails = await server.store.outbox.list(N);
  const tokens = mails.map((m) => /#tour-gate-unlock=([\w-]+)/.exec(m.text_body)![1]!);
  const access: string[] = [];
  await run('POST unlock', tokens.length, async (i) => {
    const r = await server.post('/v1/unlock', { token: tokens[i] });
    if (r.status !== 200) throw new Error(String(r.status));
    access.push(((await r.json()) as { accessToken: string }).accessToken);
  });
  await run('GET access', access.length, async (i) => {
    const r = await server.get('/v1/tours/musterstrasse-12/access', { authorization: `Bearer ${access[i]}` });
    if (r.status !== 200) throw new Error(String(r.status));
  });
}

const limits = {
  registrationPerIp: unlimited,
  registrationPerTour: unlimited,
  registrationPerNetwork: unlimited,
  registrationPerEmail: unlimited,
  unlockPerIp: unlimited,
};
const transport = new DevMailbox();
console.log(`tour-gate API benchmark: ${N} requests per endpoint, ${CONCURRENCY} concurrent, Node ${process.version}`);

const sqliteDir = `${process.env.TMPDIR ?? '/tmp'}/tour-gate-bench-${process.pid}.sqlite`;
const sqlite = await startTestServer({ databaseUrl: sqliteDir, limits, transport, startWorker: false });
await bench('SQLite (file, WAL, synchronous=FULL)', sqlite);
await sqlite.close();

const pg = await tempPostgres();
const pgServer = await startTestServer({ databaseUrl: pg.url, limits, transport, startWorker: false });
await bench('PostgreSQL', pgServer);
await pgServer.close();
await pg.drop();
