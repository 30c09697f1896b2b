/**
 * A tour's leads as CSV or JSON, produced page by page (keyset paging on `created_at, id`), so
 * an export of a million leads never holds more than one page in memory. The same generator
 * feeds the dashboard download, the admin API and `tour-gate export`.
 */
import type { TourConfig } from '@tour-gate/shared/config';
import type { Kysely } from 'kysely';
import { filtered, type LeadFilter } from '../stats/leads.ts';
import type { Database, Registration } from '../store/schema.ts';
import { csvHeader, csvValues, fieldKeys, leadRecord } from './columns.ts';
import { BOM, csvRow, type Separator } from './csv.ts';

export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  format: ExportFormat;
  separator?: Separator;
  filter?: LeadFilter;
  pageSize?: number;
  /** Called after each page with the number of leads written so far. */
  onProgress?: (done: number) => void;
}

/** Pages of registrations, oldest first. */
export async function* leadPages(
  db: Kysely<Database>,
  tourId: string,
  filter: LeadFilter = {},
  pageSize = 1000,
): AsyncGenerator<Registration[]> {
  let after: { created_at: number; id: string } | undefined;
  for (;;) {
    let q = filtered(db, tourId, filter).selectAll();
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '>', a.created_at),
          eb.and([eb('created_at', '=', a.created_at), eb('id', '>', a.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(pageSize).execute();
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as Registration;
    after = { created_at: Number(last.created_at), id: last.id };
  }
}

/** The export as text chunks: the header (or `[`), one chunk per page, the end. */
export async function* exportChunks(
  db: Kysely<Database>,
  tourId: string,
  tour: TourConfig | undefined,
  o: ExportOptions,
): AsyncGenerator<string> {
  const sep = o.separator ?? ',';
  const keys = fieldKeys(tour);
  let done = 0;
  if (o.format === 'csv') yield BOM + csvRow(csvHeader(keys), sep);
  else yield '[';
  for await (const page of leadPages(db, tourId, o.filter, o.pageSize)) {
    if (o.format === 'csv') {
      yield page.map((r) => csvRow(csvValues(leadRecord(r), keys), sep)).join('');
    } else {
      // One JSON array, written as it goes: valid JSON at the end, never built whole.
      yield page.map((r, i) => `${done + i === 0 ? '\n' : ',\n'}${JSON.stringify(leadRecord(r))}`).join('');
    }
    done += page.length;
    o.onProgress?.(done);
  }
  if (o.format === 'json') yield '\n]\n';
}

/** The chunks as a byte stream for an HTTP response. */
export function toByteStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** A tour's leads as a streamed download, for the dashboard and the admin API alike. */
export function exportResponse(db: Kysely<Database>, tour: TourConfig, options: ExportOptions): Response {
  return new Response(toByteStream(exportChunks(db, tour.id, tour, options)), {
    headers: {
      'content-type': EXPORT_TYPES[options.format],
      'content-disposition': `attachment; filename="${tour.id}-leads.${options.format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
