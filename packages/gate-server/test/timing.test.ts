/**
 * On a manual-release tour a known address and a new one take different paths (a logbook line
 * and another confirmation, or a new registration with its review request); the answer is the
 * same 202, and its time must not tell them apart either. Measured over many tries, each side's
 * durations overlap: a known one is as likely slower than a new one as faster (the AUC, the
 * share of pairs where the known side is slower, stays near ½), and the medians lie within a few
 * percent of each other. Nothing here asserts how fast the server is.
 */
import { expect, it } from 'vitest';
import { requestLogin } from '../src/core/broker-access.ts';
import { REGISTRATION_MIN_MS } from '../src/core/register.ts';
import { forEachBackend } from './backends.ts';
import { GENEROUS_LIMITS, manualConfig, register } from './manual-helpers.ts';

const TRIES = 20;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

/** Interleaves `known` and `other` TRIES times each; checks their durations overlap. */
async function expectOverlap(known: () => Promise<void>, other: (i: number) => Promise<void>): Promise<void> {
  const k: number[] = [];
  const o: number[] = [];
  const time = async (fn: () => Promise<void>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  for (let i = 0; i < TRIES; i++) {
    // Interleaved, so a slower moment of the machine falls on both sides.
    k.push(await time(known));
    o.push(await time(() => other(i)));
  }
  let slower = 0;
  for (const a of k) for (const b of o) slower += a > b ? 1 : a === b ? 0.5 : 0;
  const auc = slower / (TRIES * TRIES);
  const [mk, mo] = [median(k), median(o)];
  const report = JSON.stringify({ auc, medianKnown: mk, medianOther: mo });
  expect(auc, report).toBeGreaterThan(0.2);
  expect(auc, report).toBeLessThan(0.8);
  expect(Math.abs(mk - mo) / Math.max(mk, mo), report).toBeLessThan(0.05);
}

forEachBackend('registration timing', (backend) => {
  it('a known and a new address on a manual-release tour answer in times that overlap', async () => {
    const server = await backend.start({
      config: manualConfig(),
      startWorker: false,
      registrationMinMs: REGISTRATION_MIN_MS,
      limits: { ...GENEROUS_LIMITS, registrationPerNetwork: { max: 1000, windowMs: 60_000 } },
    });
    expect((await register(server, 'gartenweg-3', 'known@example.org')).status).toBe(202);
    // Warm-up: the first requests pay for compiling and caching.
    for (let i = 0; i < 3; i++) await register(server, 'gartenweg-3', `warm${i}@example.org`);

    const registered = async (email: string) => {
      const res = await register(server, 'gartenweg-3', email);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({
        status: 'awaiting-approval',
        request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
    };
    await expectOverlap(
      () => registered('known@example.org'),
      (i) => registered(`new${i}@example.org`),
    );
  }, 60_000);

  it("a dashboard sign-in for a broker's address and for anyone else's take times that overlap", async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { linkPerIp: { max: 1000, windowMs: 60_000 }, linkPerEmail: { max: 1000, windowMs: 60_000 } },
    });
    await expectOverlap(
      () => requestLogin(server.deps, 'anna@mueller-immobilien.example', '198.51.100.1'),
      (i) => requestLogin(server.deps, `nobody${i}@example.org`, '198.51.100.1'),
    );
    expect((await server.store.outbox.list()).filter((m) => m.kind === 'login')).toHaveLength(TRIES);
  }, 60_000);
});
