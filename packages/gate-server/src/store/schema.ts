/**
 * Table types of the store. Times are epoch milliseconds (bigint in PostgreSQL, integer in
 * SQLite); booleans are 0/1; JSON is kept as text so both databases read it the same way.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type RegistrationStatus = 'released' | 'pending' | 'granted' | 'denied' | 'revoked';

interface RegistrationsTable {
  id: string;
  tour_id: string;
  /** Normalised (trimmed, lower-case). */
  email: string;
  /** JSON object of the mask's values (email included). */
  fields: string;
  locale: string;
  status: RegistrationStatus;
  viewpoint: string | null;
  /** The page the visitor registered on, where unlock links return (origin checked); null: the tour's `pageUrl`. */
  page_url: ColumnType<string | null, string | null | undefined, string | null>;
  consent_at: number;
  consent_version: string;
  consent_privacy: number;
  consent_marketing: number;
  /** Whether the tour offered the marketing box (1/0); null on rows older than that question. */
  consent_marketing_offered: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the visitor confirmed the address by opening a mailed link (double opt-in for marketing). */
  consent_marketing_confirmed_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  /** Day of the registration (Europe/Berlin), `YYYY-MM-DD`, for cheap per-day grouping. */
  day: string;
  updated_at: number;
  /** When access was given: at once (email release) or by the broker's grant. */
  released_at: number | null;
  decided_at: number | null;
  decided_by: string | null;
  first_opened_at: number | null;
}

/** `request`: a registration's handle for the widget (messages, new links), not a link anyone opens. */
export type LinkPurpose = 'unlock' | 'review' | 'login' | 'request';

interface LinkTokensTable {
  id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  purpose: LinkPurpose;
  tour_id: string | null;
  /** The registration (unlock, review) or the broker (login) the link belongs to. */
  subject_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  use_count: Generated<number>;
  last_used_at: number | null;
}

