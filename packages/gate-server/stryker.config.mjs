// Mutation testing of the core's use cases (`pnpm mutation`, not part of CI): each mutant of
// src/core/ is run against the server suites on SQLite (vitest.stryker.config.ts), only the
// tests that cover it (perTest).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default {
  testRunner: 'vitest',
  // Installed at the workspace root, where Stryker's own plugin discovery does not look.
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: ['src/core/*.ts', '!src/core/compose.ts', '!src/core/deps.ts'],
  // The sandbox has no tsconfig: Stryker's rewrite of its `extends` assumes a sandbox two
  // folders below the package, and the server's code needs no compiler option to be transformed.
  ignorePatterns: ['dist', 'data', 'test-output', 'tsconfig*.json'],
  // Two cores, shared: one or two test processes at a time.
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 2.5,
  // The score per file in the terminal; the report under the git-ignored test-output/.
  reporters: ['clear-text', 'progress-append-only', 'html'],
  htmlReporter: { fileName: 'test-output/mutation/mutation.html' },
  // Sandboxes outside the workspace, so that no lint or knip run sees the mutated copies.
  tempDirName: join(tmpdir(), 'tour-gate-stryker'),
  // The next run retests only mutants whose code or tests changed.
  incremental: true,
  incrementalFile: 'test-output/mutation/stryker-incremental.json',
  cleanTempDir: 'always',
};
