/**
 * CSV that German spreadsheets open correctly: RFC 4180 quoting, CRLF line ends, a UTF-8 byte
 * order mark (Excel reads UTF-8 only with it), `,` or `;` as separator. Cells that a
 * spreadsheet would run as a formula are neutralised with a leading apostrophe (OWASP "CSV
 * injection"): visitors type these values, brokers open the file.
 */

export const BOM = '\uFEFF';

export type Separator = ',' | ';';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised, then quoted when it holds the separator, a quote or a line break. */
export function csvCell(value: unknown, separator: Separator = ','): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  if (s.includes(separator) || /["\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvRow(values: readonly unknown[], separator: Separator = ','): string {
  return `${values.map((v) => csvCell(v, separator)).join(separator)}\r\n`;
}
