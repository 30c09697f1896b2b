/**
 * Erasure in one transaction: a registration and everything that carries the visitor's data
 * or can act for them — link tokens, access tokens, the logbook, every outbox mail about them
 * (sent or not: their bodies hold the visitor's data), and the rate-limit counters keyed by the
 * hash of their email, the webhook deliveries about them, and the brokers' daily digests that
 * list them. The per-day aggregates in `daily_stats` stay: they hold counts only.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Sealer } from '../security/seal.ts';
import type { Database, Registration } from './schema.ts';
import { WebhookStore } from './webhooks.ts';

/**
 * A digest is made the day after the first openings it lists (at `GATE_DIGEST_HOUR`), or a few
 * days later at most after an outage: the digests that may list a visitor are looked for in this
 * span after their first opening, not through every digest ever sent.
 */
const DIGEST_SPAN_MS = 7 * 86_400_000;

/**
 * The brokers' daily digests (queued or sent: a sent copy keeps its text) that list one of these
 * registrations. A digest has no registration of its own; it names each visitor with a link to
 * the lead, which holds the registration's id.
 */
async function digestsListing(trx: Transaction<Database>, regs: Registration[], sealer: Sealer): Promise<string[]> {
  const opened = regs.filter((r) => r.first_opened_at !== null);
  if (!opened.length) return [];
  const times = opened.map((r) => Number(r.first_opened_at));
  const rows = await trx
    .selectFrom('outbox')
    .select(['id', 'text_body', 'html_body'])
    .where('kind', '=', 'digest')
    .where('created_at', '>=', Math.min(...times))
    .where('created_at', '<=', Math.max(...times) + DIGEST_SPAN_MS)
    .execute();
  return rows
    .filter((row) => {
      const text = `${sealer.open(row.text_body)}\n${sealer.open(row.html_body)}`;
      return opened.some((r) => text.includes(r.id));
    })
    .map((row) => row.id);
}

async function eraseRows(trx: Transaction<Database>, regs: Registration[], emailKeyOf: EmailKeyOf, sealer: Sealer) {
  const ids = regs.map((r) => r.id);
  if (!ids.length) return;
  // A queued digest that lists them goes unsent: the broker finds the other leads in the dashboard.
  const digests = await digestsListing(trx, regs, sealer);
  if (digests.length) await trx.deleteFrom('outbox').where('id', 'in', digests).execute();
  await trx
    .deleteFrom('link_tokens')
    .where('subject_id', 'in', ids)
    .where('purpose', 'in', ['unlock', 'review', 'request'])
    .execute();
  await trx.deleteFrom('access_tokens').where('registration_id', 'in', ids).execute();
  await trx.deleteFrom('logbook').where('registration_id', 'in', ids).execute();
  await trx.deleteFrom('outbox').where('registration_id', 'in', ids).execute();
  // Webhook deliveries about them, sent or not: their payloads hold the visitor's data.
  await trx.deleteFrom('webhook_deliveries').where('registration_id', 'in', ids).execute();
  // Mails to the visitor's address that belong to no registration (none today) go too; mails
  // of the same visitor's registrations on other tours stay with those.
  await trx
    .deleteFrom('outbox')
    .where('registration_id', 'is', null)
    .where('recipient', 'in', [...new Set(regs.map((r) => r.email))])
    .execute();
  const keys = new Set(regs.flatMap((r) => emailKeyOf(r.email)));
  for (const key of keys) {
    // `_` is a LIKE wildcard and may occur in the base64url hash.
    const pattern = `%:${key.replace(/_/g, '\\_')}`;
    await trx
      .deleteFrom('rate_limits')
      .where(sql<boolean>`${sql.ref('key')} like ${pattern} escape '\\'`)
      .execute();
  }
  await trx.deleteFrom('registrations').where('id', 'in', ids).execute();
}

/** `emailKeyOf`: the keys under which the rate limits count an address (the core's policy decides). */
export type EmailKeyOf = (email: string) => readonly string[];

/**
 * Runs in the erasure's transaction, after the rows are gone: the core queues `lead.erased`
 * webhook deliveries here, so they exist exactly when the erasure does.
 */
export type OnErased = (regs: readonly Pick<Registration, 'id' | 'tour_id'>[], webhooks: WebhookStore) => Promise<void>;

export class ErasureStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sealer: Sealer,
  ) {}

  /** Erases one registration; `tourId` binds it to a tour the caller checked. */
  async registration(
    id: string,
    tourId: string | undefined,
    emailKeyOf: EmailKeyOf,
    onErased?: OnErased,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('registrations').selectAll().where('id', '=', id);
      if (tourId) q = q.where('tour_id', '=', tourId);
      const regs = await q.execute();
      await eraseRows(trx, regs, emailKeyOf, this.sealer);
      if (regs.length && onErased) await onErased(regs, new WebhookStore(trx, this.sealer));
      return regs.length > 0;
    });
  }

  /** Erases every registration of a normalised email (all tours, or the given ones). */
  async email(
    email: string,
    tourIds: readonly string[] | undefined,
    emailKeyOf: EmailKeyOf,
    onErased?: OnErased,
  ): Promise<{ registrations: number; tours: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('registrations').selectAll().where('email', '=', email);
      if (tourIds) q = q.where('tour_id', 'in', tourIds.length ? [...tourIds] : ['']);
      const regs = await q.execute();
      await eraseRows(trx, regs, emailKeyOf, this.sealer);
      if (regs.length && onErased) await onErased(regs, new WebhookStore(trx, this.sealer));
      return { registrations: regs.length, tours: [...new Set(regs.map((r) => r.tour_id))] };
    });
  }

  /** Registrations created before `before` that never became a lead: pending, denied or never opened. */
  async unconfirmedBefore(before: number): Promise<{ id: string; tour_id: string }[]> {
    return this.db
      .selectFrom('registrations')
      .select(['id', 'tour_id'])
      .where('created_at', '<', before)
      .where((eb) => eb.or([eb('status', 'in', ['pending', 'denied']), eb('first_opened_at', 'is', null)]))
      .execute();
  }

  /** A tour's registrations created before `before`. */
  async createdBefore(tourId: string, before: number): Promise<{ id: string; tour_id: string }[]> {
    return this.db
      .selectFrom('registrations')
      .select(['id', 'tour_id'])
      .where('tour_id', '=', tourId)
      .where('created_at', '<', before)
      .execute();
  }
}
