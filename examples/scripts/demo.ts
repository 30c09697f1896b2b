/**
 * `pnpm demo`: everything a newcomer needs to click through both release modes, in one process
 * and with nothing to install or configure — the widget is built if needed, the panoramas are
 * drawn if missing, gate-server starts on its embedded defaults (SQLite under ./data, the dev
 * mailbox instead of SMTP) with `examples/tour-gate.config.json`, and the example pages are
 * served from another origin (port 8788), as on a broker's own site.
 *
 * Ports: `PORT` (gate, default 8787) and `EXAMPLES_PORT` (default 8788). The example pages and
 * the sample config name these defaults.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateServer, parseConfig, readEnv } from '@tour-gate/gate-server';
import { EXAMPLE_PAGES, moveTours, startExamplesServer } from './examples-server.ts';
import { makePanoramas } from './make-panoramas.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WIDGET = join(REPO, 'packages/gate-widget');

/** The newest modification time under a folder. */
function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds the widget when `dist/widget.js` is missing or older than its sources. */
export function ensureWidgetBuilt(log: (line: string) => void = console.log): void {
  const bundle = join(WIDGET, 'dist/widget.js');
  const sources = Math.max(newest(join(WIDGET, 'src')), newest(join(REPO, 'packages/shared/src')));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  log('Building the widget (packages/gate-widget → dist/widget.js) …');
  const built = spawnSync('pnpm', ['--filter', '@tour-gate/gate-widget', 'run', 'build'], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) throw new Error('the widget build failed (see above)');
}

/** Fails early, with a sentence, when a port is taken (an earlier demo still running, say). */
function checkPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new Error(
          `Port ${port} (${what}) is in use — is another demo running? Set ${what === 'gate server' ? 'PORT' : 'EXAMPLES_PORT'} to use another.`,
        ),
      ),
    );
    probe.listen(port, () => probe.close(() => resolvePort()));
  });
}

async function main(): Promise<void> {
  const examplesPort = Number(process.env.EXAMPLES_PORT ?? 8788);
  await checkPortFree(Number(process.env.PORT ?? 8787), 'gate server');
  await checkPortFree(examplesPort, 'examples server');
  ensureWidgetBuilt();
  const drawn = makePanoramas();
  if (drawn) console.log(`Drew ${drawn} panorama(s) into examples/panoramas/.`);

  const env = readEnv({
    ...process.env,
    GATE_CONFIG: process.env.GATE_CONFIG ?? join(REPO, 'examples/tour-gate.config.json'),
    GATE_DATABASE_URL: process.env.GATE_DATABASE_URL ?? resolve(REPO, 'data/demo.sqlite'),
    // Mails are read in the dev mailbox (served only when asked for, never in production).
    GATE_DEV_MAILBOX: process.env.GATE_DEV_MAILBOX ?? '1',
  });
  // With another EXAMPLES_PORT the tours move along, so unlock links and CORS still fit.
  const raw = JSON.parse(readFileSync(env.configPath, 'utf8'));
  const config = parseConfig(
    moveTours(raw, `http://localhost:${examplesPort}`, dirname(env.configPath)),
    env.configPath,
  );
  const gate = await createGateServer({ env, config });
  const gatePort = await gate.listen(env.port);
  const examples = await startExamplesServer({ port: examplesPort, gateUrl: env.publicUrl, quiet: true });

  const tours = gate.deps.tours.all().map((t) => t.config);
  const line = (label: string, url: string) => console.log(`  ${label.padEnd(22)} ${url}`);
  console.log('\ntour-gate demo is running.\n');
  console.log('Tour pages (served from another origin than the gate, as on a broker’s site):');
  line('all examples', `${examples.url}/`);
  for (const page of EXAMPLE_PAGES) line(page, `${examples.url}/${page}/`);
  console.log('\nGate server:');
  line('dev mailbox', `${env.publicUrl}/dev/mailbox`);
  line('widget', `${env.publicUrl}/widget.js`);
  line('database', gate.store.description);
  console.log('\nTours:');
  for (const t of tours) line(`${t.id} (${t.mode})`, t.pageUrl);
  console.log(
    `\nClick a room with a lock, send the mask, then open the dev mailbox and click the link.` +
      `\nGartenweg 3 uses manual release: the broker's mail leads to the review page first.` +
      `\n(gate on port ${gatePort}; stop with Ctrl+C)\n`,
  );

  const stop = async () => {
    await examples.close();
    await gate.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
