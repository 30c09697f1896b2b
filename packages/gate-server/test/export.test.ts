/**
 * Lead exports: CSV a German spreadsheet opens correctly (BOM, RFC 4180, `;`), formula
 * injection neutralised, JSON valid, both streamed page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../src/core/export/csv.ts';
import { exportChunks } from '../src/core/export/stream.ts';
import type { Registration } from '../src/store/schema.ts';
import { forEachBackend } from './backends.ts';
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

describe('CSV cells', () => {
  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b', ',')).toBe('a;b');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR']) {
      const cell = csvCell(evil);
      expect(cell.replace(/^"/, '').startsWith("'"), evil).toBe(true);
    }
    expect(csvCell('+49 170 123')).toBe("'+49 170 123");
    expect(csvRow(['a', 'b;c', 1], ';')).toBe('a;"b;c";1\r\n');
  });
});

forEachBackend('lead exports', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({
      startWorker: false,
      limits: {
        registrationPerIp: { max: 10_000, windowMs: 60_000 },
        registrationPerTour: { max: 10_000, windowMs: 60_000 },
        registrationPerNetwork: { max: 10_000, windowMs: 60_000 },
      },
    });
    await register(
      server,
      'musterstrasse-12',
      visitor('musterstrasse-12', 0, {
        firstName: '=cmd|"/C calc"!A0',
        lastName: 'Müller; "Ärger"',
        budget: '@SUM(A1)',
      }),
    );
    for (let i = 1; i < 25; i++) {
      await register(server, 'musterstrasse-12', visitor('musterstrasse-12', i));
      server.clock.advance(i % 5 === 0 ? 0 : 1000); // equal timestamps too: keyset paging must not skip
    }
  });
  afterAll(() => server.close());

  it('writes CSV with BOM, header, `;`, neutralised formulas, umlauts and quotes', async () => {
    let text = '';
    for await (const chunk of exportChunks(
      server.store.leads,
      'musterstrasse-12',
      server.deps.tours.get('musterstrasse-12').config,
      { format: 'csv', separator: ';' },
    ))
      text += chunk;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1), ';');
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['id', 'tour', 'status']);
    expect(header).toContain('budget');
    expect(header).not.toContain('company'); // hidden in this tour
    expect(header.slice(-4)).toEqual(['consentAt', 'consentVersion', 'consentPrivacy', 'consentMarketing']);
    expect(rows).toHaveLength(26);
    const first = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
    expect(first.firstName).toBe('\'=cmd|"/C calc"!A0');
    expect(first.lastName).toBe('Müller; "Ärger"');
    expect(first.budget).toBe("'@SUM(A1)");
    expect(first.phone).toBe("'+49 170 1000000");
    expect(first.consentVersion).toBe('2026-01');
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(25);
  });

  it('streams JSON in pages and never repeats or skips a lead', async () => {
    const chunks: string[] = [];
    const progress: number[] = [];
    for await (const c of exportChunks(server.store.leads, 'musterstrasse-12', undefined, {
      format: 'json',
      pageSize: 4,
      onProgress: (d) => progress.push(d),
    }))
      chunks.push(c);
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
