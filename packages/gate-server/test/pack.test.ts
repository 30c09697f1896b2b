/**
 * The packages as a user installs them: `pnpm pack` gate-server, gate-widget and shared (each
 * `prepack` builds afresh), `npm install` the three tarballs into a folder outside the
 * workspace, then
 * - start `tour-gate serve` from there on a config file and an SQLite database in that folder,
 *   and get `/healthz`, a tour's gate config, `widget.js` and its chunk;
 * - build a fresh Vite project that imports `@tour-gate/gate-widget`;
 * - type-check a file against the installed packages' declarations.
 *
 * Slow (npm downloads; better-sqlite3 may compile, ~65 s): `pnpm test` runs it on its own,
 * after the other server tests.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWidgetDist } from '../src/config/widget-dist.ts';

const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./pack/', import.meta.url));
const PACKAGES = ['shared', 'gate-widget', 'gate-server'] as const;

/** The same versions the workspace builds with, so npm's cache usually has them. */
const versionOf = (pkg: string, from: string) =>
  (
    JSON.parse(readFileSync(join(PACKAGES_DIR, from, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/**
 * The environment of a user's shell, not of this test run: nothing of vitest (NODE_ENV=test),
 * of the pnpm script running it (npm_* settings would steer npm) or of the gate's settings.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|GATE_|NODE_ENV$|NODE_OPTIONS$|TEST$|PORT$)/i.test(key)) continue;
    env[key] = value;
  }
  // better-sqlite3 compiles against the local Node headers where no prebuilt binary fits.
  return { ...env, npm_config_nodedir: '/usr', ...extra };
}

async function run(command: string, args: string[], cwd: string, env = userEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const tail = (s: string) => s.split('\n').slice(-40).join('\n');
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${tail(stdout)}\n${tail(stderr)}`,
          ),
        );
      } else resolve(stdout);
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The file paths in `exports`/`bin` (the values, at any depth of conditions). */
const targetsOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(targetsOf)
      : [];

const timings: Record<string, number> = {};
async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = Math.round(performance.now() - start);
  }
}

describe('the widget build gate-server serves by default', () => {
  it("is gate-widget's dist folder, found through package resolution", () => {
    expect(defaultWidgetDist()).toBe(join(PACKAGES_DIR, 'gate-widget', 'dist'));
  });
});

describe('the packed packages, installed outside the workspace', () => {
  let dir = '';
  let server: ChildProcess | undefined;
  const begun = performance.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tour-gate-pack-'));
    const tarballs = join(dir, 'tarballs');
    mkdirSync(tarballs);
    // One after the other: gate-server's build reads shared's, and pnpm pack runs each prepack.
    for (const name of PACKAGES) {
      await timed(`pnpm pack ${name}`, () =>
        run('pnpm', ['pack', '--pack-destination', tarballs], join(PACKAGES_DIR, name)),
      );
    }
    const tarball = (name: string) => {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`tour-gate-${name}-`) && f.endsWith('.tgz'));
      if (!file) throw new Error(`no tarball of ${name} in ${tarballs}`);
      return `file:./tarballs/${file}`;
    };
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'tour-gate-install-check',
          private: true,
          type: 'module',
          dependencies: {
            '@tour-gate/gate-server': tarball('gate-server'),
            '@tour-gate/gate-widget': tarball('gate-widget'),
            '@tour-gate/shared': tarball('shared'),
          },
          devDependencies: {
            '@types/node': versionOf('@types/node', '..'),
            typescript: versionOf('typescript', '..'),
            vite: versionOf('vite', 'gate-widget'),
          },
        },
        null,
        2,
      ),
    );
    await timed('npm install', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir, userEnv()),
    );
  }, 900_000);

  afterAll(() => {
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
    timings.total = Math.round(performance.now() - begun);
    console.log(`pack test timings (ms): ${JSON.stringify(timings)}`);
  });

  it('installs the built JavaScript, without tsx and without TypeScript sources', async () => {
    const installed = join(dir, 'node_modules', '@tour-gate');
    expect(existsSync(join(dir, 'node_modules', 'tsx'))).toBe(false);
    for (const name of PACKAGES) {
      const manifest = JSON.parse(readFileSync(join(installed, name, 'package.json'), 'utf8'));
      const workspace = JSON.parse(readFileSync(join(PACKAGES_DIR, name, 'package.json'), 'utf8'));
      expect(manifest.private).toBeUndefined();
      expect(existsSync(join(installed, name, 'src'))).toBe(false);
      // publishConfig.exports lists every entry point the workspace exports, each present.
      expect(Object.keys(manifest.exports).sort()).toEqual(Object.keys(workspace.exports).sort());
      for (const target of targetsOf([manifest.exports, manifest.bin])) {
        expect(target).not.toMatch(/(?<!\.d)\.ts$|^\.\/src\//);
        expect(existsSync(join(installed, name, target)), `${name}: ${target}`).toBe(true);
      }
    }
    expect(existsSync(join(installed, 'gate-server', 'dist', 'cli.js'))).toBe(true);
    // gate-server finds the widget's build through package resolution, as installed.
    const found = await run(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        `import { defaultWidgetDist } from ${JSON.stringify(pathToFileURL(join(installed, 'gate-server', 'dist', 'config', 'widget-dist.js')).href)};
console.log(defaultWidgetDist());`,
      ],
      dir,
    );
    expect(found.trim()).toBe(join(realpathSync(installed), 'gate-widget', 'dist'));
    expect(existsSync(join(installed, 'gate-widget', 'dist', 'widget.js'))).toBe(true);
    expect(existsSync(join(installed, 'gate-widget', 'dist', 'types', 'index.d.ts'))).toBe(true);
  });

  it('`tour-gate serve` starts on a config file and an SQLite database in the folder, and serves the widget', async () => {
    cpSync(join(FIXTURES, 'tour-gate.config.json'), join(dir, 'tour-gate.config.json'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    server = spawn(join(dir, 'node_modules', '.bin', 'tour-gate'), ['serve'], {
      cwd: dir,
      env: userEnv({
        PORT: String(port),
        GATE_PUBLIC_URL: `http://localhost:${port}`,
        GATE_CONFIG: './tour-gate.config.json',
        GATE_DATABASE_URL: './data/gate.sqlite',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    server.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" within 30 s:\n${output}`)), 30_000);
      server?.once('exit', (code) => reject(new Error(`tour-gate serve exited with ${code}:\n${output}`)));
      server?.stdout?.on('data', () => {
        // The tours are printed right after the listening line.
        if (output.includes('tour-gate listening on') && output.includes('tour musterstrasse-12')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    timings['serve: listening'] = Math.round(performance.now() - started);
    expect(output).toContain('tour musterstrasse-12 (email)');
    expect(existsSync(join(dir, 'data', 'gate.sqlite'))).toBe(true);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const gate = await fetch(`${base}/v1/tours/musterstrasse-12/gate`);
    expect(gate.status).toBe(200);
    expect(await gate.json()).toMatchObject({ mode: 'email' });

    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    const script = await widget.text();
    const shipped = readFileSync(join(dir, 'node_modules', '@tour-gate', 'gate-widget', 'dist', 'widget.js'), 'utf8');
    expect(script).toBe(shipped);
    const chunk = script.match(/widget-chunks\/[\w.-]+\.js/)?.[0];
    expect(chunk).toBeDefined();
    expect((await fetch(`${base}/${chunk}`)).status).toBe(200);
  }, 60_000);

  it('a fresh Vite project bundles the widget from the installed package', async () => {
    const app = join(dir, 'app');
    cpSync(join(FIXTURES, 'app'), app, { recursive: true });
    await timed('vite build', () =>
      run(join(dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], app),
    );
    const assets = join(app, 'dist', 'assets');
    const bundle = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    expect(bundle).toContain('tour-gate');
    expect(bundle).toContain('customElements');
  }, 120_000);

  it("the installed packages' type declarations check", async () => {
    const check = join(dir, 'types');
    mkdirSync(check);
    writeFileSync(
      join(check, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          strict: true,
          noEmit: true,
          // The shipped declarations themselves are checked too (and what they import).
          skipLibCheck: false,
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      join(check, 'check.ts'),
      [
        "import { createGateServer, type GateServer, readEnv } from '@tour-gate/gate-server';",
        "import { TourGate } from '@tour-gate/gate-widget';",
        "import { gatedPannellum } from '@tour-gate/gate-widget/pannellum';",
        "import { GateError } from '@tour-gate/shared';",
        "import { type GateConfigFile, gateConfigFileSchema } from '@tour-gate/shared/config';",
        '',
        "const gate: TourGate | null = document.querySelector('tour-gate');",
        'export const unlocked: boolean | undefined = gate?.unlocked;',
        'export const start: () => Promise<GateServer> = createGateServer;',
        'export const port: number = readEnv({}).port;',
        'export const errors: (typeof GateError)[] = [GateError];',
        'export const adapter: typeof gatedPannellum = gatedPannellum;',
        'export const config: GateConfigFile = gateConfigFileSchema.parse({});',
        // A wrong type must fail, or the check proves nothing.
        '// @ts-expect-error',
        'export const wrong: number = readEnv({}).publicUrl;',
        '',
      ].join('\n'),
    );
    await timed('tsc', () =>
      run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', check], check),
    );
  }, 120_000);
});
