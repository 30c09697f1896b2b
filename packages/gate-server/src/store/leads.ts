/**
 * The leads of one tour as the dashboard and the admin API list them: search over the email
 * and the mask's values, filters by state and period, newest first, in pages. Every query is
 * bound to one tour id, which the caller has checked belongs to the broker asking.
 */
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Registration, RegistrationStatus } from './schema.ts';
import type { Period } from './statistics.ts';

export interface LeadFilter extends Period {
  /** Free text, matched case-insensitively against the email and every field value. */
  q?: string | undefined;
  status?: RegistrationStatus | undefined;
  /** Only leads who opened their unlock link (`first_opened_at` set). */
  opened?: boolean | undefined;
  /** Only leads who asked for this viewpoint. */
  viewpoint?: string | undefined;
}

const PAGE_SIZE = 50;

/** `%` and `_` in the search text are literal, not wildcards. */
const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function filtered(
  db: Kysely<Database>,
  tourId: string,
  f: LeadFilter,
): SelectQueryBuilder<Database, 'registrations', object> {
  let q = db.selectFrom('registrations').where('tour_id', '=', tourId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.opened) q = q.where('first_opened_at', 'is not', null);
  if (f.viewpoint) q = q.where('viewpoint', '=', f.viewpoint);
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

async function listLeads(
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
async function getLead(db: Kysely<Database>, tourId: string, id: string): Promise<Registration | undefined> {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('id', '=', id)
    .where('tour_id', '=', tourId)
    .executeTakeFirst();
}

/** Pages of registrations, oldest first (keyset paging on `created_at, id`). */
async function* leadPages(
  db: Kysely<Database>,
  tourId: string,
  filter: LeadFilter = {},
  pageSize = 1000,
): AsyncGenerator<Registration[]> {
  let after: { created_at: number; id: string } | undefined;
  for (;;) {
    let q = filtered(db, tourId, filter).selectAll();
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '>', a.created_at),
          eb.and([eb('created_at', '=', a.created_at), eb('id', '>', a.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(pageSize).execute();
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as Registration;
    after = { created_at: Number(last.created_at), id: last.id };
  }
}

/** The leads of the tours, as lists, single leads, counts and pages for exports. */
export class LeadStore {
  constructor(private readonly db: Kysely<Database>) {}

  list(tourId: string, filter: LeadFilter, page: number, size = PAGE_SIZE) {
    return listLeads(this.db, tourId, filter, page, size);
  }

  /** One lead, only if it belongs to `tourId` (a guessed id of another tour is not found). */
  get(tourId: string, id: string): Promise<Registration | undefined> {
    return getLead(this.db, tourId, id);
  }

  async count(tourId: string, filter: LeadFilter = {}): Promise<number> {
    const { n } = await filtered(this.db, tourId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  pages(tourId: string, filter: LeadFilter = {}, pageSize = 1000): AsyncGenerator<Registration[]> {
    return leadPages(this.db, tourId, filter, pageSize);
  }
}
