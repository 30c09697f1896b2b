/**
 * Rate limits per IP, per email and per tour on every endpoint that sends mail or redeems a
 * token. With PostgreSQL the counters live in the database, so several server instances share
 * them; with SQLite (one process by design) they live in memory, which spares every request
 * three durable writes.
 */
import { createHash } from 'node:crypto';
import { GateError } from '@tour-gate/shared';

export interface Limit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  registrationPerIp: Limit;
  registrationPerEmail: Limit;
  registrationPerTour: Limit;
  linkPerIp: Limit;
  linkPerEmail: Limit;
  unlockPerIp: Limit;
  eventsPerIp: Limit;
}

const MIN = 60_000;
export const DEFAULT_LIMITS: RateLimits = {
  registrationPerIp: { max: 10, windowMs: 10 * MIN },
  registrationPerEmail: { max: 5, windowMs: 60 * MIN },
  registrationPerTour: { max: 500, windowMs: 60 * MIN },
  linkPerIp: { max: 10, windowMs: 10 * MIN },
  linkPerEmail: { max: 3, windowMs: 60 * MIN },
  unlockPerIp: { max: 30, windowMs: 10 * MIN },
  eventsPerIp: { max: 300, windowMs: MIN },
};

/** Emails are personal data: counters are keyed by a hash. */
export const emailKey = (email: string): string => createHash('sha256').update(email).digest('base64url').slice(0, 22);

export interface RateCounter {
  /** Counts one hit; returns the count in the current window (this hit included) and its end. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
}

/** Fixed windows in a Map, swept as they end. */
export class MemoryRateCounter implements RateCounter {
  private readonly windows = new Map<string, { start: number; count: number; windowMs: number }>();

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    let w = this.windows.get(key);
    if (!w || w.start <= now - windowMs) {
      w = { start: now, count: 0, windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetAt: w.start + windowMs };
  }

  sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.start <= now - w.windowMs) this.windows.delete(key);
  }
}

/** Counts one hit on `key`; throws RATE_LIMITED with the seconds until the window ends. */
export async function enforce(counter: RateCounter, key: string, limit: Limit, now: number): Promise<void> {
  const { count, resetAt } = await counter.hit(key, limit.windowMs, now);
  if (count > limit.max) {
    throw new GateError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) });
  }
}
