/**
 * On a manual-release tour a known address and a new one take different paths (a logbook line
 * and another confirmation, or a new registration with its review request); the answer is the
 * same 202, and its time must not tell them apart either. Measured over many tries, each side's
 * durations overlap: a known one is as likely slower than a new one as faster (the AUC, the
 * share of pairs where the known side is slower, stays near ½), and the medians lie within a few
 * percent of each other. Nothing here asserts how fast the server is.
 */
import { expect, it } from 'vitest';
import { REGISTRATION_MIN_MS } from '../src/core/register.ts';
import { forEachBackend } from './backends.ts';
import { GENEROUS_LIMITS, manualConfig, register } from './manual-helpers.ts';

const TRIES = 20;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

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

    const known: number[] = [];
    const fresh: number[] = [];
    const timed = async (email: string) => {
      const started = performance.now();
      const res = await register(server, 'gartenweg-3', email);
      const ms = performance.now() - started;
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: 'awaiting-approval' });
      return ms;
    };
    for (let i = 0; i < TRIES; i++) {
      // Interleaved, so a slower moment of the machine falls on both sides.
      known.push(await timed('known@example.org'));
      fresh.push(await timed(`new${i}@example.org`));
    }
    let slower = 0;
    for (const k of known) for (const f of fresh) slower += k > f ? 1 : k === f ? 0.5 : 0;
    const auc = slower / (TRIES * TRIES);
    const [mk, mf] = [median(known), median(fresh)];
    const report = { auc, medianKnown: mk, medianNew: mf };
    expect(auc, JSON.stringify(report)).toBeGreaterThan(0.2);
    expect(auc, JSON.stringify(report)).toBeLessThan(0.8);
    expect(Math.abs(mk - mf) / Math.max(mk, mf), JSON.stringify(report)).toBeLessThan(0.05);
  }, 60_000);
});
