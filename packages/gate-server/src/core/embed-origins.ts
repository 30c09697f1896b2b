/**
 * Which origins fetch each tour's gate config, allowed or refused: counted in memory on the
 * request path, written to `embed_origins` every few seconds, for the embed page's check.
 */
import { EMBED_ORIGIN_DAYS, type EmbedOriginCount, type EmbedOriginStore } from '../store/embed-origins.ts';
import { dayOf } from '../util/time.ts';

/** Distinct origins one instance records per tour and day; beyond them a forged `Origin` flood is not stored. */
export const MAX_ORIGINS_PER_TOUR_DAY = 50;
/** Distinct (tour, day, origin) keys held between two flushes. */
const MAX_PENDING = 2_000;
/** How often the counts go to the database. */
const FLUSH_MS = 10_000;
/** Days of counts kept: the embed page shows 30. */
const KEEP_DAYS = 31;
const DAY_MS = 86_400_000;
/** What an origin looks like: scheme, host, optional port; the literal `null` of sandboxed pages is not counted. */
const ORIGIN = /^https?:\/\/[^\s/]{1,200}$/;

/**
 * Counts gate config fetches per tour, day and origin in memory, allowed or refused, and adds
 * them to the database every few seconds (one small transaction, off the request path: the
 * config GET stays a memory read). Counts of the last seconds before a crash are lost; they
 * are a broker's hint, not a record.
 */
export class EmbedOriginCounter {
  readonly #store: EmbedOriginStore;
  readonly #clock: () => number;
  readonly #warn: (message: string, error: unknown) => void;
  #pending = new Map<string, EmbedOriginCount>();
  /** Origins seen per `tour day`, to bound what one instance stores. */
  #seen = new Map<string, Set<string>>();
  #seenDay = '';
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #sweptDay = '';
  /** Bumped whenever `#pending` is handed to the store, so `#last` never counts into a written batch. */
  #generation = 0;
  /** The count the last call went to: a page's views come from one origin, one after another. */
  #last: { tour: string; origin: string; day: string; generation: number; count: EmbedOriginCount } | undefined;

  constructor(store: EmbedOriginStore, clock: () => number, warn: (message: string, error: unknown) => void) {
    this.#store = store;
    this.#clock = clock;
    this.#warn = warn;
  }

  /** A browser on `origin` fetched the gate config of `tour` (`allowed`) or was refused. */
  note(tour: string, origin: string, allowed: boolean): void {
    const day = dayOf(this.#clock());
    const last = this.#last;
    if (
      last !== undefined &&
      last.origin === origin &&
      last.tour === tour &&
      last.day === day &&
      last.generation === this.#generation
    ) {
      if (allowed) last.count.allowed++;
      else last.count.refused++;
      return;
    }
    if (!ORIGIN.test(origin)) return;
    if (day !== this.#seenDay) {
      this.#seen.clear();
      this.#seenDay = day;
    }
    const dayKey = `${tour} ${day}`;
    let origins = this.#seen.get(dayKey);
    if (!origins) {
      origins = new Set();
      this.#seen.set(dayKey, origins);
    }
    if (!origins.has(origin)) {
      if (origins.size >= MAX_ORIGINS_PER_TOUR_DAY) return;
      origins.add(origin);
    }
    const key = `${dayKey} ${origin}`;
    let count = this.#pending.get(key);
    if (!count) {
      if (this.#pending.size >= MAX_PENDING) return;
      count = { tour, day, origin, allowed: 0, refused: 0 };
      this.#pending.set(key, count);
    }
    if (allowed) count.allowed++;
    else count.refused++;
    this.#last = { tour, origin, day, generation: this.#generation, count };
  }

  /** Writes what is counted; a failed write keeps the counts for the next try. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    this.#generation++;
    try {
      await this.#store.add(batch);
    } catch (error) {
      // Back into the counts (merged with what came in meanwhile), for the next flush.
      for (const c of batch) {
        const key = `${c.tour} ${c.day} ${c.origin}`;
        const now = this.#pending.get(key);
        if (now) {
          now.allowed += c.allowed;
          now.refused += c.refused;
        } else if (this.#pending.size < MAX_PENDING) this.#pending.set(key, c);
      }
      this.#warn('counting embed origins failed', error);
      return;
    }
    const today = dayOf(this.#clock());
    if (today !== this.#sweptDay) {
      this.#sweptDay = today;
      await this.#store
        .sweep(dayOf(this.#clock() - KEEP_DAYS * DAY_MS))
        .catch((error: unknown) => this.#warn('sweeping embed origins failed', error));
    }
  }

  start(intervalMs = FLUSH_MS): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

/** The first day of the embed page's window (`EMBED_ORIGIN_DAYS`, today included): `recent`'s `sinceDay`. */
export const embedWindowStart = (now: number): string => dayOf(now - (EMBED_ORIGIN_DAYS - 1) * DAY_MS);
