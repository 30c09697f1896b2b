/**
 * The import rules of the workspace (`pnpm guards`, part of `pnpm test`).
 * Paths are relative to the workspace root; tests, bench and scripts are outside `src/` and
 * may import what they need, except another package's `src/` by a relative path.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const SERVER = '^packages/gate-server/src/';
const WEB_ADAPTERS = `${SERVER}((http|dashboard|admin|cli)/|cli\\.ts$)`;

module.exports = {
  forbidden: [
    {
      name: 'web-adapters-at-the-edge',
      comment:
        "gate-server's web adapters (http/, dashboard/, admin/) and its CLI (cli.ts, cli/) sit on the core: " +
        'only they themselves, server.ts and index.ts import them. core/, store/, mail/, config/, security/ ' +
        'and util/ import none of them.',
      severity: 'error',
      from: { path: SERVER, pathNot: [WEB_ADAPTERS, `${SERVER}(server|index)\\.ts$`] },
      to: { path: WEB_ADAPTERS },
    },
    {
      name: 'kysely-only-in-store',
      comment: "Kysely is the store's business: in src/ it is imported only inside gate-server's src/store/.",
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: `${SERVER}store/` },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'no-circular',
      comment: "An import cycle in a package's src/.",
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-relative-import-of-another-package',
      comment:
        "Another package's src/ is reached through its package name (@tour-gate/…) and its exports, " +
        'never through a relative path across the package boundary.',
      severity: 'error',
      from: { path: '^(packages|examples)/([^/]+)/' },
      to: { dependencyTypes: ['local'], path: '^packages/[^/]+/src/', pathNot: '^$1/$2/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import in a package that does not resolve (a typo, a missing dependency of that package).',
      severity: 'error',
      // The published bin runs the build, which exists only after `pnpm pack` (the pack test
      // checks that it resolves there).
      from: { path: '^packages/', pathNot: '^packages/gate-server/bin/tour-gate\\.dist\\.js$' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed, but its modules stay in the graph (for kysely-only-in-store).
    exclude: { path: ['^(packages|examples)/[^/]+/(dist|test-output|test-results|coverage)/', '^\\.tsbuild/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
