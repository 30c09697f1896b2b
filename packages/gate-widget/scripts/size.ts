/**
 * Prints the gzip size of the script-tag bundle: what a tour page loads up front (`widget.js`
 * and every chunk it imports statically), what loads only when needed (dynamic imports, like
 * the mask), the total, and the cover chunk on its own. Exits non-zero when a budget is exceeded.
 *
 * `pnpm size` builds first; `tsx scripts/size.ts` measures what is in `dist/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_UP_FRONT = 10 * 1024;
/**
 * The mask chunk loads on the first locked click only (or when the page is idle). Raised from
 * 20 KB total when the mask learnt the returning visitor's screens (pending, denied, released
 * elsewhere, revoked, rate limit, new link by address) and the country choice; its texts are a
 * chunk per language since, so a visitor loads one.
 */
const BUDGET_LAZY = 14 * 1024;
const BUDGET_TOTAL = 24 * 1024;
/**
 * The cover and the embed notice (`src/cover/`): a chunk only a page with `<tour-gate cover>`
 * or an embed that fails (origin not allowed, unknown tour, server away) loads. Measured on its
 * own, so a tour page's path (up front + mask) keeps its budgets; a cover page loads it on top.
 */
const BUDGET_COVER = 3.5 * 1024;

/** `SIZE_DIST` measures another build folder (`vite build --outDir …`) instead of `dist/`. */
const dist = resolve(process.env.SIZE_DIST ?? resolve(dirname(fileURLToPath(import.meta.url)), '../dist'));
const entry = join(dist, 'widget.js');

const gzip = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Relative specifiers of static `import … from "./x.js"` and `import "./x.js"` statements. */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found = [...code.matchAll(/(?:^|[;\s])(?:import|export)\s*(?:[^'"();]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)];
  return found.map((m) => resolve(dirname(file), m[1] ?? ''));
}

const upFront = new Set<string>();
const queue = [entry];
while (queue.length) {
  const file = queue.pop() as string;
  if (upFront.has(file)) continue;
  upFront.add(file);
  queue.push(...staticImports(file));
}

const chunkDir = join(dist, 'widget-chunks');
const all = [entry, ...readdirSync(chunkDir).map((name) => join(chunkDir, name))].filter((f) => f.endsWith('.js'));
/** The cover chunk (see `BUDGET_COVER`). */
const isCover = (f: string) => /^cover-[\w-]+\.js$/.test(basename(f));
const lazy = all.filter((f) => !upFront.has(f) && !isCover(f));
const cover = all.filter(isCover);
/** The mask's texts, a chunk per language (`i18n/index.ts`): a visitor loads one of them. */
const LANGUAGE_CHUNK = /^(de|en)-[\w-]+\.js$/;
const isLanguage = (f: string) => LANGUAGE_CHUNK.test(basename(f));

const sum = (files: string[]) => files.reduce((total, f) => total + gzip(f), 0);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const list = (files: string[]) => files.map((f) => `    ${relative(dist, f)}  ${kb(gzip(f))}`).join('\n');

const upFrontSize = sum([...upFront]);
// Every lazy chunk, but of the language chunks only the largest: what a visitor can load at most.
const lazySize = sum(lazy.filter((f) => !isLanguage(f))) + Math.max(0, ...lazy.filter(isLanguage).map(gzip));
const total = upFrontSize + lazySize;
const coverSize = sum(cover);

console.log(`up front  ${kb(upFrontSize)} gzip (budget ${kb(BUDGET_UP_FRONT)})\n${list([...upFront])}`);
console.log(`lazy      ${kb(lazySize)} gzip, one language (budget ${kb(BUDGET_LAZY)})\n${list(lazy)}`);
console.log(`total     ${kb(total)} gzip (budget ${kb(BUDGET_TOTAL)})`);
console.log(
  `cover     ${kb(coverSize)} gzip (budget ${kb(BUDGET_COVER)}; a cover page or a failed embed: ${kb(total + coverSize)} in all)\n${list(cover)}`,
);

if (upFrontSize > BUDGET_UP_FRONT || lazySize > BUDGET_LAZY || total > BUDGET_TOTAL || coverSize > BUDGET_COVER) {
  console.error('over budget');
  process.exit(1);
}
