/**
 * The tour change feed (store/change-feed.ts) when PostgreSQL goes away: two gate-servers on a
 * PostgreSQL server of the suite's own, which is fast-stopped (every session ends with 57P01,
 * the LISTEN connections too) and started again. Neither server dies; once the database is back
 * the listening connections come back on their own, the other instance reads what changed, and
 * the next change travels by NOTIFY again. Figures are printed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOUR_ORIGIN } from '../fixtures.ts';
import { startTestServer, type TestServer } from '../harness.ts';
import { figure, OwnPostgres, sleep } from './cluster.ts';

const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';
const own = new OwnPostgres();
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  await own.init();
  const url = await own.createDatabase('feed');
  a = await startTestServer({ databaseUrl: url, startWorker: false });
  b = await startTestServer({ databaseUrl: url, startWorker: false });
  a.deps.env.adminKey = PLATFORM;
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  own.destroy();
});

const save = (title: string) =>
  a.app.request('/v1/admin/tours/feed-tour', {
    method: 'PUT',
    headers: { authorization: `Bearer ${PLATFORM}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'feed-tour',
      broker: 'mueller',
      title,
      pageUrl: `${TOUR_ORIGIN}/feed-tour`,
      consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
    }),
  });
const titleOnB = () => b.deps.tours.find('feed-tour')?.config.title;

it('tour changes reach the other instance again after PostgreSQL restarted', async () => {
  expect((await save('vorher')).status).toBe(201);
  await expect.poll(titleOnB, { timeout: 5_000, interval: 10 }).toBe('vorher');

  own.stop();
  // Both servers go on while the database is away (their feeds retry, up to every 5 s).
  await sleep(3_000);
  expect((await b.get('/v1/tours/feed-tour/gate')).status).toBe(200);
  await own.start();
  const back = performance.now();
  // The first save that the database takes; its note may reach nobody (no one listens yet):
  // the reload after the reconnect brings it.
  await expect.poll(async () => (await save('nachher')).status, { timeout: 20_000, interval: 100 }).toBe(200);
  await expect.poll(titleOnB, { timeout: 10_000, interval: 10 }).toBe('nachher');
  figure(
    'change feed: other instance has the change after PostgreSQL came back',
    `${(performance.now() - back).toFixed(0)} ms`,
  );

  const started = performance.now();
  expect((await save('wieder per NOTIFY')).status).toBe(200);
  await expect.poll(titleOnB, { timeout: 5_000, interval: 5 }).toBe('wieder per NOTIFY');
  figure('change feed: next change on the other instance', `${(performance.now() - started).toFixed(0)} ms`);
}, 60_000);
