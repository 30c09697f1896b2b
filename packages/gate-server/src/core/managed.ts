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

/** How a tour is saved (`saveTour`). */
export interface SaveTourOptions {
  /**
   * A new tour only: an id that is taken — on the database, by anyone, also by a tour another
   * instance is creating at this moment — is CONFLICT at `id`, and nothing is saved.
   */
  create?: boolean;
  /**
   * The version (`settingsVersion`) of the settings the change was made from. If another
   * version is stored by now, nothing is saved: CONFLICT (the dashboard's "changed meanwhile").
   * Without it, a save that lost a race is made again on top of what won (the admin API's PUT
   * replaces the whole tour), with the change log counted from that.
   */
  base?: string;
}

/** Tries of a save that keeps losing the race to other saves, before it gives up (CONFLICT). */
const SAVE_TRIES = 8;

/** The CONFLICT of a taken id, shown at the id field. */
export const idTaken = (): GateError =>
  new GateError('CONFLICT', { fields: { id: 'invalid' }, message: 'A tour with this id exists.' });

/** The CONFLICT of a save made from a version that is no longer the stored one. */
const changedMeanwhile = (): GateError =>
  new GateError('CONFLICT', { message: 'The tour was changed meanwhile; nothing was saved.' });

/** A CONFLICT of `idTaken` (rather than `changedMeanwhile` or a read-only tour). */
export const isIdTaken = (err: unknown): boolean =>
  err instanceof GateError && err.code === 'CONFLICT' && err.fields?.id !== undefined;

/**
 * The settings that reach into the server (a folder, a regular expression) are the platform's:
 * a broker's save keeps them as they are (as `before`).
 */
function platformSettingsChanged(before: TourConfig | undefined, after: TourConfig): Record<string, FieldErrorCode> {
  const fields: Record<string, FieldErrorCode> = {};
  if (after.assetsDir !== before?.assetsDir) fields.assetsDir = 'unknown';
  if (after.postalCodePattern !== before?.postalCodePattern) fields.postalCodePattern = 'unknown';
  return fields;
}

