/**
 * Tours and brokers made in the dashboard or through the admin API: validated with the config
 * file's own schemas, written to `managed_tours` / `managed_brokers` (a tour with its change-log
 * entry: who, when, which settings, before and after), and put into the running
 * `TourDirectory`. `loadManaged` reads them at start, so they survive a restart and the gate
 * endpoints serve them like config-file tours; `followManaged` brings other instances' changes
 * in as they are saved (PostgreSQL LISTEN/NOTIFY through the store's change feed, no polling),
 * and everything again after the feed was cut off.
 */
import { createHash } from 'node:crypto';
import { type FieldErrorCode, GateError } from '@tour-gate/shared';
import { type BrokerConfig, brokerConfigSchema, checkedTourSchema, type TourConfig } from '@tour-gate/shared/config';
import type { TourDirectory } from '../config/tours.ts';
import type { SettingChange } from '../store/audit.ts';
import { CHANNELS } from '../store/change-feed.ts';
import { parseManagedNote } from '../store/managed.ts';
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

/** Who saved a tour, for its change log. */
export type Actor =
  | { kind: 'broker'; brokerId: string; email: string }
  | { kind: 'broker-key'; brokerId: string }
  | { kind: 'platform' };

export function actorOf(p: Principal): Actor {
  return p.kind === 'broker' ? { kind: 'broker-key', brokerId: p.brokerId } : { kind: 'platform' };
}

/** Settings whose parts are logged one by one (`fields.phone`, `consent.version` …). */
const SPLIT_SETTINGS = new Set(['fields', 'notifications', 'consent', 'captcha', 'denyText']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON equality of two settings' values (key order aside). */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v)) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => v[k] !== undefined)
        .map((k) => [k, canonical(v[k])]),
    );
  }
  return v;
}

/**
 * The settings that differ between two versions of a tour (`before` undefined: a new tour, every
 * setting it has), each with both values (absent: null).
 */
function settingChanges(before: TourConfig | undefined, after: TourConfig): SettingChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: SettingChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    if (key === 'id' || key === 'broker') continue;
    const bv = b[key];
    const av = a[key];
    if (SPLIT_SETTINGS.has(key) && (isPlainObject(bv) || isPlainObject(av))) {
      const bo = isPlainObject(bv) ? bv : {};
      const ao = isPlainObject(av) ? av : {};
      for (const sub of [...new Set([...Object.keys(ao), ...Object.keys(bo)])]) {
        if (!sameValue(bo[sub], ao[sub])) {
          out.push({ setting: `${key}.${sub}`, before: bo[sub] ?? null, after: ao[sub] ?? null });
        }
      }
    } else if (!sameValue(bv, av)) {
      out.push({ setting: key, before: bv ?? null, after: av ?? null });
    }
  }
  return out;
}

/**
 * Saves a tour with its change-log entry (the settings that changed since the version this
 * instance serves), tells the other instances, and serves it here at once.
 */
export async function saveTour(
  store: GateStore,
  tours: TourDirectory,
  tour: TourConfig,
  now: number,
  actor: Actor = { kind: 'platform' },
): Promise<SettingChange[]> {
  if (tours.inConfigFile('tour', tour.id))
    throw new GateError('CONFLICT', { message: 'This tour is defined in the config file and is read-only here.' });
  const existing = tours.find(tour.id)?.config;
  const changes = settingChanges(existing, tour);
  // Saving what is saved already changes nothing: no write, no note, no change-log entry.
  if (existing && !changes.length) return changes;
  await store.managed.saveTour(tour.id, tour.broker, JSON.stringify(tour), now, {
    tourId: tour.id,
    brokerId: tour.broker,
    actorKind: actor.kind,
    actor: actor.kind === 'broker' ? actor.email : actor.kind === 'broker-key' ? actor.brokerId : 'platform',
    at: now,
    changes,
  });
  tours.upsert(tour);
  return changes;
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
    // Unchanged ones stay as they are: nothing derived from them goes stale.
    if (broker && !sameValue(tours.broker(broker.id), broker)) tours.upsertBroker(broker);
  }
  const rows = await store.managed.toursChangedAfter(after);
  for (const row of rows) {
    newest = Math.max(newest, row.updated_at);
    if (tours.inConfigFile('tour', row.id) || !tours.broker(row.broker_id)) continue;
    const tour = parseStored(checkedTourSchema, row.config, skip('tour', row.id));
    if (tour && !sameValue(tours.find(tour.id)?.config, tour)) tours.upsert(tour);
  }
  return newest;
}

/**
 * Several instances on one database: each takes the others' saves as they are announced on the
 * store's change feed (PostgreSQL: LISTEN/NOTIFY), reading the one tour or broker that changed;
 * after the feed was cut off (the database restarted) it reads everything again. Returns the
 * function that stops it, which waits for a reload under way.
 */
