/**
 * Which origins loaded the widget of a tour, and which of them the tour refused: counts per
 * tour, day and origin, nothing about visitors. The embed page lists the last 30 days so a
 * broker sees a page that tried to embed the tour and allows it with one click.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Counts to add for one tour, day and origin. */
export interface EmbedOriginCount {
  tour: string;
  /** Calendar day (Europe/Berlin, `dayOf`), `YYYY-MM-DD`. */
  day: string;
  origin: string;
  /** Gate config fetches the tour allowed. */
  allowed: number;
  /** Gate config fetches the tour refused (`ORIGIN_NOT_ALLOWED`). */
  refused: number;
}

/** One origin of a tour over a period. */
export interface EmbedOriginSummary {
  origin: string;
  allowed: number;
  refused: number;
  /** The last day it was seen, `YYYY-MM-DD`. */
  lastDay: string;
}

/** How many days `recent` covers, today included. */
export const EMBED_ORIGIN_DAYS = 30;

export class EmbedOriginStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds counts (one upsert each, in one transaction). */
  async add(counts: readonly EmbedOriginCount[]): Promise<void> {
    if (!counts.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (const c of counts) {
        await trx
          .insertInto('embed_origins')
          .values({ tour_id: c.tour, day: c.day, origin: c.origin, allowed: c.allowed, refused: c.refused })
          .onConflict((oc) =>
            oc.columns(['tour_id', 'day', 'origin']).doUpdateSet({
              allowed: sql<number>`embed_origins.allowed + ${c.allowed}`,
              refused: sql<number>`embed_origins.refused + ${c.refused}`,
            }),
          )
          .execute();
      }
    });
  }

  /**
   * The origins of `tourId` from `sinceDay` on (inclusive): refused ones first, then by the
   * number of loads.
   */
  async recent(tourId: string, sinceDay: string): Promise<EmbedOriginSummary[]> {
    const rows = await this.db
      .selectFrom('embed_origins')
      .select(({ fn }) => [
        'origin',
        fn.sum<number | string>('allowed').as('allowed'),
        fn.sum<number | string>('refused').as('refused'),
        fn.max('day').as('lastDay'),
      ])
      .where('tour_id', '=', tourId)
      .where('day', '>=', sinceDay)
      .groupBy('origin')
      .execute();
    return rows
      .map((r) => ({ origin: r.origin, allowed: Number(r.allowed), refused: Number(r.refused), lastDay: r.lastDay }))
      .sort((a, b) => Number(b.refused > 0) - Number(a.refused > 0) || b.allowed + b.refused - (a.allowed + a.refused));
  }

  /** Distinct origins stored for a tour on a day (the counter's bound against forged origins). */
  async originsOn(tourId: string, day: string): Promise<number> {
    const row = await this.db
      .selectFrom('embed_origins')
      .select(({ fn }) => fn.countAll<number | string>().as('n'))
      .where('tour_id', '=', tourId)
      .where('day', '=', day)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Forgets days before `beforeDay`; returns how many rows went. */
  async sweep(beforeDay: string): Promise<number> {
    const result = await this.db.deleteFrom('embed_origins').where('day', '<', beforeDay).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
