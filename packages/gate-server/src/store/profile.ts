/**
 * Brokers' profiles (issue 9): how a broker appears in the mask and the mails, as a JSON
 * document the core checked (`core/profile.ts`), and the logo, checked image bytes kept as
 * base64 with their media type and the hash the public URL carries. Every save tells the other
 * instances on the database (`change-feed.ts`, the managed channel with the kind `profile`,
 * which the tours' follower ignores), so each serves the new profile at once.
 */
import type { Kysely } from 'kysely';
import { CHANNELS, type ChangeFeed } from './change-feed.ts';
import type { Database } from './schema.ts';

export interface ProfileRow {
  brokerId: string;
  /** The profile document (JSON). */
  profile: string;
  logoType: string | null;
  logoHash: string | null;
  updatedAt: number;
}

export interface StoredLogo {
  bytes: Buffer;
  type: string;
  hash: string;
}

/** What the feed carries about a saved profile: whose, and which instance saved it. */
export interface ProfileNote {
  kind: 'profile';
  id: string;
  from: string;
}

export function parseProfileNote(payload: string): ProfileNote | undefined {
  try {
    const v = JSON.parse(payload) as Partial<ProfileNote>;
    if (v.kind === 'profile' && typeof v.id === 'string' && typeof v.from === 'string') {
      return { kind: 'profile', id: v.id, from: v.from };
    }
  } catch {
    // not ours
  }
  return undefined;
}

export class ProfileStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly feed: ChangeFeed,
    /** This instance, so it can tell its own notes from others'. */
    readonly instance: string,
  ) {}

  /**
   * Saves a broker's profile document; `logo`: a new logo, `null` to remove it, absent to keep
   * the stored one. Tells every instance once committed.
   */
  async save(brokerId: string, profile: string, now: number, logo?: StoredLogo | null): Promise<void> {
    const logoCols =
      logo === undefined
        ? {}
        : logo === null
          ? { logo: null, logo_type: null, logo_hash: null }
          : { logo: logo.bytes.toString('base64'), logo_type: logo.type, logo_hash: logo.hash };
    const payload = JSON.stringify({ kind: 'profile', id: brokerId, from: this.instance });
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('broker_profiles')
        .values({
          broker_id: brokerId,
          profile,
          updated_at: now,
          logo: null,
          logo_type: null,
          logo_hash: null,
          ...logoCols,
        })
        .onConflict((oc) => oc.column('broker_id').doUpdateSet({ profile, updated_at: now, ...logoCols }))
        .execute();
      if (this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload, trx);
    });
    if (!this.feed.transactional) await this.feed.publish(CHANNELS.managed, payload);
  }

  async get(brokerId: string): Promise<ProfileRow | undefined> {
    const r = await this.db
      .selectFrom('broker_profiles')
      .select(['broker_id', 'profile', 'logo_type', 'logo_hash', 'updated_at'])
      .where('broker_id', '=', brokerId)
      .executeTakeFirst();
    return r && toRow(r);
  }

  async all(): Promise<ProfileRow[]> {
    const rows = await this.db
      .selectFrom('broker_profiles')
      .select(['broker_id', 'profile', 'logo_type', 'logo_hash', 'updated_at'])
      .execute();
    return rows.map(toRow);
  }

  /** The logo of `brokerId` if its hash is `hash` (an old URL finds nothing). */
  async logo(brokerId: string, hash: string): Promise<StoredLogo | undefined> {
    const r = await this.db
      .selectFrom('broker_profiles')
      .select(['logo', 'logo_type', 'logo_hash'])
      .where('broker_id', '=', brokerId)
      .where('logo_hash', '=', hash)
      .executeTakeFirst();
    if (!r?.logo || !r.logo_type || !r.logo_hash) return undefined;
    return { bytes: Buffer.from(r.logo, 'base64'), type: r.logo_type, hash: r.logo_hash };
  }
}

function toRow(r: {
  broker_id: string;
  profile: string;
  logo_type: string | null;
  logo_hash: string | null;
  updated_at: number | string;
}): ProfileRow {
  return {
    brokerId: r.broker_id,
    profile: r.profile,
    logoType: r.logo_type,
    logoHash: r.logo_hash,
    updatedAt: Number(r.updated_at),
  };
}
