/**
 * The vitest run Stryker mutates against (`pnpm mutation`): the server suites on SQLite only,
 * without the browser test, the pack test and the CLI test (they start browsers and child
 * processes, which neither see Stryker's mutants nor fit its per-test coverage).
 *
 * SQLite only: every `forEachBackend` call is redirected to a wrapper that drops PostgreSQL
 * from its backends (a config `testNamePattern` would not do: Stryker's runner resets it on
 * every run). The test files stay as they are.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const BACKENDS = fileURLToPath(new URL('./test/backends.ts', import.meta.url));
const SQLITE_ONLY = '\0stryker-sqlite-only-backends';

function sqliteOnly(): Plugin {
  return {
    name: 'stryker-sqlite-only-backends',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer === SQLITE_ONLY || !source.endsWith('/backends.ts')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === BACKENDS ? SQLITE_ONLY : null;
    },
    load(id) {
      if (id !== SQLITE_ONLY) return null;
      return [
        `import { forEachBackend as onEvery } from ${JSON.stringify(BACKENDS)};`,
        `export * from ${JSON.stringify(BACKENDS)};`,
        'export function forEachBackend(name, body, options = {}) {',
        "  const only = (options.only ?? ['sqlite', 'postgres']).filter((kind) => kind === 'sqlite');",
        '  onEvery(name, body, { ...options, only });',
        '}',
      ].join('\n');
    },
  };
}

export default defineConfig({
  plugins: [sqliteOnly()],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.browser.test.ts', 'test/pack.test.ts', 'test/cli.test.ts', 'test/faults/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Loading the server's modules again for every test file took as long as the tests
    // themselves; the suites also pass sharing them.
    isolate: false,
  },
});
