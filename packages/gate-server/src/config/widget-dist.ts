/**
 * Where the widget's script-tag build (`widget.js`, `widget-chunks/`) is: the `dist` folder of
 * the `@tour-gate/gate-widget` package, found through package resolution from this file. That
 * works inside the workspace (a link to `packages/gate-widget`) and in an installed
 * `node_modules` alike, wherever gate-server's own files end up (`src/` or `dist/`).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function defaultWidgetDist(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@tour-gate/gate-widget/package.json');
  } catch (err) {
    throw new Error(
      'Cannot find the package @tour-gate/gate-widget (a dependency of @tour-gate/gate-server); ' +
        'install it, or set GATE_WIDGET_DIST to the folder that holds widget.js',
      { cause: err },
    );
  }
  return join(dirname(manifest), 'dist');
}
