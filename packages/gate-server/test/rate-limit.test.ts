/** Past a rate limit: 429 with Retry-After, and no mail queued. */
import { expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration } from './fixtures.ts';
import { countRows } from './harness.ts';

const REG = '/v1/tours/musterstrasse-12/registrations';

forEachBackend('rate limits', (backend) => {
  it('limits registrations per IP', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerIp: { max: 3, windowMs: 600_000 } },
    });
    const ip = { 'x-forwarded-for': '198.51.100.1' };
    for (let i = 0; i < 3; i++)
      expect((await server.post(REG, registration(`v${i}@example.org`), ip)).status).toBe(202);
    const mailsBefore = await countRows(server, 'outbox');
    const res = await server.post(REG, registration('v9@example.org'), ip);
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBe(600);
    expect(await countRows(server, 'outbox')).toBe(mailsBefore);
    expect(await countRows(server, 'registrations')).toBe(3);
    // Another IP is not affected; the window ends and the IP may register again.
    expect((await server.post(REG, registration('w@example.org'), { 'x-forwarded-for': '198.51.100.2' })).status).toBe(
      202,
    );
    server.clock.advance(600_001);
    expect((await server.post(REG, registration('v9@example.org'), ip)).status).toBe(202);
  });

  it('limits registrations and new links per email, whatever the IP', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerEmail: { max: 2, windowMs: 3_600_000 }, linkPerEmail: { max: 1, windowMs: 3_600_000 } },
    });
    for (let i = 0; i < 2; i++) {
      expect(
        (await server.post(REG, registration('same@example.org'), { 'x-forwarded-for': `192.0.2.${i}` })).status,
      ).toBe(202);
    }
    const mails = await countRows(server, 'outbox');
    const res = await server.post(REG, registration('SAME@example.org'), { 'x-forwarded-for': '192.0.2.99' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await countRows(server, 'outbox')).toBe(mails);

    expect((await server.post('/v1/tours/musterstrasse-12/links', { email: 'same@example.org' })).status).toBe(202);
    const second = await server.post('/v1/tours/musterstrasse-12/links', { email: 'same@example.org' });
    expect(second.status).toBe(429);
    expect(await countRows(server, 'outbox')).toBe(mails + 1);
  });

  it('limits registrations per tour and unlock attempts per IP', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerTour: { max: 2, windowMs: 3_600_000 }, unlockPerIp: { max: 2, windowMs: 60_000 } },
    });
    expect((await server.post(REG, registration('a@example.org'), { 'x-forwarded-for': '192.0.2.1' })).status).toBe(
      202,
    );
    expect((await server.post(REG, registration('b@example.org'), { 'x-forwarded-for': '192.0.2.2' })).status).toBe(
      202,
    );
    expect((await server.post(REG, registration('c@example.org'), { 'x-forwarded-for': '192.0.2.3' })).status).toBe(
      429,
    );

    const guess = { token: 'A'.repeat(43) };
    expect((await server.post('/v1/unlock', guess)).status).toBe(400);
    expect((await server.post('/v1/unlock', guess)).status).toBe(400);
    const limited = await server.post('/v1/unlock', guess);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(60);
  });
});

// With SQLite the counters live in memory, per instance: sharing them is PostgreSQL's.
forEachBackend(
  'rate limits shared through the database',
  (backend) => {
    it('counts across two server instances on one database', async () => {
      const databaseUrl = await backend.database();
      const limits = { registrationPerIp: { max: 2, windowMs: 600_000 } };
      const a = await backend.start({ databaseUrl, startWorker: false, limits });
      const b = await backend.start({ databaseUrl, startWorker: false, limits });
      const ip = { 'x-forwarded-for': '198.51.100.7' };
      expect((await a.post(REG, registration('p1@example.org'), ip)).status).toBe(202);
      expect((await b.post(REG, registration('p2@example.org'), ip)).status).toBe(202);
      const third = await a.post(REG, registration('p3@example.org'), ip);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBe(600);
      expect(await countRows(a, 'outbox')).toBe(2);
    });
  },
  { only: ['postgres'] },
);
