/**
 * Two builds of the same entry:
 * - default: the script-tag bundle the gate server serves — `dist/widget.js` plus lazily loaded,
 *   content-hashed chunks in `dist/widget-chunks/`, imported relatively so they resolve against
 *   wherever `widget.js` is served; everything (Lit, zod/mini) is inside.
 * - `--mode module`: ES modules for bundlers in `dist/module/` (the element and the viewer
 *   adapters), with Lit and the shared contract left as imports so the page's bundler shares them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { minifyTemplatesPlugin } from './scripts/minify-templates.ts';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));
const entry = src('index.ts');
/** The module build also ships the viewer adapters, one file each (no runtime dependencies). */
const moduleEntries = {
  index: entry,
  'adapters/pannellum': src('adapters/pannellum.ts'),
  'adapters/photo-sphere-viewer': src('adapters/photo-sphere-viewer.ts'),
  'adapters/marzipano': src('adapters/marzipano.ts'),
};

export default defineConfig(({ mode }) => {
  const module = mode === 'module';
  return {
    // The script-tag bundle only: the module build leaves the templates to the page's bundler.
    plugins: module ? [] : [minifyTemplatesPlugin()],
    build: {
      target: 'es2022',
      // The script-tag bundle goes through terser after rolldown's own minifier: three compress
      // passes, no parentheses around function arguments, unused parameters dropped (nothing in
      // the widget or Lit reads a function's `length`). About 150 bytes off `widget.js`, whose
      // 10 KB up-front budget is nearly full.
      minify: module ? true : 'terser',
      terserOptions: {
        compress: { passes: 3, ecma: 2020, module: true, keep_fargs: false },
        // Never a `z`: rolldown's final minify takes `manualPureFunctions: ['z']` (below) as
        // "every call to a function named z is pure" and drops such calls whose result is unused:
        // a function terser renamed to `z` would vanish with its side effects (it took the mask's
        // clearRequest, so a forgotten request stayed stored).
        mangle: { module: true, reserved: ['z'] },
        format: { ecma: 2020, wrap_func_args: false },
      },
      sourcemap: module,
      outDir: module ? 'dist/module' : 'dist',
      emptyOutDir: true,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib: {
        entry: module ? moduleEntries : entry,
        formats: ['es'],
        fileName: (_format, name) => (module ? `${name}.js` : 'widget.js'),
      },
      rolldownOptions: {
        treeshake: {
          // The shared contract builds its schemas at module level (`z.object(…)`); marked pure,
          // the schemas the widget never uses drop out of the bundle.
          manualPureFunctions: ['z'],
          // Nothing in the shared contract runs for its side effects: a module of it the widget
          // only partly uses (error messages, field catalogue, postal codes) leaves the rest
          // behind instead of keeping its top-level statements in `widget.js` (1.5 KB gzip).
          moduleSideEffects: (id: string) => !/[\\/]packages[\\/]shared[\\/]/.test(id),
        },
        // The script-tag bundle may export more than the entry declares; that lets the bundler
        // merge the code the mask shares with the entry (Lit, the API client) into `widget.js`,
        // so a page loads one file up front instead of two in a row. (A lazy chunk importing a
        // module of the entry's that the mask does not share can split that merge: see
        // `cover/cover.ts` on the locale.)
        preserveEntrySignatures: module ? 'strict' : 'allow-extension',
        external: module ? [/^lit(\/|$)/, /^@tour-gate\/shared/, /^zod(\/|$)/] : [],
        output: {
          minify: true,
          chunkFileNames: module ? 'chunks/[name]-[hash].js' : 'widget-chunks/[name]-[hash].js',
        },
      },
    },
  };
});
