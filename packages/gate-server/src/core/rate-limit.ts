/**
 * Rate limits per client, per network, per mailbox and per tour on every endpoint that sends
 * mail or redeems a token, and on the funnel counters. With PostgreSQL the counters live in
 * the database, so several server instances share them; with SQLite (one process by design)
 * they live in memory, which spares every request three durable writes.
 *
 * Keys are chosen so that rotation doesn't help:
 * - a **client** is an IPv4 address or an IPv6 /64 (one household or host gets a whole /64);
 *   an IPv4-mapped IPv6 address (`::ffff:198.51.100.7`) is its IPv4 address;
 * - a **network** is an IPv4 /24 or an IPv6 /48: it may use only `registrationPerNetwork` of a
 *   tour's hourly budget, so one network can't lock a tour for everyone;
 * - a **mailbox** is the address lower-cased without its sub-address (`+tag`; `-tag` at Yahoo),
 *   without dots at Gmail, and with a provider's alias domains as one (`limitEmail`). Only the
 *   key: the address is stored and mailed as typed.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { GateError } from '@tour-gate/shared';
import type { LimitsConfig } from '@tour-gate/shared/config';

export interface Limit {
  max: number;
  windowMs: number;
}

export interface RateLimits {
  registrationPerIp: Limit;
  registrationPerEmail: Limit;
  registrationPerTour: Limit;
  /** Registrations and new links per mailbox across all tours: many tours don't multiply the mails to one inbox. */
  mailPerMailbox: Limit;
  /** Per tour and network (IPv4 /24, IPv6 /48): its share of `registrationPerTour`. */
  registrationPerNetwork: Limit;
  linkPerIp: Limit;
  linkPerEmail: Limit;
  unlockPerIp: Limit;
  eventsPerIp: Limit;
  /** Funnel events (not requests) one client may add to one tour's statistics in a window. */
  eventsPerTourClient: Limit;
}

const MIN = 60_000;
export const DEFAULT_LIMITS: RateLimits = {
  registrationPerIp: { max: 10, windowMs: 10 * MIN },
  registrationPerEmail: { max: 5, windowMs: 60 * MIN },
  registrationPerTour: { max: 500, windowMs: 60 * MIN },
  registrationPerNetwork: { max: 50, windowMs: 60 * MIN },
  mailPerMailbox: { max: 20, windowMs: 60 * MIN },
  linkPerIp: { max: 10, windowMs: 10 * MIN },
  linkPerEmail: { max: 3, windowMs: 60 * MIN },
  unlockPerIp: { max: 30, windowMs: 10 * MIN },
  eventsPerIp: { max: 300, windowMs: MIN },
  eventsPerTourClient: { max: 120, windowMs: 10 * MIN },
};

/** The config file's `limits` (minutes) as the limits they replace; those left out keep their default. */
export function limitsOfConfig(config: LimitsConfig | undefined): Partial<RateLimits> {
  const limits: Partial<RateLimits> = {};
  for (const [name, limit] of Object.entries(config ?? {}) as [keyof RateLimits, LimitsConfig[keyof LimitsConfig]][]) {
    if (limit) limits[name] = { max: limit.max, windowMs: Math.round(limit.windowMinutes * MIN) };
  }
  return limits;
}

