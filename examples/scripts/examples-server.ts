/**
 * Serves `examples/` (every example page, the shared files and the free panoramas) with Vite,
 * on another origin than the gate server, as in real embedding. The pages say
 * `http://localhost:8787` like a broker's page names its gate; this server writes the actual gate
 * URL in its place, so tests can run the gate server on any port.
 *
 * Vite because the viewer examples import their viewers from npm (Photo Sphere Viewer and three
 * are ES modules, Marzipano is CommonJS) and TypeScript; its dev server handles both without a
 * build step.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';

export const EXAMPLES_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The gate URL written in the example pages. */
export const PAGE_GATE_URL = 'http://localhost:8787';
/** Where the sample config expects the example pages. */
export const PAGE_EXAMPLES_URL = 'http://localhost:8788';
export const EXAMPLE_PAGES = ['plain', 'pannellum', 'photo-sphere-viewer', 'marzipano', 'cover'] as const;

/**
 * The sample config for examples served at `origin`: the tours' page URLs (where unlock links
 * point) and allowed origins move there; `assetsDir` becomes absolute. The file itself names the
 * default `http://localhost:8788`.
 */
export function moveTours<
  T extends { tours: { pageUrl: string; allowedOrigins?: string[]; assetsDir?: string; embedUrl?: string }[] },
>(config: T, origin: string, configDir = EXAMPLES_ROOT): T {
  for (const tour of config.tours) {
    const page = new URL(tour.pageUrl);
    tour.pageUrl = `${origin}${page.pathname}`;
    tour.allowedOrigins = origin === new URL(PAGE_EXAMPLES_URL).origin ? tour.allowedOrigins : [origin];
    if (tour.assetsDir) tour.assetsDir = resolve(configDir, tour.assetsDir);
    // Cover mode's viewer is an example page too.
    if (tour.embedUrl) tour.embedUrl = `${origin}${new URL(tour.embedUrl).pathname}`;
  }
  return config;
}

export interface ExamplesServerOptions {
  /** Default 8788; 0 for any free port. */
  port?: number;
  host?: string;
  /** The gate server the pages embed; default `http://localhost:8787`. */
  gateUrl?: string;
  /** Quiet for tests. */
  quiet?: boolean;
}

export interface ExamplesServer {
  /** Like `http://localhost:8788`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function gateUrlPlugin(gateUrl: string): Plugin {
  return {
    name: 'tour-gate-url',
    transformIndexHtml: { order: 'pre', handler: (html) => html.replaceAll(PAGE_GATE_URL, gateUrl) },
  };
}

export async function startExamplesServer(options: ExamplesServerOptions = {}): Promise<ExamplesServer> {
  const host = options.host ?? 'localhost';
  const server = await createServer({
    configFile: false,
    root: EXAMPLES_ROOT,
    appType: 'mpa',
    cacheDir: fileURLToPath(new URL('./node_modules/.vite-examples', import.meta.url)),
    logLevel: options.quiet ? 'error' : 'info',
    clearScreen: false,
    plugins: [gateUrlPlugin((options.gateUrl ?? PAGE_GATE_URL).replace(/\/+$/, ''))],
    server: {
      host,
      port: options.port ?? 8788,
      strictPort: true,
      hmr: !options.quiet,
      fs: {
        // Protected panoramas are the gate server's to hand out, never this server's.
        deny: ['.env', '.env.*', '*.{crt,pem}', '**/.git/**', '**/panoramas/protected/**'],
      },
    },
    optimizeDeps: {
      // Scan every page at start, so the first visit of a viewer page doesn't reload it.
      entries: ['index.html', ...EXAMPLE_PAGES.map((page) => `${page}/index.html`)],
    },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8788);
  return { url: `http://${host}:${port}`, port, close: () => server.close() };
}
