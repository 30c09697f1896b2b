/**
 * Lead exports: CSV a German spreadsheet opens correctly (BOM, RFC 4180, `;`, German headers
 * and values, postal codes and phone numbers that stay text without a visible apostrophe),
 * formula injection neutralised, XLSX read back by a separate reader (read-excel-file) with
 * its cell types, and frozen header and autofilter checked in the sheet's XML, JSON valid, all
 * streamed page by page.
 */
import { inflateRawSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerKey } from '../src/core/api-keys.ts';
import { csvCell, csvRow, startsFormula } from '../src/core/export/csv.ts';
import { exportChunks } from '../src/core/export/stream.ts';
import type { Registration } from '../src/store/schema.ts';
import { forEachBackend } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import type { TestServer } from './harness.ts';
import { register, visitor } from './seed.ts';

/** A minimal RFC 4180 parser, to read back what the exporter wrote. */
function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

/** The files of a zip (central directory; stored or deflated), enough to read an XLSX's XML. */
function unzip(buf: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

async function collect(chunks: AsyncGenerator<string | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c));
  return Buffer.concat(parts);
}

const berlin = (ms: number, locale: string) =>
  new Intl.DateTimeFormat(locale, {
    timeZone: 'Europe/Berlin',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));

const byHeader = (header: readonly unknown[], row: readonly unknown[]) =>
  Object.fromEntries(header.map((h, i) => [String(h), row[i]]));

