/**
 * Rate limits per IP, per email and per tour on every endpoint that sends mail or redeems a
 * token. Counters live in the store, so several server instances share them.
 */
import { createHash } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import type { GateStore } from '../store/store.ts';

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

/** Counts one hit on `key`; throws RATE_LIMITED with the seconds until the window ends. */
export async function enforce(store: GateStore, key: string, limit: Limit, now: number): Promise<void> {
  const { count, resetAt } = await store.hit(key, limit.windowMs, now);
  if (count > limit.max) {
    throw new GateError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) });
  }
}
