/**
 * A tour's leads as XLSX, CSV, JSON or OpenImmo-Feedback XML, produced page by page (keyset
 * paging on `created_at, id`), so an export of a million leads never holds more than one page
 * in memory. The same generator feeds the dashboard download, the admin API and
 * `tour-gate export`.
 *
 * XLSX and CSV are for people: headers in the broker's language (`locale`, the broker's
 * setting), display values, Berlin times (see columns.ts). JSON is for programs: stored codes
 * and ISO times in UTC, the same record as the webhooks send.
 */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import type { LeadFilter, LeadStore } from '../../store/leads.ts';
import { exportColumns, exportValues, leadRecord } from './columns.ts';
import { BOM, csvRow, type Separator } from './csv.ts';
import { openImmoChunks } from './openimmo.ts';
import { XLSX_CONTENT_TYPE, xlsxChunks } from './xlsx.ts';

const EXPORT_FORMATS = ['xlsx', 'csv', 'json', 'openimmo'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const isExportFormat = (f: string): f is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(f);

export interface ExportOptions {
  format: ExportFormat;
  separator?: Separator;
  filter?: LeadFilter;
  pageSize?: number;
  /** Headers and values of XLSX and CSV in this language (the broker's); default German. */
  locale?: 'de' | 'en';
  /** Called after each page with the number of leads written so far. */
  onProgress?: (done: number) => void;
  /** OpenImmo-Feedback: the sender of the document (the tour's broker) and its date. */
  broker?: BrokerConfig;
  now?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A Berlin wall-clock Date as CSV text: "17.11.2026 14:05" (German) or "2026-11-17 14:05". */
function csvDate(d: Date, locale: 'de' | 'en'): string {
  const [y, m, day, h, min] = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
  ];
  return locale === 'de'
    ? `${pad(day)}.${pad(m)}.${y} ${pad(h)}:${pad(min)}`
    : `${y}-${pad(m)}-${pad(day)} ${pad(h)}:${pad(min)}`;
}

function csvLine(values: (string | Date | null)[], o: CsvFlavour): string {
  return csvRow(
    values.map((v) => (v instanceof Date ? csvDate(v, o.locale) : v)),
    o.separator,
    o.keepText,
  );
}

interface CsvFlavour {
  separator: Separator;
  locale: 'de' | 'en';
  /** Per column: keep a postal code or phone number text in a spreadsheet (the `;` file). */
  keepText: boolean[];
}

/** The export as chunks: text for CSV, JSON and XML, bytes for XLSX. */
export async function* exportChunks(
  leads: LeadStore,
  tourId: string,
  tour: TourConfig | undefined,
  o: ExportOptions,
): AsyncGenerator<string | Uint8Array> {
  const { filter, pageSize, onProgress } = o;
  const locale = o.locale ?? 'de';
  if (o.format === 'openimmo') {
    if (!tour || !o.broker) throw new Error('an OpenImmo-Feedback export needs the tour and its broker');
    yield* openImmoChunks(leads, tour, o.broker, { filter, pageSize, onProgress, now: o.now ?? Date.now() });
    return;
  }
  if (o.format === 'xlsx') {
    yield* xlsxChunks(leads, tourId, tour, { locale, filter, pageSize, onProgress });
    return;
  }
  let done = 0;
  if (o.format === 'csv') {
    const separator = o.separator ?? ',';
    const columns = exportColumns(tour, locale);
    const flavour: CsvFlavour = {
      separator,
      locale,
      keepText: columns.map((c) => separator === ';' && (c.kind === 'postal' || c.kind === 'phone')),
    };
    yield BOM +
      csvRow(
        columns.map((c) => c.header),
        separator,
      );
    for await (const page of leads.pages(tourId, filter, pageSize)) {
      yield page.map((r) => csvLine(exportValues(columns, r), flavour)).join('');
      done += page.length;
      onProgress?.(done);
    }
    return;
  }
  yield '[';
  for await (const page of leads.pages(tourId, filter, pageSize)) {
    // One JSON array, written as it goes: valid JSON at the end, never built whole.
    yield page.map((r, i) => `${done + i === 0 ? '\n' : ',\n'}${JSON.stringify(leadRecord(r, tour))}`).join('');
    done += page.length;
    onProgress?.(done);
  }
  yield '\n]\n';
}

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  xlsx: XLSX_CONTENT_TYPE,
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  openimmo: 'application/xml; charset=utf-8',
};

/** The file name's extension per format. */
export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  xlsx: 'xlsx',
  csv: 'csv',
  json: 'json',
  openimmo: 'xml',
};
