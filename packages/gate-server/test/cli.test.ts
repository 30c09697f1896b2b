/**
 * `tour-gate stats | export | forget | purge | tours` as an operator runs them: the real
 * binary on an SQLite file that a test server filled.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { progressBar } from '../src/cli/progress.ts';
import { Sealer } from '../src/security/seal.ts';
import { GateStore } from '../src/store/store.ts';
import { forEachBackend } from './backends.ts';
import { testConfig } from './fixtures.ts';
import { seedThreeTours } from './seed.ts';

const BIN = fileURLToPath(new URL('../bin/tour-gate.js', import.meta.url));
const run = promisify(execFile);

forEachBackend('tour-gate data commands', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-cli-'));
  const configPath = join(dir, 'tour-gate.config.json');
  // The database the server fills and the commands read: a file for SQLite.
  let databaseUrl: string;
  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], {
      env: { ...process.env, GATE_DATABASE_URL: databaseUrl, GATE_CONFIG: configPath, NODE_ENV: 'development' },
      maxBuffer: 10_000_000,
    });

  beforeAll(async () => {
    writeFileSync(configPath, JSON.stringify(testConfig()));
    databaseUrl = await backend.database({ shared: true });
    const server = await backend.start({
      databaseUrl,
      captcha: { verify: async () => {} },
      startWorker: false,
    });
    await seedThreeTours(server);
    await server.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stats prints the same numbers as the store query', async () => {
    const { stdout } = await cli('stats', 'gartenweg-3', '--json');
    const store = GateStore.open(databaseUrl, { sealer: Sealer.random() });
    expect(JSON.parse(stdout)).toEqual(await store.statistics.tour('gartenweg-3', {}, 'manual'));
    await store.close();
    const table = (await cli('stats', 'gartenweg-3')).stdout;
    expect(table).toMatch(/registrations\s+6/);
    expect(table).toMatch(/denied\s+2/);
    await expect(cli('stats', 'nope')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('TOUR_NOT_FOUND'),
    });
  });

  it('export streams CSV and JSON to stdout, without a progress bar when stderr is no terminal', async () => {
    const csv = await cli('export', 'musterstrasse-12', '--format', 'csv', '--separator', ';');
    expect(csv.stdout.startsWith('\uFEFFRegistriert am;Status;')).toBe(true); // the broker's language
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(8);
    expect(csv.stderr).toBe('');
    const json = await cli('export', 'gartenweg-3', '--format', 'json', '--status', 'denied');
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    await expect(cli('export', 'gartenweg-3', '--format', 'xml')).rejects.toMatchObject({ code: 2 });
    await expect(cli('export', 'gartenweg-3', '--format', 'csv', '--locale', 'fr')).rejects.toMatchObject({ code: 2 });
  });

  it('export --format xlsx writes a workbook to stdout, in the language asked for', async () => {
    const xlsx = await run(
      process.execPath,
      [BIN, 'export', 'musterstrasse-12', '--format', 'xlsx', '--locale', 'en'],
      {
        env: { ...process.env, GATE_DATABASE_URL: databaseUrl, GATE_CONFIG: configPath, NODE_ENV: 'development' },
        maxBuffer: 10_000_000,
        encoding: 'buffer',
      },
    );
    const rows = await readSheet(xlsx.stdout);
    expect(rows).toHaveLength(8);
    expect((rows[0] as string[]).slice(0, 3)).toEqual(['Registered', 'Status', 'Salutation']);
    expect(rows[1]![0]).toBeInstanceOf(Date);
    expect(rows.slice(1).map((r) => r[(rows[0] as string[]).indexOf('Postal code')])).toEqual(
      new Array(7).fill('50667'),
    );
  });

  it('draws the progress bar on a terminal only', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = progressBar('export', 10, tty);
    bar.update(10);
    bar.done();
    expect(written.join('')).toBe('\rexport [##############################] 10/10\n');
    const pipe = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    progressBar('x', 1, pipe).update(1);
    expect(written).toHaveLength(2);
  });

  it('forget erases a visitor everywhere; tours lists the tours; purge keeps recent data', async () => {
    const email = 'gartenweg-3-visitor-4@example.org';
    const out = await cli('forget', email);
    expect(out.stdout).toMatch(/erased 1 registration/);
    const store = GateStore.open(databaseUrl, { sealer: Sealer.random() });
    const rows = await store.raw.selectFrom('registrations').select('email').execute();
    expect(rows.map((r) => r.email)).not.toContain(email);
    expect(rows).toHaveLength(15);
    await store.close();
    expect((await cli('forget', email)).stdout).toMatch(/no registration/);
    expect((await cli('tours')).stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect((await cli('purge', '--dry-run')).stdout).toMatch(
      /would erase: 0 unconfirmed registration\(s\), 0 lead\(s\)/,
    );
  });

  it('refuses a mistyped command, flag or argument with the usage and status 2, and changes nothing', async () => {
    const before = (await cli('export', 'gartenweg-3', '--format', 'json')).stdout;
    for (const args of [
      ['exprot', 'gartenweg-3'],
      ['export', 'gartenweg-3', '--fromat', 'json'],
      ['stats', 'gartenweg-3', '--dry-run'],
      ['forget', 'a@example.org', 'b@example.org'],
      ['purge', '--unconfirmed-days'],
      [],
    ]) {
      await expect(cli(...args), args.join(' ')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('Usage: tour-gate <command>'),
      });
    }
    expect((await cli('export', 'gartenweg-3', '--format', 'json')).stdout).toBe(before);
    expect((await cli('--help')).stdout).toContain('Usage: tour-gate <command>');
    // Nine starts of the CLI: on a loaded machine each takes seconds.
  }, 120_000);
});
