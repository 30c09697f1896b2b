/**
 * Leads as an Excel workbook (XLSX), streamed: exceljs' WorkbookWriter commits each row as it
 * is written, and the zip goes out as it grows, so a large export never holds the workbook.
 *
 * One sheet "Interessenten" / "Leads": headers in the broker's language (bold, frozen, with an
 * autofilter), display values, times as real date cells showing Berlin time, postal codes and
 * phone numbers as text cells (format `@`, so 01067 and +49 … stay as typed). Cell values are
 * data, never formulas: exceljs writes a string as a string cell, whatever it starts with.
 */
import { PassThrough } from 'node:stream';
import type { TourConfig } from '@tour-gate/shared/config';
import type { LeadFilter, LeadStore } from '../../store/leads.ts';
import { exportColumns, exportValues } from './columns.ts';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const DATE_FORMAT = { de: 'dd.mm.yyyy hh:mm', en: 'yyyy-mm-dd hh:mm' } as const;
const SHEET = { de: 'Interessenten', en: 'Leads' } as const;

/** Excel's column letters for 1-based column `n` (1 → A, 27 → AA). */
function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export async function* xlsxChunks(
  leads: LeadStore,
  tourId: string,
  tour: TourConfig | undefined,
  o: { locale: 'de' | 'en'; filter?: LeadFilter; pageSize?: number; onProgress?: (done: number) => void },
): AsyncGenerator<Uint8Array> {
  // Loaded on the first XLSX export only: exceljs is large, and the server and the CLI start
  // without it.
  const { default: ExcelJS } = await import('exceljs');
  const out = new PassThrough();
  const columns = exportColumns(tour, o.locale);
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'tour-gate';
  const sheet = book.addWorksheet(SHEET[o.locale], { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style:
      c.kind === 'date'
        ? { numFmt: DATE_FORMAT[o.locale] }
        : c.kind === 'postal' || c.kind === 'phone'
          ? { numFmt: '@' }
          : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: 'A1', to: `${columnLetter(columns.length)}1` };

  let failed: unknown;
  let finished = false;
  const write = (async () => {
    sheet.getRow(1).commit();
    let done = 0;
    for await (const page of leads.pages(tourId, o.filter, o.pageSize)) {
      if (out.destroyed) return; // the reader went away
      for (const r of page) sheet.addRow(exportValues(columns, r)).commit();
      done += page.length;
      o.onProgress?.(done);
      // Let the zip drain before the next page: the stream holds at most what is not read yet.
      if (out.writableNeedDrain) {
        await new Promise((resolve) => {
          out.once('drain', resolve);
          out.once('close', resolve);
        });
      }
    }
    sheet.commit();
    await book.commit();
    finished = true;
  })().catch((error: unknown) => {
    failed = error;
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });

  try {
    for await (const chunk of out) yield chunk as Uint8Array;
  } finally {
    // Left early (the download was cancelled): stop writing.
    if (!finished && !out.destroyed) out.destroy();
    await write;
  }
  if (failed) throw failed;
}
