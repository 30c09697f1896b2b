/**
 * Tells every instance on the same database that something changed: `publish(channel, payload)`
 * here, `subscribe(channel, fn)` there. No polling.
 *
 * - PostgreSQL: `NOTIFY` (through `pg_notify`, inside the writing transaction, so the note goes
 *   out exactly when the change is visible, and never for a change that was rolled back) and a
 *   dedicated client that `LISTEN`s. That client reconnects after the database went away (a
 *   restart, a terminated backend, a network cut) with a growing pause (up to 5 s), checks its
 *   connection every 15 s, and after every (re)connect tells `onResync` listeners to reload
 *   everything: notes sent while it was away are lost.
 * - SQLite: an in-process emitter per database file (an in-memory database has its own), so two
 *   servers in one process on one file hear each other; a note goes out after the commit.
 *
 * Payloads are short (PostgreSQL takes under 8000 bytes): ids, never documents.
 */
import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/** The channels; each is a PostgreSQL identifier too. */
export const CHANNELS = { managed: 'tour_gate_managed' } as const;
type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** The listening connection's `application_name`. */
export const FEED_APPLICATION_NAME = 'tour-gate change feed';

export interface ChangeFeed {
  /** Whether `publish` takes part in the caller's transaction (else call it after the commit). */
  readonly transactional: boolean;
  /** Sends `payload` to every subscriber of `channel`, on every instance (this one too). */
  publish(channel: Channel, payload: string, within?: Kysely<Database>): Promise<void>;
  /** Calls `fn` with each payload; returns the function that stops it. Starts listening on first use. */
  subscribe(channel: Channel, fn: (payload: string) => void): () => void;
  /** Calls `fn` whenever notes may have been missed (after a (re)connect): reload everything. */
  onResync(fn: () => void): () => void;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** A problem of the listening connection (reported, never thrown: the feed goes on). */
  onError?: (err: Error) => void;
  /** Longest pause between reconnect attempts (default 5 s). */
  maxRetryMs?: number;
  /** How often the listening connection is checked (default 15 s). */
  heartbeatMs?: number;
}

abstract class Subscribers {
  protected readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  subscribe(channel: Channel, fn: (payload: string) => void): () => void {
    this.emitter.on(channel, fn);
    this.started(channel);
    return () => this.emitter.off(channel, fn);
  }
  onResync(fn: () => void): () => void {
    this.emitter.on('resync', fn);
    return () => this.emitter.off('resync', fn);
  }
  protected started(_channel: Channel): void {}
  protected deliver(channel: string, payload: string): void {
    for (const fn of this.emitter.listeners(channel) as ((p: string) => void)[]) {
      try {
        fn(payload);
      } catch {
        // one subscriber's fault is not the feed's
      }
    }
  }
}

/** Emitters of SQLite files, shared by every store of this process on the same file. */
const localBuses = new Map<string, { bus: EventEmitter; users: number }>();

class LocalChangeFeed extends Subscribers implements ChangeFeed {
  readonly transactional = false;
  readonly #bus: EventEmitter;
  readonly #relay = (channel: string, payload: string) => this.deliver(channel, payload);
  #closed = false;

