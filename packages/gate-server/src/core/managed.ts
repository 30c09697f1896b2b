/**
 * Tours and brokers created through the admin API: validated with the config file's own
 * schemas, written to `managed_tours` / `managed_brokers`, and put into the running
 * `TourDirectory`. `loadManaged` reads them at start, so they survive a restart and the gate
 * endpoints serve them like config-file tours; with PostgreSQL, `watchManaged` brings other
 * instances' changes in every 30 seconds.
 */
import { type FieldErrorCode, GateError } from '@tour-gate/shared';
import { type BrokerConfig, brokerConfigSchema, checkedTourSchema, type TourConfig } from '@tour-gate/shared/config';
import type { TourDirectory } from '../config/tours.ts';
import type { GateStore } from '../store/store.ts';
import type { Principal } from './api-keys.ts';
import type { GateDeps } from './deps.ts';

/** Validates with a config-file schema; problems come back as field errors by path. */
function parseWith<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
  },
  value: unknown,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields: Record<string, 'invalid'> = {};
  for (const issue of r.error.issues) fields[issue.path.map(String).join('.') || '(body)'] = 'invalid';
  throw new GateError('VALIDATION_FAILED', { fields });
}

export const parseBroker = (v: unknown): BrokerConfig => parseWith(brokerConfigSchema, v);
/** The config file's checks too (`checkedTourSchema`): one validation for tours from every source. */
export const parseTour = (v: unknown): TourConfig => parseWith(checkedTourSchema, v);

export async function saveBroker(
  store: GateStore,
  tours: TourDirectory,
  broker: BrokerConfig,
  now: number,
): Promise<void> {
  if (tours.inConfigFile('broker', broker.id))
    throw new GateError('CONFLICT', { message: 'This broker is defined in the config file and is read-only here.' });
  // The database first: a tour only this instance knows would vanish on restart.
  await store.managed.saveBroker(broker.id, JSON.stringify(broker), now);
  tours.upsertBroker(broker);
}

export async function saveTour(store: GateStore, tours: TourDirectory, tour: TourConfig, now: number): Promise<void> {
  if (tours.inConfigFile('tour', tour.id))
    throw new GateError('CONFLICT', { message: 'This tour is defined in the config file and is read-only here.' });
  await store.managed.saveTour(tour.id, tour.broker, JSON.stringify(tour), now);
  tours.upsert(tour);
}

/**
 * A stored document, checked again on the way in: the schema may have tightened since it was
 * saved. One that fails is left out (and reported), never a reason not to start.
 */
function parseStored<T>(schema: { parse(v: unknown): T }, json: string, skip: (err: unknown) => void): T | undefined {
  try {
    return schema.parse(JSON.parse(json));
  } catch (err) {
    skip(err);
    return undefined;
  }
}

/** Told about a stored broker or tour that fails today's checks and is therefore not served. */
export type OnInvalidStored = (message: string, detail: { kind: 'broker' | 'tour'; id: string; error: string }) => void;

const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Loads the database's brokers, then its tours, changed after `since` (all at start), into the
 * directory (config-file ids win). Returns the newest change seen, for the next call.
 */
export async function loadManaged(
  store: GateStore,
  tours: TourDirectory,
  since?: number,
  onInvalid: OnInvalidStored = () => {},
): Promise<number> {
  const skip = (kind: 'broker' | 'tour', id: string) => (err: unknown) =>
    onInvalid(`stored ${kind} "${id}" fails the checks and is not served`, {
      kind,
      id,
      error: err instanceof Error ? err.message : String(err),
    });
  let newest = since ?? 0;
  // Instances' clocks differ a little: look back a while; applying a row twice does no harm.
  const after = since === undefined ? -1 : since - CLOCK_SKEW_MS;
  const brokers = await store.managed.brokersChangedAfter(after);
  for (const row of brokers) {
    newest = Math.max(newest, row.updated_at);
    if (tours.inConfigFile('broker', row.id)) continue;
    const broker = parseStored(brokerConfigSchema, row.config, skip('broker', row.id));
    if (broker) tours.upsertBroker(broker);
  }
  const rows = await store.managed.toursChangedAfter(after);
  for (const row of rows) {
    newest = Math.max(newest, row.updated_at);
    if (tours.inConfigFile('tour', row.id) || !tours.broker(row.broker_id)) continue;
    const tour = parseStored(checkedTourSchema, row.config, skip('tour', row.id));
    if (tour) tours.upsert(tour);
  }
  return newest;
}

/**
 * Several instances on one PostgreSQL database: each picks up the others' admin changes
 * within `everyMs`. Returns the function that stops it.
 */
export function watchManaged(
  store: GateStore,
  tours: TourDirectory,
  since: number,
  everyMs: number,
  onError: (err: unknown) => void,
  onInvalid?: OnInvalidStored,
): () => Promise<void> {
  let last = since;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = loadManaged(store, tours, last, onInvalid).then((n) => {
      last = n;
    }, onError);
  }, everyMs);
  timer.unref();
  // Stopping waits for a look already under way, so the store is never closed beneath it.
  return () => {
    clearInterval(timer);
    return running;
  };
}

/**
 * Who may write a tour: the platform any; a broker key only tours of its own broker, never
 * one of another broker's ids, never an id that still holds leads of a removed tour, and never
 * the settings that reach into the server (a folder, a regular expression).
 */
export async function checkTourWrite(deps: GateDeps, p: Principal, tour: TourConfig): Promise<TourConfig> {
  if (p.kind !== 'broker') return tour;
  if (tour.broker !== p.brokerId) throw new GateError('FORBIDDEN');
  const existing = deps.tours.find(tour.id);
  if (existing && existing.broker.id !== p.brokerId) throw new GateError('TOUR_NOT_FOUND');
  // A folder on the server and a regular expression run on every registration are the
  // platform's to set: a broker could otherwise read any file or stall the process.
  const fields: Record<string, FieldErrorCode> = {};
  if (tour.assetsDir !== undefined) fields.assetsDir = 'unknown';
  if (tour.postalCodePattern !== undefined) fields.postalCodePattern = 'unknown';
  if (Object.keys(fields).length) throw new GateError('FORBIDDEN', { fields });
  // The leads of a removed tour stay with their id until purged; a new tour under that id
  // would hand them to whoever made it.
  if (!existing && (await deps.store.hasRegistrations(tour.id))) {
    throw new GateError('CONFLICT', { message: 'This tour id is taken.' });
  }
  return tour;
}
