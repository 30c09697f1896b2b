/**
 * Schema migrations, in code so they ship with the server. The same statements run on SQLite
 * and PostgreSQL (bigint/integer/text only).
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registrations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('fields', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('viewpoint', 'text')
        .addColumn('consent_at', 'bigint', (c) => c.notNull())
        .addColumn('consent_version', 'text', (c) => c.notNull())
        .addColumn('consent_privacy', 'integer', (c) => c.notNull())
        .addColumn('consent_marketing', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .addColumn('decided_by', 'text')
        .addColumn('first_opened_at', 'bigint')
        .addUniqueConstraint('registrations_tour_email', ['tour_id', 'email'])
        .execute();
      await db.schema
        .createIndex('registrations_tour_created')
        .on('registrations')
        .columns(['tour_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('registrations_tour_status')
        .on('registrations')
        .columns(['tour_id', 'status'])
        .execute();
      await db.schema.createIndex('registrations_email').on('registrations').column('email').execute();

      await db.schema
        .createTable('link_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('tour_id', 'text')
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema.createIndex('link_tokens_subject').on('link_tokens').columns(['subject_id', 'purpose']).execute();

      await db.schema
        .createTable('access_tokens')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('registration_id', 'text', (c) => c.notNull())
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('link_id', 'text')
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('access_tokens_registration').on('access_tokens').column('registration_id').execute();

      await db.schema
        .createTable('logbook')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('registration_id', 'text', (c) => c.notNull())
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('logbook_registration').on('logbook').columns(['registration_id', 'at']).execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tour_id', 'text')
        .addColumn('registration_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('reply_to', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_registration').on('outbox').column('registration_id').execute();

      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('daily_stats')
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_stats_pk', ['tour_id', 'day', 'metric'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        'daily_stats',
        'rate_limits',
        'outbox',
        'logbook',
        'access_tokens',
        'link_tokens',
        'registrations',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
      await sql`select 1`.execute(db);
    },
  },
  // Broker dashboard sessions, admin API keys, tours and brokers created through the admin
  // API, and the index that keeps a tour's median release time fast on large stores.
  '0002_dashboard_admin': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dashboard_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dashboard_sessions_broker').on('dashboard_sessions').column('broker_id').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('managed_brokers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('managed_tours')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      // Median time registration → release: ordered by the delay within a tour, so the
      // median is an index walk, not a sort (same expression in stats/tour-stats.ts).
      await sql`create index registrations_tour_release_delay on registrations (tour_id, (released_at - created_at)) where released_at is not null`.execute(
        db,
      );
      await db.schema.createIndex('registrations_tour_day').on('registrations').columns(['tour_id', 'day']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('registrations_tour_day').ifExists().execute();
      await db.schema.dropIndex('registrations_tour_release_delay').ifExists().execute();
      for (const t of ['managed_tours', 'managed_brokers', 'api_keys', 'dashboard_sessions']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  },
  // Covering indexes for a tour's statistics (bench/stats-bench.ts): the median walk reads
  // `released_at - created_at` in index order, and with both columns in the index PostgreSQL
  // answers it from the index alone (a tour with 500,000 releases: ~400 ms → ~45 ms); the
  // per-period counts and median read day, state and times from one index, not the table.
  '0003_stats_covering_indexes': {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('registrations_tour_release_delay').ifExists().execute();
      await sql`create index registrations_tour_release_delay_cover on registrations (tour_id, (released_at - created_at), released_at, created_at) where released_at is not null`.execute(
        db,
      );
      await db.schema.dropIndex('registrations_tour_day').ifExists().execute();
      await db.schema
        .createIndex('registrations_tour_day_cover')
        .on('registrations')
        .columns(['tour_id', 'day', 'status', 'released_at', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('registrations_tour_day_cover').ifExists().execute();
      await db.schema.createIndex('registrations_tour_day').on('registrations').columns(['tour_id', 'day']).execute();
      await db.schema.dropIndex('registrations_tour_release_delay_cover').ifExists().execute();
      await sql`create index registrations_tour_release_delay on registrations (tour_id, (released_at - created_at)) where released_at is not null`.execute(
        db,
      );
    },
  },
  // Mail attachments (the OpenImmo-Feedback file of a lead), sealed like the bodies.
  '0005_openimmo_attachments': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('outbox').addColumn('attachments', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('outbox').dropColumn('attachments').execute();
    },
  },
  // Webhooks per broker (optionally per tour) and their durable delivery queue (core/webhooks.ts).
  '0006_webhooks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('tour_id', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhooks_broker').on('webhooks').column('broker_id').execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hook_id', 'text', (c) => c.notNull())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('registration_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('give_up_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_hook')
        .on('webhook_deliveries')
        .columns(['hook_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_registration')
        .on('webhook_deliveries')
        .column('registration_id')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('webhook_deliveries').ifExists().execute();
      await db.schema.dropTable('webhooks').ifExists().execute();
    },
  },
  // Issue 11, statistics per viewpoint: the widget's anonymous events (locked clicks, masks
  // shown, views) and the registrations per tour, day and viewpoint, no personal data, kept
  // like `daily_stats` (erasing a visitor leaves the counts); the registrations stored so far
  // are counted in once.
  '0009_viewpoint_stats': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('viewpoint_stats')
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('viewpoint', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('viewpoint_stats_pk', ['tour_id', 'day', 'viewpoint', 'metric'])
        .execute();
      await sql`insert into viewpoint_stats (tour_id, day, viewpoint, metric, count)
        select tour_id, day, viewpoint, 'registrations', count(*) from registrations
        where viewpoint is not null group by tour_id, day, viewpoint`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('viewpoint_stats').ifExists().execute();
    },
  },
  // Issue 9, an embed that explains itself: which origins fetched a tour's gate config per day,
  // allowed or refused (counts only), for the embed page's check of the last 30 days.
  '0012_embed_origins': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('embed_origins')
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('allowed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('embed_origins_pk', ['tour_id', 'day', 'origin'])
        .execute();
      await db.schema.createIndex('embed_origins_day').on('embed_origins').column('day').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('embed_origins').ifExists().execute();
    },
  },
  // Issue 9, tour settings in the dashboard: who changed which setting of a tour, when, before
  // and after (the tour's change log), newest first per tour.
  '0008_tour_settings_audit': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tour_settings_audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tour_id', 'text', (c) => c.notNull())
        .addColumn('broker_id', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('tour_settings_audit_tour')
        .on('tour_settings_audit')
        .columns(['tour_id', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('tour_settings_audit').ifExists().execute();
    },
  },
  // Issue 10, returning visitors: the page a visitor registered on, where unlock links return
  // (its origin allowed for the tour, else null and the tour's pageUrl). Request handles are
  // link tokens of purpose `request` and need no table of their own.
  '0007_visitor_states': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('registrations').addColumn('page_url', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('registrations').dropColumn('page_url').execute();
    },
  },
  // Jobs that run once per period across every instance (issue 11: the brokers' daily digest):
  // an instance runs one only if its insert of (job, period) lands (core/digest.ts).
  '0009_digest_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('scheduled_runs')
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('done_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('scheduled_runs_pk', ['job', 'period'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('scheduled_runs').ifExists().execute();
    },
  },
  // Issue 10, consent said as it was asked: whether the tour offered the marketing box when the
  // visitor registered (null on older rows: read from the tour as it is now), and when the
  // visitor confirmed the address by opening a mailed link (double opt-in: marketing consent
  // counts only from then on).
  '0011_marketing_double_opt_in': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('registrations').addColumn('consent_marketing_offered', 'integer').execute();
      await db.schema.alterTable('registrations').addColumn('consent_marketing_confirmed_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('registrations').dropColumn('consent_marketing_confirmed_at').execute();
      await db.schema.alterTable('registrations').dropColumn('consent_marketing_offered').execute();
    },
  },
  // Issue 13, the outbox's fair claim (store/outbox.ts) reads every due mail's lease, tour and
  // kind: from this index alone, never from the rows (whose sealed bodies SQLite would have to
  // page through to reach the columns behind them).
  '0010_outbox_claim': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('outbox_claim')
        .on('outbox')
        .columns(['status', 'next_attempt_at', 'locked_until', 'tour_id', 'kind', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outbox_claim').ifExists().execute();
    },
  },
  // Issue 9, the broker's profile: how a broker appears in the mask and the mails (name,
  // company, phone, address, website, the contact person's salutation) as a JSON document, and
  // the logo (checked image bytes as base64, its type and the hash its public URL carries).
  '0013_broker_profile': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('broker_profiles')
        .addColumn('broker_id', 'text', (c) => c.primaryKey())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('logo', 'text')
        .addColumn('logo_type', 'text')
        .addColumn('logo_hash', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('broker_profiles').ifExists().execute();
    },
  },
};

class InCodeProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

function migrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: new InCodeProvider(),
    migrationTableName: 'tour_gate_migrations',
    // The migrations are independent additions (tables, columns, indexes): a database that ran
    // some of a release's migrations in another order still takes the rest.
    allowUnorderedMigrations: true,
    migrationLockTableName: 'tour_gate_migrations_lock',
  });
}

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