/** The eight 16-bit groups of an IPv6 address (embedded IPv4 and `::` expanded), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  let canonical: string;
  try {
    // The URL parser writes an IPv6 address in its canonical form, embedded IPv4 as hex.
    canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = canonical.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
}

/** An IPv4-mapped IPv6 address as its IPv4 address; anything else unchanged. */
function unmapped(ip: string): { v4: string } | { v6: number[] } | undefined {
  if (isIPv4(ip)) return { v4: ip };
  if (!isIPv6(ip)) return undefined;
  const g = ipv6Groups(ip);
  if (!g) return undefined;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return { v4: [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.') };
  }
  return { v6: g };
}

const hex = (groups: number[]) => groups.map((x) => x.toString(16)).join(':');

/** The client a per-IP limit counts: an IPv4 address, or an IPv6 /64. */
export function clientKey(ip: string): string {
  const a = unmapped(ip);
  if (!a) return ip;
  return 'v4' in a ? a.v4 : `${hex(a.v6.slice(0, 4))}::/64`;
}

/** The network a per-network share counts: an IPv4 /24, or an IPv6 /48. */
export function networkKey(ip: string): string {
  const a = unmapped(ip);
  if (!a) return ip;
  return 'v4' in a ? `${a.v4.split('.').slice(0, 3).join('.')}.0/24` : `${hex(a.v6.slice(0, 3))}::/48`;
}

/**
 * Providers whose addresses differ in more than a `+tag` (which is dropped everywhere): Gmail
 * ignores dots; some have alias domains; Yahoo's disposable addresses use `-`.
 */
const PROVIDERS: Record<string, { domain: string; dots?: true; separator?: string }> = {
  'gmail.com': { domain: 'gmail.com', dots: true },
  'googlemail.com': { domain: 'gmail.com', dots: true },
  'icloud.com': { domain: 'icloud.com' },
  'me.com': { domain: 'icloud.com' },
  'mac.com': { domain: 'icloud.com' },
  'proton.me': { domain: 'proton.me' },
  'protonmail.com': { domain: 'proton.me' },
  'protonmail.ch': { domain: 'proton.me' },
  'pm.me': { domain: 'proton.me' },
  'yahoo.com': { domain: 'yahoo.com', separator: '-' },
  'ymail.com': { domain: 'yahoo.com', separator: '-' },
};

/**
 * The mailbox an address reaches, for rate limits only: lower case, no sub-address, provider
 * rules from `PROVIDERS`. `Vic.Tim+2@GoogleMail.com` and `victim@gmail.com` are one mailbox.
 */
export function limitEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  let local = lower.slice(0, at);
  const host = lower.slice(at + 1);
  const provider = PROVIDERS[host];
  local = local.split('+')[0]!;
  if (provider?.separator) local = local.split(provider.separator)[0]!;
  if (provider?.dots) local = local.replaceAll('.', '');
  return `${local || lower.slice(0, at)}@${provider?.domain ?? host}`;
}

/** Emails are personal data: counters are keyed by a hash. */
export const emailKey = (email: string): string => createHash('sha256').update(email).digest('base64url').slice(0, 22);

export interface RateCounter {
  /**
   * Counts one hit (or `weight` of them); returns the count in the current window (this hit
   * included) and its end.
   */
  hit(key: string, windowMs: number, now: number, weight?: number): Promise<{ count: number; resetAt: number }>;
}

/** Fixed windows in a Map, swept as they end. */
export class MemoryRateCounter implements RateCounter {
  private readonly windows = new Map<string, { start: number; count: number; windowMs: number }>();

  async hit(key: string, windowMs: number, now: number, weight = 1): Promise<{ count: number; resetAt: number }> {
    let w = this.windows.get(key);
    if (!w || w.start <= now - windowMs) {
      w = { start: now, count: 0, windowMs };
      this.windows.set(key, w);
    }
    w.count += weight;
    return { count: w.count, resetAt: w.start + windowMs };
  }

  sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.start <= now - w.windowMs) this.windows.delete(key);
  }
}

/**
 * Counts one hit (or `weight`) on `key`; past the limit throws RATE_LIMITED with the seconds
 * until the window ends (the `Retry-After`). `unless`: past the limit, let this hit through
 * anyway (a tour under a flood stays open to visitors who solved its captcha).
 */
export async function enforce(
  counter: RateCounter,
  key: string,
  limit: Limit,
  now: number,
  { weight = 1, unless = false }: { weight?: number; unless?: boolean } = {},
): Promise<void> {
  const { count, resetAt } = await counter.hit(key, limit.windowMs, now, weight);
  if (count > limit.max && !unless) {
    throw new GateError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) });
  }
}
