/**
 * CSV that spreadsheets and CRMs read correctly: RFC 4180 quoting, CRLF line ends, a UTF-8 byte
 * order mark (Excel reads UTF-8 only with it), `,` or `;` as separator.
 *
 * Formula injection (OWASP "CSV injection"): visitors type these values and brokers open the
 * file, so a cell a spreadsheet would run as a formula gets a leading apostrophe. Which cells
 * are that:
 * - a cell starting with `=` or `@`, a tab or a carriage return: always;
 * - a cell starting with `+` or `-`: only when something other than digits and the separators
 *   of a phone number (space, `(`, `)`, `/`, `.`, `-`) follows. "+49 89 1234", "-5" and
 *   "0171-555" hold no letters, quotes, `!` or operators, so no function call and no reference
 *   can hide in them: a spreadsheet shows them as text or a number, never runs anything.
 *   "+1+1" or "-2+3*A1" are neutralised.
 *
 * Keeping leading zeros and `+` without a visible apostrophe: in the semicolon file (the one
 * for German Excel) a postal code or phone number that a spreadsheet would turn into a number
 * ("01067" → 1067, "+4989123" → 4989123, "0171 555" stays text anyway) is written as the text
 * formula `="01067"`, which Excel and LibreOffice show as the text 01067. The value is checked
 * to be only digits and phone separators first, so nothing a visitor typed runs. The comma
 * file is the plain form for programs and CRMs and keeps values exactly as typed. The XLSX
 * export has real text cells and needs none of this.
 */

export const BOM = '\uFEFF';

export type Separator = ',' | ';';

const ALWAYS_FORMULA = /^[=@\t\r]/;
const SIGN_START = /^[+-]/;
/** Digits and the separators of a phone number or postal code, with an optional leading sign. */
const NUMBERLIKE = /^[+-]?[0-9][0-9 ()/.-]*$/;
/** What a spreadsheet would read as a number, losing a leading zero or `+` (or precision). */
const BECOMES_NUMBER = /^(\+[0-9]+|0[0-9]+|[0-9]{16,})$/;

/** Whether a spreadsheet would run the value as a formula. */
export function startsFormula(s: string): boolean {
  if (ALWAYS_FORMULA.test(s)) return true;
  return SIGN_START.test(s) && !NUMBERLIKE.test(s);
}

export interface CellOptions {
  /** A postal code or phone number column of the semicolon (Excel) file: keep it text. */
  keepText?: boolean;
}

/** One cell: neutralised, then quoted when it holds the separator, a quote or a line break. */
export function csvCell(value: unknown, separator: Separator = ',', o: CellOptions = {}): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (startsFormula(s)) s = `'${s}`;
  else if (o.keepText && NUMBERLIKE.test(s) && (BECOMES_NUMBER.test(s) || s.startsWith('+'))) s = `="${s}"`;
  if (s.includes(separator) || /["\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvRow(values: readonly unknown[], separator: Separator = ',', keepText?: readonly boolean[]): string {
  return `${values.map((v, i) => csvCell(v, separator, { keepText: keepText?.[i] ?? false })).join(separator)}\r\n`;
}
