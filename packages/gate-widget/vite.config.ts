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
    build: {
      target: 'es2022',
      minify: true,
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
        // The shared contract builds its schemas at module level (`z.object(…)`); marked pure,
        // the schemas the widget never uses drop out of the bundle.
        treeshake: { manualPureFunctions: ['z'] },
        // The script-tag bundle may export more than the entry declares; that lets the bundler
        // merge the code the mask shares with the entry (Lit, the API client) into `widget.js`,
        // so a page loads one file up front instead of two in a row.
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