interface AccessTokensTable {
  jti: string;
  registration_id: string;
  tour_id: string;
  link_id: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export type LogKind =
  | 'registered'
  | 'registered-again'
  | 'mail-queued'
  | 'mail-sent'
  | 'mail-retry'
  | 'mail-failed'
  /** The mail server refused the mail for good (SMTP 5xx for the recipient or the message). */
  | 'mail-refused'
  | 'link-redeemed'
  | 'link-requested'
  | 'granted'
  | 'denied'
  | 'revoked'
  | 'broker-notified'
  /** A denied visitor asked again; the broker got a review request marked as a repeat. */
  | 'repeat-requested'
  /** The visitor added a message to the request; it went to the broker by mail. */
  | 'message-added';

interface LogbookTable {
  id: string;
  registration_id: string;
  tour_id: string;
  at: number;
  kind: LogKind;
  /** JSON with details (mail kind and subject, who decided, …); no secrets. */
  detail: string | null;
}

export type MailKind =
  | 'unlock'
  | 'deny'
  | 'review-request'
  | 'confirmation'
  | 'broker-notification'
  | 'login'
  /** A visitor's message about the request, to the broker. */
  | 'visitor-message'
  /** To a visitor whose access was revoked and who registered again. */
  | 'revoked-notice'
  /** The broker's daily digest of first openings (core/digest.ts); about no one registration. */
  | 'digest';
type MailStatus = 'queued' | 'sent' | 'failed';

interface OutboxTable {
  id: string;
  tour_id: string | null;
  registration_id: string | null;
  kind: MailKind;
  recipient: string;
  /** JSON `{name, address}` or null. */
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string;
  /**
   * JSON array of attachments (`store/codecs.ts`), sealed like the bodies; null when the mail
   * has none, and again once an SMTP server took the mail (attachments hold personal data).
   */
  attachments: ColumnType<string | null, string | null | undefined, string | null>;
  status: MailStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

interface DailyStatsTable {
  tour_id: string;
  day: string;
  metric: string;
  count: number;
}

/** The widget's events per tour, day and viewpoint (counts only, like `daily_stats`). */
interface ViewpointStatsTable {
  tour_id: string;
  day: string;
  viewpoint: string;
  metric: string;
  count: number;
}

/** Gate config fetches per tour, day and origin: allowed and refused (counts only). */
/** A broker's profile (issue 9): display fields as JSON, the logo as base64 with its type and hash. */
interface BrokerProfilesTable {
  broker_id: string;
  profile: string;
  logo: string | null;
  logo_type: string | null;
  logo_hash: string | null;
  updated_at: number;
}

interface EmbedOriginsTable {
  tour_id: string;
  day: string;
  origin: string;
  allowed: Generated<number>;
  refused: Generated<number>;
}

/** A broker's dashboard login; only the SHA-256 of the cookie value is stored. */
interface DashboardSessionsTable {
  token_hash: string;
  broker_id: string;
  created_at: number;
  expires_at: number;
}

/** A per-broker admin API key, stored as its SHA-256. */
interface ApiKeysTable {
  id: string;
  key_hash: string;
  broker_id: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

/** Brokers and tours created through the admin API; `config` is the validated JSON. */
interface ManagedBrokersTable {
  id: string;
  config: string;
  updated_at: number;
}

interface ManagedToursTable {
  id: string;
  broker_id: string;
  config: string;
  updated_at: number;
}

/**
 * One change of a tour's settings (issue 9): `changes` is JSON, `[{ setting, before, after }]`
 * with the settings' values (absent: null). `actor_kind` is `broker` (dashboard, `actor` the
 * broker's email), `broker-key` or `platform` (admin API).
 */
interface TourSettingsAuditTable {
  id: string;
  tour_id: string;
  broker_id: string;
  actor_kind: 'broker' | 'broker-key' | 'platform';
  actor: string;
  at: number;
  changes: string;
}

/** A broker's webhook; `secret` and `previous_secret` are sealed at rest. */
interface WebhooksTable {
  id: string;
  broker_id: string;
  /** Only this tour's leads; null: every tour of the broker. */
  tour_id: string | null;
  url: string;
  /** JSON array of event types. */
  events: string;
  secret: string;
  /** The secret before the last rotation; it signs too until `previous_until`. */
  previous_secret: string | null;
  previous_until: number | null;
  created_at: number;
  updated_at: number;
}

type WebhookDeliveryStatus = 'queued' | 'delivered' | 'failed';

/** One event for one webhook; `id` is the `webhook-id`, `payload` the sealed JSON body. */
interface WebhookDeliveriesTable {
  id: string;
  hook_id: string;
  broker_id: string;
  registration_id: string | null;
  event: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_until: number | null;
  /** The receiver's last HTTP status (null: no answer). */
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  /** Retried until then, then failed. */
  give_up_at: number;
  delivered_at: number | null;
}

/** A job that ran for a period (the daily digest of a day): its row is the once-only claim. */
interface ScheduledRunsTable {
  job: string;
  /** The period the run covers, e.g. the day `YYYY-MM-DD`. */
  period: string;
  done_at: number;
}

export interface Database {
  registrations: RegistrationsTable;
  link_tokens: LinkTokensTable;
  access_tokens: AccessTokensTable;
  logbook: LogbookTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
  daily_stats: DailyStatsTable;
  scheduled_runs: ScheduledRunsTable;
  viewpoint_stats: ViewpointStatsTable;
  embed_origins: EmbedOriginsTable;
  broker_profiles: BrokerProfilesTable;
  dashboard_sessions: DashboardSessionsTable;
  api_keys: ApiKeysTable;
  managed_brokers: ManagedBrokersTable;
  managed_tours: ManagedToursTable;
  tour_settings_audit: TourSettingsAuditTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type Registration = Selectable<RegistrationsTable>;
export type TourSettingsAudit = Selectable<TourSettingsAuditTable>;
export type NewRegistration = Insertable<RegistrationsTable>;
export type RegistrationPatch = Updateable<RegistrationsTable>;
export type LinkToken = Selectable<LinkTokensTable>;
export type NewLinkToken = Insertable<LinkTokensTable>;
export type AccessToken = Selectable<AccessTokensTable>;
export type LogEntry = Selectable<LogbookTable>;
export type OutboxMail = Selectable<OutboxTable>;
export type NewOutboxMail = Insertable<OutboxTable>;
export type Webhook = Selectable<WebhooksTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveriesTable>;