describe('CSV cells', () => {
  it('quotes per RFC 4180 and neutralises what starts a formula, not phone numbers', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b', ',')).toBe('a;b');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    for (const evil of [
      '=HYPERLINK("http://x","y")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\tTAB',
      '\rCR',
      '+cmd|"/C calc"!A0',
      '-SUM(A1:A9)',
      '+49 170 123+A1',
    ]) {
      expect(startsFormula(evil), evil).toBe(true);
      expect(csvCell(evil).replace(/^"/, '').startsWith("'"), evil).toBe(true);
      expect(csvCell(evil, ';', { keepText: true }).replace(/^"/, '').startsWith("'"), evil).toBe(true);
    }
    // Phone numbers and negative numbers hold nothing a spreadsheet could run: no apostrophe.
    for (const plain of ['+49 170 123', '+49 (0)89 / 1234-5', '-5', '0171-555 12']) {
      expect(startsFormula(plain), plain).toBe(false);
      expect(csvCell(plain)).toBe(plain);
    }
    // The semicolon (Excel) file keeps postal codes and phone numbers text: ="…".
    expect(csvCell('01067', ';', { keepText: true })).toBe('"=""01067"""');
    expect(csvCell('+49 170 123', ';', { keepText: true })).toBe('"=""+49 170 123"""');
    expect(csvCell('50667', ';', { keepText: true })).toBe('50667');
    expect(csvCell('0171 555', ';')).toBe('0171 555');
    expect(csvRow(['a', 'b;c', 1], ';')).toBe('a;"b;c";1\r\n');
  });
});

forEachBackend('lead exports', (backend) => {
  let server: TestServer;
  const config = () => server.deps.tours.get('musterstrasse-12').config;
  beforeAll(async () => {
    server = await backend.start({
      startWorker: false,
      limits: {
        registrationPerIp: { max: 10_000, windowMs: 60_000 },
        registrationPerTour: { max: 10_000, windowMs: 60_000 },
        registrationPerNetwork: { max: 10_000, windowMs: 60_000 },
      },
    });
    await register(server, 'musterstrasse-12', {
      ...visitor('musterstrasse-12', 0, {
        firstName: '=cmd|"/C calc"!A0',
        lastName: 'Müller; "Ärger"',
        budget: '@SUM(A1)',
        salutation: 'ms',
        postalCode: '01067',
        phone: '+49 351 1234567',
      }),
      viewpoint: 'schlafzimmer',
    });
    for (let i = 1; i < 25; i++) {
      await register(server, 'musterstrasse-12', visitor('musterstrasse-12', i));
      server.clock.advance(i % 5 === 0 ? 0 : 1000); // equal timestamps too: keyset paging must not skip
    }
  });
  afterAll(() => server.close());

  const firstVisitor = async () =>
    (await server.store.findRegistration('musterstrasse-12', 'musterstrasse-12-visitor-0@example.org'))!;

  it('writes CSV with BOM, German headers and values, `;`, text postal codes and phones, no formulas', async () => {
    const text = (
      await collect(exportChunks(server.store.leads, 'musterstrasse-12', config(), { format: 'csv', separator: ';' }))
    ).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1), ';');
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['Registriert am', 'Status', 'Anrede']);
    expect(header).toContain('Budget');
    expect(header).toContain('Postleitzahl');
    expect(header).not.toContain('Firma'); // hidden in this tour
    expect(header.join(' ')).not.toMatch(/[a-z][A-Z]/); // no camelCase
    expect(header).toEqual(
      expect.arrayContaining([
        'Einwilligung erteilt am',
        'Version der Einwilligungstexte',
        'Datenschutzhinweise akzeptiert',
        'Werbeeinwilligung',
      ]),
    );
    expect(header.at(-1)).toBe('Interessenten-ID');
    expect(rows).toHaveLength(26);
    const first = byHeader(header, rows[1]!);
    expect(first.Vorname).toBe('\'=cmd|"/C calc"!A0');
    expect(first.Nachname).toBe('Müller; "Ärger"');
    expect(first.Budget).toBe("'@SUM(A1)");
    expect(first.Anrede).toBe('Frau');
    expect(first.Status).toBe('Automatisch freigegeben');
    expect(first['Angefragter Standpunkt']).toBe('Schlafzimmer');
    expect(first.Werbeeinwilligung).toMatch(/^Ja\b/); // in words, never `true`
    expect(first['Version der Einwilligungstexte']).toBe('2026-01');
    // Leading zero and plus kept, as text formulas a spreadsheet shows without an apostrophe.
    expect(first.Postleitzahl).toBe('="01067"');
    expect(first.Telefon).toBe('="+49 351 1234567"');
    expect(text).not.toContain("'+49");
    // Berlin time in German form: the moment of the registration, not UTC.
    const reg = await firstVisitor();
    expect(first['Registriert am']).toBe(berlin(Number(reg.created_at), 'de-DE').replace(',', ''));
    expect(first['Registriert am']).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    expect(new Set(rows.slice(1).map((r) => r.at(-1))).size).toBe(25);

    // The comma file: the values exactly as typed (for programs and CRMs), no apostrophe.
    const plain = parseCsv(
      (await collect(exportChunks(server.store.leads, 'musterstrasse-12', config(), { format: 'csv' })))
        .toString('utf8')
        .slice(1),
      ',',
    );
    const p1 = byHeader(plain[0]!, plain[1]!);
    expect(p1.Postleitzahl).toBe('01067');
    expect(p1.Telefon).toBe('+49 351 1234567');

    // English headers and values for a broker who reads English.
    const en = parseCsv(
      (await collect(exportChunks(server.store.leads, 'musterstrasse-12', config(), { format: 'csv', locale: 'en' })))
        .toString('utf8')
        .slice(1),
      ',',
    );
    expect(en[0]!.slice(0, 3)).toEqual(['Registered', 'Status', 'Salutation']);
    const e1 = byHeader(en[0]!, en[1]!);
    expect(e1.Salutation).toBe('Ms');
    expect(e1.Status).toBe('Granted automatically');
    expect(e1['Postal code']).toBe('01067');
  });

  it('writes XLSX that another reader reads: German headers, text postal codes and phones, date cells', async () => {
    const progress: number[] = [];
    const buf = await collect(
      exportChunks(server.store.leads, 'musterstrasse-12', config(), {
        format: 'xlsx',
        pageSize: 7,
        onProgress: (d) => progress.push(d),
      }),
    );
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    expect(progress).toEqual([7, 14, 21, 25]);
    const rows = await readSheet(buf);
    expect(rows).toHaveLength(26);
    const header = rows[0] as string[];
    expect(header.slice(0, 3)).toEqual(['Registriert am', 'Status', 'Anrede']);
    const first = byHeader(header, rows[1]!);
    expect(first.Postleitzahl).toBe('01067');
    expect(first.Telefon).toBe('+49 351 1234567');
    expect(first.Vorname).toBe('=cmd|"/C calc"!A0'); // a string cell: data, never a formula
    expect(first.Anrede).toBe('Frau');
    expect(first.Status).toBe('Automatisch freigegeben');
    expect(first['Registriert am']).toBeInstanceOf(Date);
    expect(first['Freigegeben am']).toBeInstanceOf(Date);
    expect(first['Entschieden am'] ?? null).toBeNull();
    // The cell shows Berlin wall-clock time (a spreadsheet has no time zones).
    const reg = await firstVisitor();
    const wall = (first['Registriert am'] as Date).toISOString().slice(0, 16); // YYYY-MM-DDTHH:MM
    const [d, t] = berlin(Number(reg.created_at), 'de-DE').split(', ');
    const [dd, mm, yyyy] = d!.split('.');
    expect(wall).toBe(`${yyyy}-${mm}-${dd}T${t}`);

    // Cell types in the sheet's XML: postal codes and phones are strings, dates numbers with a
    // date format; the first row frozen, the autofilter over the header.
    const files = unzip(buf);
    const sheetXml = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheetXml).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheetXml).toMatch(/<autoFilter ref="A1:[A-Z]+1"\/>/);
    const sheet = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(sheetXml);
    const cells = sheet.worksheet.sheetData.row[1].c as { r: string; t?: string }[];
    const cell = (name: string) => cells.find((c) => c.r === `${String.fromCharCode(65 + header.indexOf(name))}2`)!;
    expect(cell('Postleitzahl').t).toMatch(/^(inlineStr|s|str)$/);
    expect(cell('Telefon').t).toMatch(/^(inlineStr|s|str)$/);
    expect(cell('Registriert am').t).toBeUndefined(); // a number: the date's serial
    const styles = files.get('xl/styles.xml')!;
    expect(styles).toContain('formatCode="dd.mm.yyyy hh:mm"');
    expect(styles).toMatch(/<xf numFmtId="49"/); // the built-in text format @

    // English for a broker who reads English.
    const en = await readSheet(
      await collect(exportChunks(server.store.leads, 'musterstrasse-12', config(), { format: 'xlsx', locale: 'en' })),
    );
    expect((en[0] as string[]).slice(0, 3)).toEqual(['Registered', 'Status', 'Salutation']);
  });

  it("serves the XLSX from the dashboard and the admin API, in the broker's language or the one asked for", async () => {
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const client = await loginAs(server, 'anna@mueller-immobilien.example');
    const dash = await client.get('/dashboard/tours/musterstrasse-12/export?format=xlsx&status=released');
    expect(dash.status).toBe(200);
    expect(dash.headers.get('content-type')).toBe(XLSX);
    expect(dash.headers.get('content-disposition')).toBe('attachment; filename="musterstrasse-12-leads.xlsx"');
    const rows = await readSheet(Buffer.from(await dash.arrayBuffer()));
    expect(rows).toHaveLength(26);
    expect((rows[0] as string[])[0]).toBe('Registriert am');

    const key = (await createBrokerKey(server.store, 'mueller', 'test', server.clock.now)).key;
    const auth = { authorization: `Bearer ${key}` };
    const api = await server.get('/v1/admin/tours/musterstrasse-12/leads?format=xlsx&locale=en', auth);
    expect(api.status).toBe(200);
    expect(api.headers.get('content-type')).toBe(XLSX);
    const en = await readSheet(Buffer.from(await api.arrayBuffer()));
    expect((en[0] as string[]).slice(0, 2)).toEqual(['Registered', 'Status']);
    expect(en).toHaveLength(26);
    const bad = await server.get('/v1/admin/tours/musterstrasse-12/leads?format=xlsx&locale=fr', auth);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('streams JSON in pages and never repeats or skips a lead', async () => {
    const chunks: string[] = [];
    const progress: number[] = [];
    for await (const c of exportChunks(server.store.leads, 'musterstrasse-12', undefined, {
      format: 'json',
      pageSize: 4,
      onProgress: (d) => progress.push(d),
    }))
      if (typeof c === 'string') chunks.push(c);
    expect(chunks.length).toBe(2 + Math.ceil(25 / 4));
    expect(progress.at(-1)).toBe(25);
    const leads = JSON.parse(chunks.join('')) as {
      id: string;
      fields: Record<string, string>;
      consent: { version: string };
    }[];
    expect(leads).toHaveLength(25);
    expect(new Set(leads.map((l) => l.id)).size).toBe(25);
    expect(leads[0]!.fields.lastName).toBe('Müller; "Ärger"');
    expect(leads[0]!.consent.version).toBe('2026-01');
    const empty = [];
    for await (const c of exportChunks(server.store.leads, 'gartenweg-3', undefined, { format: 'json' })) empty.push(c);
    expect(JSON.parse(empty.join(''))).toEqual([]);
  });

  it('lists leads newest first in pages, with search and state filter', async () => {
    const leads = server.store.leads;
    const seen: string[] = [];
    for (let p = 1; p <= 3; p++) {
      const page = await leads.list('musterstrasse-12', {}, p, 10);
      expect(page).toMatchObject({ total: 25, pages: 3, page: p });
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(new Set(seen).size).toBe(25);
    expect((await leads.list('musterstrasse-12', {}, 99, 10)).page).toBe(3);
    const found = await leads.list('musterstrasse-12', { q: 'ÄRGER' }, 1);
    expect(found.total).toBe(server.store.dialect === 'sqlite' ? 0 : 1); // SQLite lower() folds ASCII only
    expect((await leads.list('musterstrasse-12', { q: 'visitor-1' }, 1)).total).toBe(11);
    expect((await leads.list('musterstrasse-12', { q: '_' }, 1)).total).toBe(0);
    expect((await leads.list('musterstrasse-12', { status: 'pending' }, 1)).total).toBe(0);
  });

  it('keyset paging handles equal creation times', async () => {
    const ids: string[] = [];
    for await (const page of server.store.leads.pages('musterstrasse-12', {}, 3))
      ids.push(...page.map((r: Registration) => r.id));
    expect(ids).toHaveLength(25);
    expect([...ids].sort()).toEqual([...new Set(ids)].sort());
  });
});
