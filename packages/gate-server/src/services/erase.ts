/**
 * Erasure ("forget a visitor", GDPR Art. 17): the registration and everything that carries the
 * visitor's data or can act for them go in one transaction — link tokens, access tokens, the
 * logbook, every outbox mail about them (sent or not: their bodies hold the visitor's data),
 * and the rate-limit counters keyed by the hash of their email. The per-day aggregates in
 * `daily_stats` stay: they hold counts only.
 */

import { sql, type Transaction } from 'kysely';
import { emailKey } from '../http/rate-limit.ts';
import type { Database, Registration } from '../store/schema.ts';
import type { GateStore } from '../store/store.ts';

export interface Erased {
  registrations: number;
  tours: string[];
}

async function eraseRows(trx: Transaction<Database>, regs: Registration[]): Promise<void> {
  const ids = regs.map((r) => r.id);
  if (!ids.length) return;
  await trx
    .deleteFrom('link_tokens')
    .where('subject_id', 'in', ids)
    .where('purpose', 'in', ['unlock', 'review'])
    .execute();
  await trx.deleteFrom('access_tokens').where('registration_id', 'in', ids).execute();
  await trx.deleteFrom('logbook').where('registration_id', 'in', ids).execute();
  await trx.deleteFrom('outbox').where('registration_id', 'in', ids).execute();
  // Mails to the visitor's address that belong to no registration (none today) go too; mails
  // of the same visitor's registrations on other tours stay with those.
  await trx
    .deleteFrom('outbox')
    .where('registration_id', 'is', null)
    .where('recipient', 'in', [...new Set(regs.map((r) => r.email))])
    .execute();
  for (const email of new Set(regs.map((r) => r.email))) {
    // `_` is a LIKE wildcard and may occur in the base64url hash.
    const pattern = `%:${emailKey(email).replace(/_/g, '\\_')}`;
    await trx
      .deleteFrom('rate_limits')
      .where(sql<boolean>`${sql.ref('key')} like ${pattern} escape '\\'`)
      .execute();
  }
  await trx.deleteFrom('registrations').where('id', 'in', ids).execute();
}

/** Erases one registration; `tourId` binds it to a tour the caller checked. */
export async function eraseRegistration(store: GateStore, id: string, tourId?: string): Promise<boolean> {
  return store.kysely.transaction().execute(async (trx) => {
    let q = trx.selectFrom('registrations').selectAll().where('id', '=', id);
    if (tourId) q = q.where('tour_id', '=', tourId);
    const regs = await q.execute();
    await eraseRows(trx, regs);
    return regs.length > 0;
  });
}

/** Erases every registration of an email (all tours, or the given ones). */
export async function forgetEmail(store: GateStore, email: string, tourIds?: readonly string[]): Promise<Erased> {
  const normalized = email.trim().toLowerCase();
  return store.kysely.transaction().execute(async (trx) => {
    let q = trx.selectFrom('registrations').selectAll().where('email', '=', normalized);
    if (tourIds) q = q.where('tour_id', 'in', tourIds.length ? [...tourIds] : ['']);
    const regs = await q.execute();
    await eraseRows(trx, regs);
    return { registrations: regs.length, tours: [...new Set(regs.map((r) => r.tour_id))] };
  });
}
