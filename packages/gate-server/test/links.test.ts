/**
 * Link tokens: the same answer for known and unknown emails, expiry and tampering with their
 * own codes, fresh links on request, and a database that holds no usable token.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../src/security/tokens.ts';
import { DAY_MS } from '../src/util/time.ts';
import { forEachBackend } from './backends.ts';
import { registration } from './fixtures.ts';
import { countRows, dumpTables, type TestServer } from './harness.ts';
import { outboxDrained } from './outbox-wait.ts';
import { linkFrom, TestSmtp } from './smtp.ts';

const REG = '/v1/tours/musterstrasse-12/registrations';

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

forEachBackend('link tokens', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;
  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  it('answers known and unknown emails byte for byte the same', async () => {
    const first = await server.post(REG, registration('known@example.org'));
    const known = await server.post(REG, registration('known@example.org'));
    const unknown = await server.post(REG, registration('unknown@example.org'));
    // Each answer carries its own random request handle (issue 10), 43 characters for every
    // address; apart from it, the bytes are the same.
    const handle = /"request":"[A-Za-z0-9_-]{43}"/;
    const [a, b, c] = [await known.text(), await unknown.text(), await first.text()];
    for (const text of [a, b, c]) expect(text).toMatch(handle);
    const masked = (text: string) => text.replace(handle, '"request":"…"');
    expect(known.status).toBe(unknown.status);
    expect([a.length, masked(a)]).toEqual([b.length, masked(b)]);
    expect([c.length, masked(c)]).toEqual([a.length, masked(a)]);
    expect([...known.headers.entries()]).toEqual([...unknown.headers.entries()]);

    const timed = async (email: string) => {
      const t = performance.now();
      const res = await server.post('/v1/tours/musterstrasse-12/links', { email });
      return { res, ms: performance.now() - t };
    };
    const { res: links, ms: knownMs } = await timed('known@example.org');
    const { res: noLinks, ms: unknownMs } = await timed('nobody@example.org');
    // Both answers take at least the same floor, so timing tells nothing either.
    expect(knownMs).toBeGreaterThanOrEqual(195);
    expect(unknownMs).toBeGreaterThanOrEqual(195);
    expect(links.status).toBe(202);
    expect(await links.text()).toBe(await noLinks.text());
    expect(noLinks.status).toBe(202);
    await smtp.waitFor(4);
    await outboxDrained(server);
    expect(smtp.to('known@example.org')).toHaveLength(3);
    expect(smtp.to('nobody@example.org')).toHaveLength(0);
  });

  it('answers LINK_EXPIRED after the validity and LINK_INVALID for a tampered token', async () => {
    await server.post(REG, registration('late@example.org'));
    await smtp.waitFor(smtp.mails.length + 1);
    const { token } = linkFrom(smtp.to('late@example.org')[0]!);

    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const bad = await server.post('/v1/unlock', { token: tampered });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('LINK_INVALID');

    server.clock.advance(14 * DAY_MS + 1000);
    const expired = await server.post('/v1/unlock', { token });
    expect(expired.status).toBe(410);
    expect(await errorCode(expired)).toBe('LINK_EXPIRED');

    // The expired link itself asks for a new one; the new one works.
    const before = smtp.mails.length;
    const fresh = await server.post('/v1/tours/musterstrasse-12/links', { token });
    expect(fresh.status).toBe(202);
    await smtp.waitFor(before + 1);
    const next = linkFrom(smtp.to('late@example.org').at(-1)!);
    expect(next.token).not.toBe(token);
    expect((await server.post('/v1/unlock', { token: next.token })).status).toBe(200);
    server.clock.advance(-(14 * DAY_MS + 1000));
  });

  it('keeps no usable token in the database, only hashes', async () => {
    const tokens = smtp.mails.map((m) => linkFrom(m).token);
    expect(tokens.length).toBeGreaterThan(3);
    // Delivered mails keep their text for the logbook, with the tokens cut out.
    await outboxDrained(server);
    const dump = JSON.stringify(await dumpTables(server));
    for (const t of tokens) {
      expect(dump).not.toContain(t);
      expect(dump).toContain(hashToken(t));
    }
    expect(dump).toContain('#tour-gate-unlock=[…]');
  });

  it('counts each redemption in the logbook, and a registration in the statistics once', async () => {
    expect(await countRows(server, 'registrations')).toBe(3);
    const stats = await server.store.stats('musterstrasse-12');
    const total = (m: string) => stats.filter((s) => s.metric === m).reduce((n, s) => n + s.count, 0);
    expect(total('registrations')).toBe(3);
    expect(total('released')).toBe(3);
    expect(total('opened')).toBe(1);
  });
});

forEachBackend('dev mailbox', (backend) => {
  it('shows every mail the server would have sent, with its working link', async () => {
    const server = await backend.start();
    await server.post(REG, registration('dev@example.org'));
    await outboxDrained(server);
    const res = await server.get('/dev/mailbox.json');
    const mails = (await res.json()) as { to: string; text: string; status: string }[];
    expect(mails[0]).toMatchObject({ to: 'dev@example.org', status: 'sent' });
    expect(mails[0]!.text).toContain('#tour-gate-unlock=');
    const page = await server.get('/dev/mailbox');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Ihr Zugang zum virtuellen Rundgang');
  });
});

forEachBackend('queued mails at rest', (backend) => {
  it('are sealed while they wait, so even a queued link is not readable from the database', async () => {
    const server = await backend.start({ startWorker: false });
    await server.post(REG, registration('queued@example.org'));
    const raw = await server.store.raw.selectFrom('outbox').select(['text_body', 'html_body']).execute();
    expect(raw[0]!.text_body.startsWith('sealed:v1:')).toBe(true);
    expect(JSON.stringify(raw)).not.toContain('tour-gate-unlock');
    const [mail] = await server.store.outbox.list();
    expect(mail!.text_body).toMatch(/#tour-gate-unlock=[\w-]{43}/);
  });
});
