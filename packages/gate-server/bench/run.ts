/**
 * `pnpm bench` (repository root): tour-gate against bare baselines on this machine, one table.
 *
 *   pnpm bench                         every part, full length (a few minutes)
 *   pnpm bench -- --quick              short rounds: a smoke run, rough figures
 *   pnpm bench -- --only config,access only these keys (see each part's `keys`)
 *
 * Each file in `bench/parts/` is a part: it exports `keys` (what `--only` selects) and
 * `run(ctx): Promise<Row[]>` (see lib.ts). Parts run one after another, in file-name order, each
 * starting and stopping its own servers; the runner prints every row in one table at the end.
 * Needs PostgreSQL for the PostgreSQL rows (`TEST_PG_URL`, default
 * postgres://postgres@127.0.0.1:5432/test); a part that can't run reports why and the rest go on.
 */
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchContext, BenchPart, Row } from './lib.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
  },
  strict: true,
});

const only = values.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const quick = values.quick ?? false;
const ctx: BenchContext = {
  quick,
  wants: (key) => !only || only.includes(key),
  duration: Number(values.duration ?? (quick ? 2 : 5)),
  rounds: Number(values.rounds ?? (quick ? 1 : 3)),
  connections: Number(values.connections ?? 50),
  log: (m) => console.error(`  ${m}`),
};

const partsDir = new URL('./parts/', import.meta.url);
const files = readdirSync(partsDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const known = new Set<string>();
const rows: Row[] = [];
const failures: string[] = [];
console.error(
  `tour-gate bench: Node ${process.version}, ${cpus().length} cores, ${ctx.connections} connections, ` +
    `${ctx.rounds} × ${ctx.duration} s rounds per side${quick ? ' (quick)' : ''}`,
);
for (const file of files) {
  const part = (await import(new URL(file, partsDir).href)) as BenchPart;
  for (const k of part.keys) known.add(k);
  if (!part.keys.some((k) => ctx.wants(k))) continue;
  console.error(`${file}:`);
  try {
    rows.push(...(await part.run(ctx)));
  } catch (err) {
    failures.push(`${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    console.error(`  failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
const unknown = (only ?? []).filter((k) => !known.has(k));
if (unknown.length) {
  console.error(`--only: unknown key(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  process.exitCode = 2;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = [
  [
    'path',
    'db',
    'ratio',
    'req/s',
    'bare req/s',
    'CPU µs/req',
    'bare CPU',
    'p99 ms',
    'bare p99',
    'errors',
    'non-2xx',
    'goal',
    'met',
  ],
  ...rows.map((r) => [
    r.path,
    r.backend,
    r.ratio === undefined ? '–' : `${fmt(r.ratio, 2)}×`,
    fmt(r.rate),
    fmt(r.baseRate),
    fmt(r.cpu),
    fmt(r.baseCpu),
    fmt(r.p99, 1),
    fmt(r.baseP99, 1),
    fmt(r.errors),
    fmt(r.non2xx),
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
console.log();
console.log(line(table[0]!));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table.slice(1)) console.log(line(row));
for (const r of rows.filter((r) => r.note)) console.log(`- ${r.path} (${r.backend}): ${r.note}`);
if (failures.length) {
  console.log(`\n${failures.length} part(s) failed:\n${failures.join('\n')}`);
  process.exitCode = 1;
}
