/**
 * The operator's data commands of `tour-gate`: `tours`, `stats <tour>`, `export <tour>`,
 * `purge`, `forget <email>`. They start from the same composition root as the server
 * (`core/compose.ts`): the same store with its sealer, the same tours (config file plus the
 * tours created through the admin API).
 */
import { once } from 'node:events';
import { GateError } from '@tour-gate/shared';
import type { ServerEnv } from '../config/env.ts';
import type { TourDirectory } from '../config/tours.ts';
import { composeCore } from '../core/compose.ts';
import { forgetEmail } from '../core/erase.ts';
import { exportChunks, isExportFormat } from '../core/export/stream.ts';
import { parseFilter } from '../core/lead-filter.ts';
import { purge } from '../core/purge.ts';
import { FUNNEL } from '../store/statistics.ts';
import type { GateStore } from '../store/store.ts';
import { silentLogger } from '../util/logger.ts';
import { progressBar } from './progress.ts';

export type Flags = Record<string, string | boolean | undefined>;

/** The composed core without its background work; `close` ends it. */
async function open(env: ServerEnv): Promise<{ store: GateStore; tours: TourDirectory; close(): Promise<void> }> {
  const core = await composeCore({ env, log: silentLogger });
  return { store: core.deps.store, tours: core.deps.tours, close: () => core.close() };
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

async function write(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function toursCommand(env: ServerEnv): Promise<number> {
  const { tours, close } = await open(env);
  for (const t of tours.all()) {
    const source = tours.inConfigFile('tour', t.config.id) ? 'config' : 'api';
    console.log(`${t.config.id}\t${t.config.mode}\t${t.broker.id}\t${source}\t${t.config.title}`);
  }
  await close();
  return 0;
}

export async function statsCommand(env: ServerEnv, tourId: string | undefined, flags: Flags): Promise<number> {
  if (!tourId) return usage('stats <tour> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]');
  const { store, tours, close } = await open(env);
  try {
    // Erased or removed tours still have aggregates; an unknown id is most likely a typo.
    const tour = tours.find(tourId);
    if (!tour) throw new GateError('TOUR_NOT_FOUND');
    const { from, to } = parseFilter((k) => str(flags[k]));
    const stats = await store.statistics.tour(tourId, { from, to }, tour.config.mode);
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
    await close();
  }
}

const EXPORT_USAGE =
  'export <tour> [--format xlsx|csv|json|openimmo] [--separator ";"] [--locale de|en] [--status S] [--from D] [--to D]' +
  ' (xlsx: write to a file, e.g. > leads.xlsx)';

export async function exportCommand(env: ServerEnv, tourId: string | undefined, flags: Flags): Promise<number> {
  const format = str(flags.format) ?? 'csv';
  const separator = str(flags.separator) ?? ',';
  const locale = str(flags.locale);
  if (
    !tourId ||
    !isExportFormat(format) ||
    (separator !== ',' && separator !== ';') ||
    (locale !== undefined && locale !== 'de' && locale !== 'en')
  ) {
    return usage(EXPORT_USAGE);
  }
  const { store, tours, close } = await open(env);
  try {
    const tour = tours.find(tourId);
    if (!tour) throw new GateError('TOUR_NOT_FOUND');
    const filter = parseFilter((k) => str(flags[k]));
    const bar = progressBar(`export ${tourId}`, await store.leads.count(tourId, filter));
    const chunks = exportChunks(store.leads, tourId, tour.config, {
      format,
      separator,
      filter,
      // XLSX and CSV in the broker's language unless --locale says otherwise.
      locale: locale ?? (tour.broker.locale === 'en' ? 'en' : 'de'),
      broker: tour.broker,
      now: Date.now(),
      onProgress: (done) => bar.update(done),
    });
    for await (const chunk of chunks) await write(process.stdout, chunk);
    bar.done();
    return 0;
  } finally {
    await close();
  }
}

export async function purgeCommand(env: ServerEnv, flags: Flags): Promise<number> {
  const days = str(flags['unconfirmed-days']);
  const unconfirmedDays = days === undefined ? undefined : Number(days);
  if (unconfirmedDays !== undefined && !(Number.isInteger(unconfirmedDays) && unconfirmedDays > 0)) {
    return usage('purge [--dry-run] [--unconfirmed-days N]');
  }
  const { store, tours, close } = await open(env);
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
    await close();
  }
}

export async function forgetCommand(env: ServerEnv, email: string | undefined, flags: Flags): Promise<number> {
  if (!email?.includes('@')) return usage('forget <email> [--tour id]');
  const { store, tours, close } = await open(env);
  try {
    const tour = str(flags.tour);
    const result = await forgetEmail(store, email, tour ? [tour] : undefined, { tours, now: Date.now() });
    console.log(
      result.registrations
        ? `erased ${result.registrations} registration(s) of ${email} (${result.tours.join(', ')}); statistics kept`
        : `no registration of ${email} found`,
    );
    return 0;
  } finally {
    await close();
  }
}

function usage(line: string): number {
  console.error(`Usage: tour-gate ${line}`);
  return 2;
}
