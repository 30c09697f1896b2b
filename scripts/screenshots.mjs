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

/** The pictures the README shows; each must be taken, or nothing is copied. */
const SHOWN = [
  // The visitor: the mask, what follows it, the unlocked confirmation, cover mode, a refused embed.
  'mask-de-desktop.png',
  'mask-en-mobile.png',
  'outcome-check-email.png',
  'outcome-awaiting-approval.png',
  'outcome-access-denied.png',
  'unlocked-confirmation-desktop.png',
  'unlocked-confirmation-mobile.png',
  'cover-de-desktop.png',
  'cover-de-phone.png',
  'embed-refused-desktop.png',
  // The broker: the review page, the dashboard at 360 and 1280 px, settings, embed page, profile.
  'review-page.png',
  'review-360.png',
  'review-1280.png',
  'dashboard-tour.png',
  'dashboard-pending.png',
  'dashboard-lead.png',
  'dashboard-360.png',
  'dashboard-1280.png',
  'dashboard-tours-musterstrasse-12-days-compare-360.png',
  'dashboard-tours-musterstrasse-12-days-compare-1280.png',
  'dashboard-tours-gartenweg-3-leads-360.png',
  'dashboard-tours-gartenweg-3-leads-1280.png',
  'dashboard-tours-gartenweg-3-leads-lead-360.png',
  'dashboard-tours-gartenweg-3-leads-lead-1280.png',
  'dashboard-settings-360.png',
  'dashboard-settings-1280.png',
  'dashboard-embed-360.png',
  'dashboard-embed-1280.png',
  'dashboard-profile-1280.png',
];

rmSync(OUT, { recursive: true, force: true });
pnpm(
  '--filter',
  '@tour-gate/gate-server',
  'exec',
  'vitest',
  'run',
  'test/dashboard.browser.test.ts',
  'test/dashboard-phone.browser.test.ts',
);
pnpm(
  '--filter',
  '@tour-gate/example-e2e',
  'exec',
  'vitest',
  'run',
  'email-release.test.ts',
  'manual-release.test.ts',
  'link-lands.test.ts',
  'cover.test.ts',
  'tour-settings.test.ts',
);

const taken = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.png')) : [];
const missing = SHOWN.filter((f) => !taken.includes(f));
if (missing.length) {
  console.error(`\nscreenshots: not taken by the tests: ${missing.join(', ')} (is Chromium at /usr/bin/chromium?)`);
  process.exit(1);
}
mkdirSync(DOCS, { recursive: true });
for (const f of SHOWN) copyFileSync(join(OUT, f), join(DOCS, f));
const stale = readdirSync(DOCS).filter((f) => f.endsWith('.png') && !SHOWN.includes(f));
console.log(`\nscreenshots: copied ${SHOWN.length} to docs/screenshots/`);
if (stale.length) console.log(`not shown in the README any more (delete them): ${stale.join(', ')}`);
