/**
 * `POST /v1/tours/:tour/links` asked with a link the visitor holds: only an unlock link of this
 * very tour counts, only a released or granted visitor gets a fresh one, and one registration
 * can ask only so often. The answer is the same 202 whatever happens, so the outbox tells.
 */
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import {
  GENEROUS_LIMITS,
  manualRegistration,
  openReview,
  postDecision,
  reviewTokenFromOutbox,
} from './manual-helpers.ts';

const UNLOCK = /#tour-gate-unlock=([A-Za-z0-9_-]{43})/;

forEachBackend('new links on request', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ limits: GENEROUS_LIMITS, startWorker: false });
  });

  const unlockMails = async (to: string) =>
    (await server.store.outbox.list(1000)).filter((m) => m.kind === 'unlock' && m.recipient === to);
  const tokenOf = (text: string) => {
    const m = UNLOCK.exec(text);
    if (!m) throw new Error(`no unlock link in: ${text}`);
    return m[1]!;
  };
  const ask = async (tour: string, body: object) => {
    const res = await server.post(`/v1/tours/${tour}/links`, body);
    return res.status;
  };

  it('an unlock link asks for a new one at its own tour only', async () => {
    expect(
      (await server.post('/v1/tours/musterstrasse-12/registrations', registration('own@example.org'))).status,
    ).toBe(202);
    const [first] = await unlockMails('own@example.org');
    const token = tokenOf(first!.text_body);

    expect(await ask('gartenweg-3', { token })).toBe(202);
    expect(await unlockMails('own@example.org')).toHaveLength(1);

    expect(await ask('musterstrasse-12', { token })).toBe(202);
    const mails = await unlockMails('own@example.org');
    expect(mails).toHaveLength(2);
    // Newest first: the fresh link is another token.
    expect(tokenOf(mails[0]!.text_body)).not.toBe(token);
  });

  it('a review link is no way to an unlock link, and a pending visitor gets none', async () => {
    const visitor = 'waiting@example.org';
    expect((await server.post('/v1/tours/gartenweg-3/registrations', manualRegistration(visitor))).status).toBe(202);
    const review = await reviewTokenFromOutbox(server, visitor);

    expect(await ask('gartenweg-3', { token: review })).toBe(202);
    expect(await ask('gartenweg-3', { email: visitor })).toBe(202);
    expect(await unlockMails(visitor)).toHaveLength(0);
  });

  it('a granted visitor gets a fresh link by email', async () => {
    const visitor = 'granted@example.org';
    await server.post('/v1/tours/gartenweg-3/registrations', manualRegistration(visitor));
    const review = await reviewTokenFromOutbox(server, visitor);
    const { nonce } = await openReview(server, review);
    expect((await postDecision(server, review, { nonce, decision: 'grant' })).status).toBe(200);
    expect(await unlockMails(visitor)).toHaveLength(1);

    expect(await ask('gartenweg-3', { email: visitor })).toBe(202);
    expect(await unlockMails(visitor)).toHaveLength(2);
  });

  it('one registration asks with its link a few times an hour, then waits', async () => {
    const visitor = 'eager@example.org';
    await server.post('/v1/tours/musterstrasse-12/registrations', registration(visitor));
    const token = tokenOf((await unlockMails(visitor))[0]!.text_body);
    const max = server.deps.limits.linkPerEmail.max;
    for (let i = 0; i < max; i++) expect(await ask('musterstrasse-12', { token })).toBe(202);
    const refused = await server.post('/v1/tours/musterstrasse-12/links', { token });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await unlockMails(visitor)).toHaveLength(1 + max);
  });
});
