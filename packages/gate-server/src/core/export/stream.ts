/**
 * A tour's leads as CSV, JSON or OpenImmo-Feedback XML, produced page by page (keyset paging on `created_at, id`), so
 * an export of a million leads never holds more than one page in memory. The same generator
 * feeds the dashboard download, the admin API and `tour-gate export`.
 */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import type { LeadFilter, LeadStore } from '../../store/leads.ts';
import { csvHeader, csvValues, fieldKeys, leadRecord } from './columns.ts';
import { BOM, csvRow, type Separator } from './csv.ts';
import { openImmoChunks } from './openimmo.ts';

const EXPORT_FORMATS = ['csv', 'json', 'openimmo'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const isExportFormat = (f: string): f is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(f);

export interface ExportOptions {
  format: ExportFormat;
  separator?: Separator;
  filter?: LeadFilter;
  pageSize?: number;
  /** Called after each page with the number of leads written so far. */
  onProgress?: (done: number) => void;
  /** OpenImmo-Feedback: the sender of the document (the tour's broker) and its date. */
  broker?: BrokerConfig;
  now?: number;
}

/** The export as text chunks: the header (or `[`), one chunk per page, the end. */
export async function* exportChunks(
  leads: LeadStore,
  tourId: string,
  tour: TourConfig | undefined,
  o: ExportOptions,
): AsyncGenerator<string> {
  if (o.format === 'openimmo') {
    if (!tour || !o.broker) throw new Error('an OpenImmo-Feedback export needs the tour and its broker');
    const { filter, pageSize, onProgress } = o;
    yield* openImmoChunks(leads, tour, o.broker, { filter, pageSize, onProgress, now: o.now ?? Date.now() });
    return;
  }
  const sep = o.separator ?? ',';
  const keys = fieldKeys(tour);
  let done = 0;
  if (o.format === 'csv') yield BOM + csvRow(csvHeader(keys), sep);
  else yield '[';
  for await (const page of leads.pages(tourId, o.filter, o.pageSize)) {
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

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  openimmo: 'application/xml; charset=utf-8',
};

/** The file name's extension per format. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', json: 'json', openimmo: 'xml' };
