/**
 * The leads of one tour as the dashboard and the admin API list them: search over the email
 * and the mask's values, filters by state and period, newest first, in pages. Every query is
 * bound to one tour id, which the caller has checked belongs to the broker asking.
 */
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Registration, RegistrationStatus } from '../store/schema.ts';
import type { Period } from './tour-stats.ts';

export interface LeadFilter extends Period {
  /** Free text, matched case-insensitively against the email and every field value. */
  q?: string | undefined;
  status?: RegistrationStatus | undefined;
}

export const PAGE_SIZE = 50;

/** `%` and `_` in the search text are literal, not wildcards. */
export const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export function filtered(
  db: Kysely<Database>,
  tourId: string,
  f: LeadFilter,
): SelectQueryBuilder<Database, 'registrations', object> {
  let q = db.selectFrom('registrations').where('tour_id', '=', tourId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('day', '>=', f.from);
  if (f.to) q = q.where('day', '<=', f.to);
  const text = f.q?.trim();
  if (text) {
    const pattern = likePattern(text);
    // SQLite has no default LIKE escape character; PostgreSQL's is the backslash. Naming it
    // makes both the same.
    q = q.where(sql<boolean>`(lower(email) like ${pattern} escape '\\' or lower(fields) like ${pattern} escape '\\')`);
  }
  return q;
}

export async function listLeads(
  db: Kysely<Database>,
  tourId: string,
  f: LeadFilter,
  page: number,
  size = PAGE_SIZE,
): Promise<{ rows: Registration[]; total: number; page: number; pages: number }> {
  const { n } = await filtered(db, tourId, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(n);
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(1, page), pages);
  const rows = await filtered(db, tourId, f)
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(size)
    .offset((p - 1) * size)
    .execute();
  return { rows, total, page: p, pages };
}

/** One lead, only if it belongs to `tourId` (a guessed id of another tour is not found). */
export async function getLead(db: Kysely<Database>, tourId: string, id: string): Promise<Registration | undefined> {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .where('tour_id', '=', tourId)
    .executeTakeFirst();
}