/** A stored tour's settings, or undefined if they fail today's checks. */
function parsedRow(json: string): TourConfig | undefined {
  try {
    const r = checkedTourSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Serves `tour` here if this instance still serves another version (another instance's save). */
function catchUp(tours: TourDirectory, tour: TourConfig): void {
  if (tours.inConfigFile('tour', tour.id) || !tours.broker(tour.broker)) return;
  if (!sameValue(tours.find(tour.id)?.config, tour)) tours.upsert(tour);
}

/**
 * The tour's settings as stored on the database now (undefined: none stored, e.g. a tour of
 * the config file, or settings that fail today's checks), served here from now on if this
 * instance was still behind.
 */
export async function storedTour(store: GateStore, tours: TourDirectory, id: string): Promise<TourConfig | undefined> {
  const row = await store.managed.tour(id);
  const tour = row ? parsedRow(row.config) : undefined;
  if (tour) catchUp(tours, tour);
  return tour;
}

/**
 * One try of a save against the row as read (`row`): a new tour is inserted unless its id is
 * taken, an existing one replaced only if it still holds what was read and stays its broker's
 * (`store.managed.updateTour`). Undefined: another save came first, look again.
 */
async function saveOnce(
  store: GateStore,
  tours: TourDirectory,
  row: { broker_id: string; config: string } | undefined,
  tour: TourConfig,
  now: number,
  actor: Actor,
  o: SaveTourOptions,
): Promise<SettingChange[] | undefined> {
  const audit = (changes: SettingChange[]) => ({
    tourId: tour.id,
    brokerId: tour.broker,
    actorKind: actor.kind,
    actor: actor.kind === 'broker' ? actor.email : actor.kind === 'broker-key' ? actor.brokerId : 'platform',
    at: now,
    changes,
  });
  const json = JSON.stringify(tour);
  if (!row) {
    if (actor.kind !== 'platform') {
      const fields = platformSettingsChanged(undefined, tour);
      if (Object.keys(fields).length) throw new GateError('FORBIDDEN', { fields });
    }
    const changes = settingChanges(undefined, tour);
    if (!(await store.managed.createTour(tour.id, tour.broker, json, now, audit(changes)))) {
      if (o.create) throw idTaken();
      return undefined;
    }
    tours.upsert(tour);
    return changes;
  }
  if (o.create) throw idTaken();
  // A tour stays its broker's: another broker's id is not found, and the platform can't move it.
  if (row.broker_id !== tour.broker) {
    if (actor.kind !== 'platform') throw new GateError('TOUR_NOT_FOUND');
    throw new GateError('CONFLICT', { fields: { broker: 'invalid' }, message: 'A tour keeps its broker.' });
  }
  const current = parsedRow(row.config);
  if (current) catchUp(tours, current);
  if (o.base !== undefined && (!current || settingsVersion(current) !== o.base)) throw changedMeanwhile();
  if (actor.kind !== 'platform') {
    const fields = platformSettingsChanged(current, tour);
    if (Object.keys(fields).length) throw new GateError('FORBIDDEN', { fields });
  }
  const changes = settingChanges(current, tour);
  // Saving what is saved already changes nothing: no write, no note, no change-log entry.
  if (current && !changes.length) return changes;
  if (!(await store.managed.updateTour(tour.id, row.broker_id, json, now, row.config, audit(changes)))) {
    return undefined;
  }
  tours.upsert(tour);
  return changes;
}

/**
 * Saves a tour with its change-log entry (the settings that changed since the version stored on
 * the database), tells the other instances, and serves it here at once. The database decides
 * every race: a new id is taken by whoever inserts it first (`create`), and a change replaces
 * only the version it was counted from (`base`; without it the change is made again on top of
 * a save that came first). A tour never changes its broker. Returns the settings that changed.
 */
export async function saveTour(
  store: GateStore,
  tours: TourDirectory,
  tour: TourConfig,
  now: number,
  actor: Actor = { kind: 'platform' },
  o: SaveTourOptions = {},
): Promise<SettingChange[]> {
  if (tours.inConfigFile('tour', tour.id))
    throw new GateError('CONFLICT', { message: 'This tour is defined in the config file and is read-only here.' });
  for (let tries = 1; ; tries++) {
    const row = await store.managed.tour(tour.id);
    const changes = await saveOnce(store, tours, row, tour, now, actor, o);
    if (changes) return changes;
    if (o.base !== undefined || tries >= SAVE_TRIES) throw changedMeanwhile();
  }
}

/**
 * Changes a stored tour by `change`, applied to the version stored now; if another save lands
 * in between, it is applied again to that one (so two changes made at once both count).
 * `change` returns undefined when there is nothing to change. Returns the settings that changed.
 */
export async function changeTour(
  store: GateStore,
  tours: TourDirectory,
  id: string,
  change: (current: TourConfig) => TourConfig | undefined,
  now: number,
  actor: Actor,
): Promise<SettingChange[]> {
  if (tours.inConfigFile('tour', id))
    throw new GateError('CONFLICT', { message: 'This tour is defined in the config file and is read-only here.' });
  for (let tries = 1; ; tries++) {
    const row = await store.managed.tour(id);
    const current = row ? parsedRow(row.config) : undefined;
    if (!row || !current) throw new GateError('TOUR_NOT_FOUND');
    const next = change(current);
    if (!next) {
      catchUp(tours, current);
      return [];
    }
    const changes = await saveOnce(store, tours, row, next, now, actor, {});
    if (changes) return changes;
    if (tries >= SAVE_TRIES) throw changedMeanwhile();
  }
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
  // (Checked here against what this instance serves, and again by `saveTour` against the
  // version stored on the database, which decides.)
  const fields = platformSettingsChanged(existing?.config, tour);
  if (Object.keys(fields).length) throw new GateError('FORBIDDEN', { fields });
  // The leads of a removed tour stay with their id until purged; a new tour under that id
  // would hand them to whoever made it.
  if (!existing && (await deps.store.hasRegistrations(tour.id))) {
    throw idTaken();
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
 * admin API (`checkTourWrite`), a new tour's id must be free (on the database: two brokers
 * creating one id at once can't both get it), a change is saved only over the version it was
 * made from (`base`, the form's `settingsVersion`), and the change log names the broker's
 * account. Returns the settings that changed.
 */
export async function saveBrokerTour(
  deps: GateDeps,
  broker: { id: string; email: string },
  tour: TourConfig,
  o: { create: boolean; base?: string },
): Promise<SettingChange[]> {
  if (o.create && (deps.tours.find(tour.id) || deps.tours.inConfigFile('tour', tour.id))) throw idTaken();
  const checked = await checkTourWrite(deps, { kind: 'broker', brokerId: broker.id }, tour);
  return saveTour(
    deps.store,
    deps.tours,
    checked,
    deps.clock(),
    { kind: 'broker', brokerId: broker.id, email: broker.email },
    { create: o.create, ...(o.base !== undefined ? { base: o.base } : {}) },
  );
}
