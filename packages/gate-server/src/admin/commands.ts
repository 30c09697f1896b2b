/**
 * The operator's data commands of `tour-gate`: `tours`, `stats <tour>`, `export <tour>`,
 * `purge`, `forget <email>`. They open the store and the tour directory (config file plus
 * the tours created through the admin API) like the server does.
 */
import { once } from 'node:events';
import { GateError } from '@tour-gate/shared';
import { loadConfigFile } from '../config/config-file.ts';
import type { ServerEnv } from '../config/env.ts';
import { TourDirectory } from '../config/tours.ts';
import { progressBar } from '../export/progress.ts';
import { type ExportFormat, exportChunks } from '../export/stream.ts';
import { forgetEmail } from '../services/erase.ts';
import { purge } from '../services/purge.ts';
import { filtered } from '../stats/leads.ts';
import { parseFilter } from '../stats/params.ts';
import { FUNNEL, tourStats } from '../stats/tour-stats.ts';
import { GateStore } from '../store/store.ts';
import { loadManaged } from './managed.ts';

export type Flags = Record<string, string | boolean | undefined>;

async function open(env: ServerEnv): Promise<{ store: GateStore; tours: TourDirectory }> {
  const store = GateStore.open(env.databaseUrl);
  await store.migrate();
  const tours = new TourDirectory(loadConfigFile(env.configPath));
  await loadManaged(store, tours);
  return { store, tours };
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function toursCommand(env: ServerEnv): Promise<number> {
  const { store, tours } = await open(env);
  for (const t of tours.all()) {
    const source = tours.inConfigFile('tour', t.config.id) ? 'config' : 'api';
    console.log(`${t.config.id}\t${t.config.mode}\t${t.broker.id}\t${source}\t${t.config.title}`);
  }
  await store.close();
  return 0;
}

export async function statsCommand(env: ServerEnv, tourId: string | undefined, flags: Flags): Promise<number> {
  if (!tourId) return usage('stats <tour> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]');
  const { store, tours } = await open(env);
  try {
    // Erased or removed tours still have aggregates; an unknown id is most likely a typo.
    if (!tours.find(tourId)) throw new GateError('TOUR_NOT_FOUND');
    const { from, to } = parseFilter((k) => str(flags[k]));
    const stats = await tourStats(store.kysely, tourId, { from, to });
    if (flags.json) {
      console.log(JSON.stringify(stats, null, 2));
      return 0;
    }
    console.log(`${tourId}  (${from ?? 'start'} … ${to ?? 'today'})`);
    for (const [k] of FUNNEL) console.log(`  ${k.padEnd(16)} ${String(stats.funnel[k]).padStart(8)}`);
    console.log(`  ${'pending now'.padEnd(16)} ${String(stats.status.pending).padStart(8)}`);
    console.log(`  ${'leads stored'.padEnd(16)} ${String(stats.status.total).padStart(8)}`);
    const m = stats.medianReleaseMs;
    console.log(`  ${'median release'.padEnd(16)} ${m === null ? '–' : `${(m / 60_000).toFixed(1)} min`.padStart(8)}`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function exportCommand(env: ServerEnv, tourId: string | undefined, flags: Flags): Promise<number> {
  const format = (str(flags.format) ?? 'csv') as ExportFormat;
  const separator = str(flags.separator) ?? ',';
  if (!tourId || (format !== 'csv' && format !== 'json') || (separator !== ',' && separator !== ';')) {
    return usage('export <tour> [--format csv|json] [--separator ";"] [--status S] [--from D] [--to D]');
  }
  const { store, tours } = await open(env);
  try {
    const tour = tours.find(tourId);
    if (!tour) throw new GateError('TOUR_NOT_FOUND');
    const filter = parseFilter((k) => str(flags[k]));
    const { n } = await filtered(store.kysely, tourId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const bar = progressBar(`export ${tourId}`, Number(n));
    const chunks = exportChunks(store.kysely, tourId, tour.config, {
      format,
      separator,
      filter,
      onProgress: (done) => bar.update(done),
    });
    for await (const chunk of chunks) await write(process.stdout, chunk);
    bar.done();
    return 0;
  } finally {
    await store.close();
  }
}

export async function purgeCommand(env: ServerEnv, flags: Flags): Promise<number> {
  const days = str(flags['unconfirmed-days']);
  const unconfirmedDays = days === undefined ? undefined : Number(days);
  if (unconfirmedDays !== undefined && !(Number.isInteger(unconfirmedDays) && unconfirmedDays > 0)) {
    return usage('purge [--dry-run] [--unconfirmed-days N]');
  }
  const { store, tours } = await open(env);
  try {
    let bar: ReturnType<typeof progressBar> | undefined;
    const result = await purge(store, tours, {
      now: Date.now(),
      ...(unconfirmedDays ? { unconfirmedDays } : {}),
      dryRun: Boolean(flags['dry-run']),
      onProgress: (done, total) => {
        bar ??= progressBar('purge', total);
        bar.update(done);
      },
    });
    bar?.done();
    const verb = flags['dry-run'] ? 'would erase' : 'erased';
    console.log(
      `${verb}: ${result.unconfirmed} unconfirmed registration(s), ${result.expiredLeads} lead(s) past retention`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function forgetCommand(env: ServerEnv, email: string | undefined, flags: Flags): Promise<number> {
  if (!email?.includes('@')) return usage('forget <email> [--tour id]');
  const { store } = await open(env);
  try {
    const tour = str(flags.tour);
    const result = await forgetEmail(store, email, tour ? [tour] : undefined);
    console.log(
      result.registrations
        ? `erased ${result.registrations} registration(s) of ${email} (${result.tours.join(', ')}); statistics kept`
        : `no registration of ${email} found`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function usage(line: string): number {
  console.error(`Usage: tour-gate ${line}`);
  return 2;
}
