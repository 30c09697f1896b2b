/**
 * `pnpm screenshots`: runs the tests that take the README's screenshots (the dashboard in
 * Chromium, the end-to-end tests of the examples) and copies what they wrote to the untracked
 * `test-output/screenshots/` into the tracked `docs/screenshots/`. Nothing is copied unless
 * every one of those tests passed. `pnpm test` itself never touches `docs/`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'test-output/screenshots');
const DOCS = join(REPO, 'docs/screenshots');

/** @param {string[]} args */
function pnpm(...args) {
  console.log(`\n> pnpm ${args.join(' ')}`);
  const r = spawnSync('pnpm', args, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nscreenshots: \`pnpm ${args.join(' ')}\` failed; docs/screenshots/ left as it was.`);
    process.exit(r.status ?? 1);
  }
}

rmSync(OUT, { recursive: true, force: true });
pnpm('--filter', '@tour-gate/gate-server', 'exec', 'vitest', 'run', 'test/dashboard.browser.test.ts');
pnpm('--filter', '@tour-gate/example-e2e', 'exec', 'vitest', 'run', 'email-release.test.ts', 'manual-release.test.ts');

const taken = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.png')) : [];
if (taken.length === 0) {
  console.error(`\nscreenshots: the tests wrote nothing to ${OUT} (is Chromium at /usr/bin/chromium?)`);
  process.exit(1);
}
mkdirSync(DOCS, { recursive: true });
for (const f of taken.sort()) copyFileSync(join(OUT, f), join(DOCS, f));
const stale = readdirSync(DOCS).filter((f) => f.endsWith('.png') && !taken.includes(f));
console.log(`\nscreenshots: copied ${taken.length} to docs/screenshots/: ${taken.join(', ')}`);
if (stale.length) console.log(`not taken by any test (left as they are): ${stale.join(', ')}`);
