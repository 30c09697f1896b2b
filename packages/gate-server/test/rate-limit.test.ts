/** Past a rate limit: 429 with Retry-After, and no mail queued. */
import { expect, it } from 'vitest';
import { HCaptchaVerifier } from '../src/security/captcha.ts';
import { forEachBackend } from './backends.ts';
import { CaptchaStandin, STANDIN_SECRET } from './captcha-standin.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { countRows, type TestServer } from './harness.ts';

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

forEachBackend('rate limits against rotation and floods', (backend) => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const post = (server: TestServer, email: string, ip: string) => server.post(REG, registration(email), from(ip));

  it('counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerIp: { max: 3, windowMs: 600_000 } },
    });
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2:ffff::2', '2001:db8:1:2:abcd:1234:5678:9abc'])
      expect((await post(server, `${ip.replaceAll(':', '-')}@example.org`, ip)).status).toBe(202);
    const rotated = await post(server, 'rotated@example.org', '2001:0db8:0001:0002:0000:0000:0000:0099');
    expect(rotated.status).toBe(429);
    expect(Number(rotated.headers.get('retry-after'))).toBe(600);
    expect((await post(server, 'next64@example.org', '2001:db8:1:3::1')).status).toBe(202);

    for (const ip of ['198.51.100.7', '::ffff:198.51.100.7', '::ffff:c633:6407'])
      expect((await post(server, `m${ip.length}@example.org`, ip)).status).toBe(202);
    expect((await post(server, 'mapped@example.org', '198.51.100.7')).status).toBe(429);
  });

  it('counts sub-addresses, case and Gmail dots as one mailbox; stores and mails the address as typed', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerEmail: { max: 2, windowMs: 3_600_000 }, linkPerEmail: { max: 1, windowMs: 3_600_000 } },
    });
    expect((await post(server, 'Victim+1@Gmail.com', '192.0.2.1')).status).toBe(202);
    expect((await post(server, 'v.i.c.t.i.m+2@googlemail.com', '192.0.2.2')).status).toBe(202);
    const third = await post(server, 'vic.tim+3@gmail.com', '192.0.2.3');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other providers: the sub-address counts, dots don't (they make another mailbox).
    expect((await post(server, 'anna+a@example.org', '192.0.2.4')).status).toBe(202);
    expect((await post(server, 'ANNA+b@example.org', '192.0.2.5')).status).toBe(202);
    expect((await post(server, 'anna+c@example.org', '192.0.2.6')).status).toBe(429);
    expect((await post(server, 'an.na@example.org', '192.0.2.7')).status).toBe(202);

    const rows = await server.store.raw.selectFrom('registrations').select('email').orderBy('created_at').execute();
    expect(rows.map((r) => r.email).sort()).toEqual(
      [
        'an.na@example.org',
        'anna+a@example.org',
        'anna+b@example.org',
        'v.i.c.t.i.m+2@googlemail.com',
        'victim+1@gmail.com',
      ].sort(),
    );
    const recipients = (await server.store.outbox.list()).map((m) => m.recipient);
    expect(recipients).toContain('v.i.c.t.i.m+2@googlemail.com');

    // New links share the count by mailbox too.
    const links = '/v1/tours/musterstrasse-12/links';
    expect((await server.post(links, { email: 'victim+1@gmail.com' }, from('192.0.2.8'))).status).toBe(202);
    expect((await server.post(links, { email: 'Vic.Tim+9@gmail.com' }, from('192.0.2.9'))).status).toBe(429);
  });

  it('counts one mailbox across all tours: many tours do not multiply the mails to one victim', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { mailPerMailbox: { max: 3, windowMs: 3_600_000 } },
    });
    const manual = (email: string) => ({
      fields: { firstName: 'Eva', lastName: 'Opfer', email, postalCode: '50667' },
      consent: { privacy: true, version: '1' },
    });
    expect((await post(server, 'victim+1@example.org', '192.0.2.1')).status).toBe(202);
    expect(
      (await server.post('/v1/tours/gartenweg-3/registrations', manual('victim+2@example.org'), from('192.0.2.2')))
        .status,
    ).toBe(202);
    expect(
      (await server.post('/v1/tours/musterstrasse-12/links', { email: 'victim+1@example.org' }, from('192.0.2.3')))
        .status,
    ).toBe(202);
    const mails = await countRows(server, 'outbox');
    const fourth = await server.post(
      '/v1/tours/gartenweg-3/registrations',
      manual('Victim+4@example.org'),
      from('192.0.2.4'),
    );
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await server.post('/v1/tours/musterstrasse-12/links', { email: 'victim@example.org' }, from('192.0.2.5')))
        .status,
    ).toBe(429);
    expect(await countRows(server, 'outbox')).toBe(mails);
    // Another mailbox is not affected.
    expect((await post(server, 'someone@example.org', '192.0.2.6')).status).toBe(202);
  });

  it('a network gets a share of the tour budget; the rest stays open to everyone else', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: {
        registrationPerTour: { max: 10, windowMs: 3_600_000 },
        registrationPerNetwork: { max: 3, windowMs: 3_600_000 },
      },
    });
    // Rotating addresses inside one IPv4 /24 and one IPv6 /48.
    for (let i = 1; i <= 3; i++) expect((await post(server, `a${i}@example.org`, `198.51.100.${i}`)).status).toBe(202);
    const flooded = await post(server, 'a4@example.org', '198.51.100.200');
    expect(flooded.status).toBe(429);
    expect(Number(flooded.headers.get('retry-after'))).toBe(3600);
    for (let i = 1; i <= 3; i++)
      expect((await post(server, `b${i}@example.org`, `2001:db8:7:${i}::1`)).status).toBe(202);
    expect((await post(server, 'b4@example.org', '2001:db8:7:99::1')).status).toBe(429);
    // The refused ones used none of the tour's budget: four more networks reach exactly 10.
    for (let i = 1; i <= 4; i++) expect((await post(server, `c${i}@example.org`, `203.0.${i}.1`)).status).toBe(202);
    expect(await countRows(server, 'registrations')).toBe(10);
    const full = await post(server, 'c5@example.org', '203.0.5.1');
    expect(full.status).toBe(429);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a tour with a captcha under a flood stays open to whoever solves it, instead of locking everyone out', async () => {
    const standin = new CaptchaStandin(new URL(TOUR_ORIGIN).hostname);
    await standin.start();
    try {
      const server = await backend.start({
        startWorker: false,
        captcha: new HCaptchaVerifier(STANDIN_SECRET, standin.url, 2000),
        limits: { registrationPerTour: { max: 2, windowMs: 3_600_000 } },
      });
      const body = (email: string, captcha?: string) => ({
        fields: { firstName: 'Eve', lastName: 'Example', email, postalCode: '10115' },
        consent: { privacy: true, version: '1' },
        ...(captcha === undefined ? {} : { captcha }),
      });
      const path = '/v1/tours/captcha-tour/registrations';
      for (let i = 1; i <= 4; i++) {
        const res = await server.post(path, body(`flood${i}@example.org`, 'pass'), from(`203.0.${i}.1`));
        expect(res.status).toBe(202);
      }
      // Without an answer the captcha is what stops it, not the exhausted budget.
      const unsolved = await server.post(path, body('bot@example.org'), from('203.0.50.1'));
      expect(unsolved.status).toBe(400);
      expect(((await unsolved.json()) as { error: { code: string } }).error.code).toBe('CAPTCHA_REQUIRED');
      // A tour without a captcha answers 429 with Retry-After once the budget is used.
      for (let i = 1; i <= 2; i++)
        expect((await post(server, `n${i}@example.org`, `203.0.${60 + i}.1`)).status).toBe(202);
      const limited = await post(server, 'n3@example.org', '203.0.70.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await standin.stop();
    }
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