  constructor(private readonly key: string | undefined) {
    super();
    const shared = key ? localBuses.get(key) : undefined;
    if (shared) {
      shared.users++;
      this.#bus = shared.bus;
    } else {
      this.#bus = new EventEmitter();
      this.#bus.setMaxListeners(0);
      if (key) localBuses.set(key, { bus: this.#bus, users: 1 });
    }
    this.#bus.on('note', this.#relay);
  }

  async publish(channel: Channel, payload: string): Promise<void> {
    // After the caller's code has run on: subscribers never run inside the writer's call.
    queueMicrotask(() => this.#bus.emit('note', channel, payload));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#bus.off('note', this.#relay);
    const shared = this.key ? localBuses.get(this.key) : undefined;
    if (shared && --shared.users === 0 && this.key) localBuses.delete(this.key);
  }
}

class PgChangeFeed extends Subscribers implements ChangeFeed {
  readonly transactional = true;
  readonly #channels = new Set<Channel>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  /** The client being connected, so closing need not wait for its connect to end. */
  #pending: pg.Client | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #retryMs = 0;
  #closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly url: string,
    private readonly options: ChangeFeedOptions,
  ) {
    super();
  }

  async publish(channel: Channel, payload: string, within?: Kysely<Database>): Promise<void> {
    await sql`select pg_notify(${channel}, ${payload})`.execute(within ?? this.db);
  }

  protected override started(channel: Channel): void {
    if (this.#channels.has(channel)) return;
    this.#channels.add(channel);
    if (this.#client) {
      // Already connected: listen on this channel too (a failure reconnects, which listens on all).
      this.#client.query(`LISTEN ${channel}`).catch((err: Error) => this.#lost(this.#client, err));
    } else {
      this.#connect();
    }
  }

  #connect(): void {
    if (this.#closed || this.#connecting || this.#client) return;
    const client = new pg.Client({
      connectionString: this.url,
      // So an operator (and the tests) can tell it in pg_stat_activity.
      application_name: FEED_APPLICATION_NAME,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Every error of this client ends it and starts a new one; none may end the process.
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('listening connection ended')));
    client.on('notification', (msg) => {
      if (msg.payload !== undefined) this.deliver(msg.channel, msg.payload);
    });
    this.#pending = client;
    this.#connecting = (async () => {
      try {
        await client.connect();
        for (const channel of this.#channels) await client.query(`LISTEN ${channel}`);
        if (this.#closed) {
          await client.end().catch(() => {});
          return;
        }
        this.#client = client;
        this.#retryMs = 0;
        this.#startHeartbeat(client);
        // Whatever was sent while nobody listened (or before the first LISTEN) is read now.
        this.emitter.emit('resync');
      } catch (err) {
        this.#lost(client, err as Error);
      } finally {
        this.#connecting = undefined;
        this.#pending = undefined;
      }
    })();
  }

  #startHeartbeat(client: pg.Client): void {
    clearInterval(this.#heartbeat);
    const every = this.options.heartbeatMs ?? 15_000;
    this.#heartbeat = setInterval(() => {
      // A half-open connection (a cut without a reset) answers nothing: end it and reconnect.
      const timeout = setTimeout(() => this.#lost(client, new Error('listening connection does not answer')), 5_000);
      client.query('select 1').then(
        () => clearTimeout(timeout),
        (err: Error) => {
          clearTimeout(timeout);
          this.#lost(client, err);
        },
      );
    }, every);
    this.#heartbeat.unref();
  }

  /** The listening client is gone (or never came): drop it and try again after a pause. */
  #lost(client: pg.Client | undefined, err: Error): void {
    if (client && this.#client && client !== this.#client) return; // an old client's late word
    if (client) {
      client.removeAllListeners('notification');
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      client.end().catch(() => {});
    }
    const wasCurrent = client !== undefined && client === this.#client;
    if (wasCurrent) {
      this.#client = undefined;
      clearInterval(this.#heartbeat);
    }
    if (this.#closed || this.#retryTimer) return;
    if (wasCurrent || this.#retryMs === 0) this.options.onError?.(err);
    const max = this.options.maxRetryMs ?? 5_000;
    this.#retryMs = Math.min(max, this.#retryMs ? this.#retryMs * 2 : 250);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  /** Whether the listening connection is up (for tests and health checks). */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeat);
    // A connect under way (the database may be away: up to 5 s) is cut, not waited for.
    this.#pending?.end().catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
    this.emitter.removeAllListeners();
  }
}

/**
 * The feed of a store: PostgreSQL (`url`) or a process-local emitter (`key`: the SQLite file's
 * description; none for a private in-memory database).
 */
export function createChangeFeed(
  target: { dialect: 'postgres'; db: Kysely<Database>; url: string } | { dialect: 'sqlite'; key?: string },
  options: ChangeFeedOptions = {},
): ChangeFeed {
  return target.dialect === 'postgres'
    ? new PgChangeFeed(target.db, target.url, options)
    : new LocalChangeFeed(target.key);
}