export function followManaged(
  store: GateStore,
  tours: TourDirectory,
  onError: (err: unknown) => void,
  onInvalid: OnInvalidStored = () => {},
): () => Promise<void> {
  // One reload at a time, in the order announced.
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  const enqueue = (work: () => Promise<unknown>) => {
    queue = queue
      .then(() => (stopped ? undefined : work()))
      .then(
        () => {},
        (err) => onError(err),
      );
  };
  const skip = (kind: 'broker' | 'tour', id: string) => (err: unknown) =>
    onInvalid(`stored ${kind} "${id}" fails the checks and is not served`, {
      kind,
      id,
      error: err instanceof Error ? err.message : String(err),
    });
  const unsubscribe = store.changes.subscribe(CHANNELS.managed, (payload) => {
    const note = parseManagedNote(payload);
    // Our own saves are served already.
    if (!note || note.from === store.managed.instance) return;
    enqueue(async () => {
      if (note.kind === 'broker') {
        const row = await store.managed.broker(note.id);
        if (!row || tours.inConfigFile('broker', row.id)) return;
        const broker = parseStored(brokerConfigSchema, row.config, skip('broker', row.id));
        if (broker && !sameValue(tours.broker(broker.id), broker)) tours.upsertBroker(broker);
        return;
      }
      const row = await store.managed.tour(note.id);
      if (!row || tours.inConfigFile('tour', row.id) || !tours.broker(row.broker_id)) return;
      const tour = parseStored(checkedTourSchema, row.config, skip('tour', row.id));
      if (tour && !sameValue(tours.find(tour.id)?.config, tour)) tours.upsert(tour);
    });
  });
  const unresync = store.changes.onResync(() => enqueue(() => loadManaged(store, tours, undefined, onInvalid)));
  return () => {
    stopped = true;
    unsubscribe();
    unresync();
    return queue;
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
  // What the platform set stays as it is when a broker saves the tour's other settings.
  const fields: Record<string, FieldErrorCode> = {};
  if (tour.assetsDir !== existing?.config.assetsDir) fields.assetsDir = 'unknown';
  if (tour.postalCodePattern !== existing?.config.postalCodePattern) fields.postalCodePattern = 'unknown';
  if (Object.keys(fields).length) throw new GateError('FORBIDDEN', { fields });
  // The leads of a removed tour stay with their id until purged; a new tour under that id
  // would hand them to whoever made it.
  if (!existing && (await deps.store.hasRegistrations(tour.id))) {
    throw new GateError('CONFLICT', { message: 'This tour id is taken.' });
  }
  return tour;
}

/** A schema problem of a tour, relative to the tour (for a form to show at its field). */
export interface TourIssue {
  path: (string | number)[];
  code: string;
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

/** The shared schema's verdict on a tour (`checkedTourSchema`, as the config file and the admin API). */
export function checkTour(value: unknown): { ok: true; tour: TourConfig } | { ok: false; issues: TourIssue[] } {
  const r = checkedTourSchema.safeParse(value);
  if (r.success) return { ok: true, tour: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => {
      const extra = i as { origin?: string; minimum?: number | bigint; maximum?: number | bigint };
      return {
        path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
        code: i.code,
        message: i.message,
        ...(extra.origin !== undefined ? { origin: extra.origin } : {}),
        ...(extra.minimum !== undefined ? { minimum: extra.minimum } : {}),
        ...(extra.maximum !== undefined ? { maximum: extra.maximum } : {}),
      };
    }),
  };
}

/** A short fingerprint of a tour's settings: a form filled from one version refuses to save over another. */
export function settingsVersion(tour: TourConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(tour)))
    .digest('base64url')
    .slice(0, 16);
}

/**
 * A broker saves a tour from the dashboard: the same checks as a broker key's write through the
 * admin API (`checkTourWrite`), a new tour's id must be free, and the change log names the
 * broker's account. Returns the settings that changed.
 */
export async function saveBrokerTour(
  deps: GateDeps,
  broker: { id: string; email: string },
  tour: TourConfig,
  o: { create: boolean },
): Promise<SettingChange[]> {
  if (o.create && (deps.tours.find(tour.id) || deps.tours.inConfigFile('tour', tour.id))) {
    throw new GateError('CONFLICT', { fields: { id: 'invalid' }, message: 'This tour id is taken.' });
  }
  const checked = await checkTourWrite(deps, { kind: 'broker', brokerId: broker.id }, tour);
  return saveTour(deps.store, deps.tours, checked, deps.clock(), {
    kind: 'broker',
    brokerId: broker.id,
    email: broker.email,
  });
}
