/**
 * The OpenAPI 3.1 description of everything under `/v1`, for platforms that code against the
 * gate. The operation table below (paths, parameters, headers, status codes, the error codes
 * each operation can answer with) is written by hand; every schema in the document, bodies,
 * parameters and headers alike, is converted from the zod schemas the server itself validates
 * with, so the document cannot promise a shape the server does not use.
 *
 * Server-side only: it pulls in the config-file schemas (full zod) for the admin API.
 */
import { z as zc } from 'zod';
import * as z from 'zod/mini';
import {
  accessResponseSchema,
  assetGrantSchema,
  brokerContactSchema,
  embedResponseSchema,
  errorBodyOf,
  eventsRequestSchema,
  gateConfigSchema,
  gateFieldSchema,
  idSchema,
  localizedSchema,
  messageRequestSchema,
  messageResponseSchema,
  newLinkRequestSchema,
  newLinkResponseSchema,
  registrationRequestSchema,
  registrationResponseSchema,
  repeatRequestSchema,
  repeatResponseSchema,
  unlockRequestSchema,
  unlockResponseSchema,
  viewpointRuleSchema,
} from './api.ts';
import { brokerConfigSchema, tourConfigSchema } from './config.ts';
import { ERROR_CODE_LIST, ERROR_CODES, type ErrorCode } from './errors.ts';
import { GLOSSARY } from './glossary.ts';

// ---------------------------------------------------------------------------------------------
// Answers of the admin API. The server builds them from the config-file schemas and its own
// statistics; these describe them for the document, and the OpenAPI test holds every live
// answer to them (objects are closed), so a field the server adds without them fails it.
// ---------------------------------------------------------------------------------------------

/** Where a broker or tour is defined: the config file (read-only through the API) or the API. */
export const configSourceSchema = zc.enum(['config-file', 'api']);
/** A broker in `GET /v1/admin/brokers`: its config and where it is defined. */
export const adminBrokerSchema = brokerConfigSchema.extend({ source: configSourceSchema });
export const adminBrokerListSchema = zc.object({ brokers: zc.array(adminBrokerSchema) });
/** A tour as the admin API answers it: its config (defaults filled in) and where it is defined. */
export const adminTourSchema = tourConfigSchema.extend({ source: configSourceSchema });
export const adminTourListSchema = zc.object({ tours: zc.array(adminTourSchema) });
/** `PUT /v1/admin/brokers/:id` and `PUT /v1/admin/tours/:id`: the path's id wins over the body's. */
export const brokerReplaceRequestSchema = brokerConfigSchema.partial({ id: true });
export const tourReplaceRequestSchema = tourConfigSchema.partial({ id: true });

/** `POST /v1/admin/brokers/:id/keys` (the body is optional). */
export const brokerKeyRequestSchema = z.object({ label: z.optional(z.string().check(z.maxLength(100))) });
/** A new broker key; `key` is shown this once and stored only as a hash. */
export const brokerKeySchema = z.object({ id: z.string(), key: z.string(), broker: z.string() });

export const REGISTRATION_STATUSES = ['released', 'pending', 'granted', 'denied', 'revoked'] as const;
export const registrationStatusSchema = z.enum(REGISTRATION_STATUSES);
/** The states in the glossary's words (`glossary.ts`), as the dashboard and the exports name them. */
const STATUS_GLOSSARY = REGISTRATION_STATUSES.map(
  (c) =>
    `\`${c}\`: ${GLOSSARY.en.status[c].label} (${GLOSSARY.de.status[c].label}): ${GLOSSARY.en.status[c].description}`,
).join(' ');
const daySchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** `GET /v1/admin/tours/:id/stats`: the same object the dashboard and the CLI show. */
export const tourStatsSchema = z.object({
  tour: z.string(),
  period: z.object({ from: z.nullable(daySchema), to: z.nullable(daySchema) }),
  /** Sums of the per-day counters in the period. */
  funnel: z.object({
    /** The widget's `tour-view` events: page loads with the gate. */
    tourViews: z.number(),
    lockedClicks: z.number(),
    masksShown: z.number(),
    registrations: z.number(),
    released: z.number(),
    granted: z.number(),
    opened: z.number(),
    denied: z.number(),
    revoked: z.number(),
    viewpointViews: z.number(),
  }),
  /** Registrations now in each state. */
  status: z.object({
    released: z.number(),
    pending: z.number(),
    granted: z.number(),
    denied: z.number(),
    revoked: z.number(),
    total: z.number(),
  }),
  /** Median milliseconds from registration to release; null without releases. */
  medianReleaseMs: z.nullable(z.number()),
  perDay: z.array(z.object({ day: daySchema, registrations: z.number() })),
  /** The share of each funnel step that reached the next (tour mode: released or granted); null without a base. */
  conversions: z.array(z.object({ from: z.string(), to: z.string(), rate: z.nullable(z.number()) })),
  /** Per viewpoint (most locked clicks first): the widget's events and the registrations that asked for it. */
  perViewpoint: z.array(
    z.object({
      viewpoint: z.string(),
      lockedClicks: z.number(),
      masksShown: z.number(),
      registrations: z.number(),
      views: z.number(),
    }),
  ),
});

/** One lead of `GET /v1/admin/tours/:id/leads?format=json`; times are ISO 8601. */
export const leadRecordSchema = z.object({
  id: z.string(),
  tour: z.string(),
  status: registrationStatusSchema,
  createdAt: z.string(),
  releasedAt: z.nullable(z.string()),
  decidedAt: z.nullable(z.string()),
  firstOpenedAt: z.nullable(z.string()),
  locale: z.string(),
  viewpoint: z.nullable(z.string()),
  fields: z.record(z.string(), z.union([z.string(), z.boolean()])),
  consent: z.object({
    at: z.string(),
    version: z.string(),
    privacy: z.boolean(),
    /** Marketing consent that counts: given, and the address confirmed by opening a mailed link (double opt-in). */
    marketing: z.boolean(),
    /** `not-asked`: the tour offers no marketing box; `unconfirmed`: given, the address not yet confirmed. */
    marketingState: z.enum(['not-asked', 'declined', 'unconfirmed', 'confirmed']),
    marketingConfirmedAt: z.nullable(z.string()),
  }),
});
export const leadExportSchema = z.array(leadRecordSchema);

// ---- webhooks ------------------------------------------------------------------------------

/** The events a webhook can subscribe to; `webhook.test` is sent on request only. */
export const WEBHOOK_EVENTS = [
  'lead.registered',
  'lead.released',
  'lead.granted',
  'lead.denied',
  'lead.revoked',
  'lead.opened',
  'lead.erased',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

/**
 * `POST /v1/admin/brokers/:id/webhooks` and `PUT …/webhooks/:hook`: an https URL to a public
 * address, one or more events, optionally one tour of the broker (null or absent: all tours).
 */
export const webhookRequestSchema = z.object({
  url: z.string().check(z.maxLength(2000)),
  events: z.array(webhookEventSchema).check(z.minLength(1)),
  tour: z.optional(z.nullable(z.string().check(z.maxLength(100)))),
});
/** A webhook as the admin API answers it; the secret only in the answers that make one. */
export const webhookSchema = z.object({
  id: z.string(),
  broker: z.string(),
  tour: z.nullable(z.string()),
  url: z.string(),
  events: z.array(webhookEventSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** While a rotation is under way: until when the previous secret signs too. */
  previousSecretUntil: z.nullable(z.string()),
});
export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });
/** A new webhook or a rotated secret: `secret` (`whsec_…`) is shown this once. */
export const webhookWithSecretSchema = z.extend(webhookSchema, { secret: z.string() });
export const webhookDeliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  status: z.enum(['queued', 'delivered', 'failed']),
  attempts: z.number(),
  lastStatus: z.nullable(z.number()),
  lastError: z.nullable(z.string()),
  createdAt: z.string(),
  nextAttemptAt: z.nullable(z.string()),
  deliveredAt: z.nullable(z.string()),
});
export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });

export type WebhookRequest = z.output<typeof webhookRequestSchema>;
export type WebhookAnswer = z.output<typeof webhookSchema>;
export type WebhookWithSecret = z.output<typeof webhookWithSecretSchema>;
export type WebhookDeliveryAnswer = z.output<typeof webhookDeliverySchema>;

export type AdminBroker = zc.output<typeof adminBrokerSchema>;
export type AdminBrokerList = zc.output<typeof adminBrokerListSchema>;
export type AdminTour = zc.output<typeof adminTourSchema>;
export type AdminTourList = zc.output<typeof adminTourListSchema>;
export type BrokerKey = z.output<typeof brokerKeySchema>;
export type TourStatsAnswer = z.output<typeof tourStatsSchema>;
export type LeadExport = z.output<typeof leadExportSchema>;

/** The outline of an OpenAPI document, enough to describe `GET /v1/openapi.json` itself. */
export const openApiOutlineSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

// ---------------------------------------------------------------------------------------------
// The operation table.
// ---------------------------------------------------------------------------------------------

type Schema = z.core.$ZodType;
type Method = 'get' | 'head' | 'post' | 'put' | 'delete';
type HeaderName = keyof typeof HEADERS;

/** Named bodies: each becomes `#/components/schemas/<name>`. Requests are read as zod's input. */
const REQUEST_BODIES = {
  RegistrationRequest: registrationRequestSchema,
  UnlockRequest: unlockRequestSchema,
  NewLinkRequest: newLinkRequestSchema,
  MessageRequest: messageRequestSchema,
  RepeatRequest: repeatRequestSchema,
  EventsRequest: eventsRequestSchema,
  BrokerConfigInput: brokerConfigSchema,
  BrokerReplaceInput: brokerReplaceRequestSchema,
  TourConfigInput: tourConfigSchema,
  TourReplaceInput: tourReplaceRequestSchema,
  BrokerKeyRequest: brokerKeyRequestSchema,
  WebhookRequest: webhookRequestSchema,
} satisfies Record<string, Schema>;

/** Answers are read as zod's output: what the server sends after defaults are filled in. */
const RESPONSE_BODIES = {
  ErrorBody: errorBodyOf(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
  Localized: localizedSchema,
  GateField: gateFieldSchema,
  ViewpointRule: viewpointRuleSchema,
  BrokerContact: brokerContactSchema,
  GateConfig: gateConfigSchema,
  RegistrationResponse: registrationResponseSchema,
  AssetGrant: assetGrantSchema,
  UnlockResponse: unlockResponseSchema,
  NewLinkResponse: newLinkResponseSchema,
  MessageResponse: messageResponseSchema,
  RepeatResponse: repeatResponseSchema,
  AccessResponse: accessResponseSchema,
  EmbedResponse: embedResponseSchema,
  ConfigSource: configSourceSchema,
  BrokerConfig: brokerConfigSchema,
  AdminBroker: adminBrokerSchema,
  AdminBrokerList: adminBrokerListSchema,
  AdminTour: adminTourSchema,
  AdminTourList: adminTourListSchema,
  BrokerKey: brokerKeySchema,
  Webhook: webhookSchema,
  WebhookList: webhookListSchema,
  WebhookWithSecret: webhookWithSecretSchema,
  WebhookDelivery: webhookDeliverySchema,
  WebhookDeliveryList: webhookDeliveryListSchema,
  RegistrationStatus: registrationStatusSchema,
  TourStats: tourStatsSchema,
  LeadRecord: leadRecordSchema,
  LeadExport: leadExportSchema,
  OpenApiOutline: openApiOutlineSchema,
} satisfies Record<string, Schema>;

type RequestName = keyof typeof REQUEST_BODIES;
type ResponseName = keyof typeof RESPONSE_BODIES;

const HEADERS = {
  'Cache-Control': { schema: z.string(), description: 'How long the answer may be cached.' },
  ETag: { schema: z.string(), description: 'Send it back as `If-None-Match` to get `304` while nothing changed.' },
  'Retry-After': {
    schema: z.string().check(z.regex(/^[1-9][0-9]*$/)),
    description: 'Seconds until the limit resets (`429`) or until the service is worth asking again (`503`).',
  },
  'WWW-Authenticate': { schema: z.string(), description: 'The bearer challenge of the admin API.' },
  'Content-Disposition': {
    schema: z.string(),
    description: 'A download: `attachment; filename="<tour>-leads.<csv|json|xml>"`.',
  },
  'Content-Length': {
    schema: z.string().check(z.regex(/^[0-9]+$/)),
    description: 'Size of the body in bytes (`HEAD`: of the body the `GET` would carry).',
  },
  'Last-Modified': {
    schema: z.string(),
    description:
      'When the file last changed (HTTP date, whole seconds). Send it back as `If-Modified-Since` to get `304` while nothing changed.',
  },
  'Accept-Ranges': {
    schema: z.literal('bytes'),
    description: 'One byte range of the file can be asked for with `Range`.',
  },
  'Content-Range': {
    schema: z.string().check(z.regex(/^bytes ([0-9]+-[0-9]+|\*)\/[0-9]+$/)),
    description:
      '`206`: the bytes sent and the file size, `bytes <first>-<last>/<size>`; `416`: the file size only, `bytes */<size>`.',
  },
  'Cross-Origin-Resource-Policy': {
    schema: z.literal('cross-origin'),
    description: "A page of another origin (the broker's) may show the file.",
  },
  'Access-Control-Allow-Origin': { schema: z.string(), description: 'Readable from any origin.' },
} satisfies Record<string, { schema: Schema; description: string }>;

interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
  description: string;
  required?: boolean;
}

interface Reply {
  description: string;
  /** A JSON body by component name, or media types (a missing schema: any bytes). */
  body?: ResponseName | Record<string, Schema | null>;
  headers?: HeaderName[];
  /** Headers of `headers` always sent, besides `ETag` and `Cache-Control` (always required). */
  required?: HeaderName[];
}

interface Operation {
  method: Method;
  path: string;
  operationId: string;
  tag: 'gate' | 'admin' | 'meta';
  summary: string;
  description?: string;
  params?: Param[];
  security?: 'access' | 'access-or-signed-query' | 'admin';
  body?: { name: RequestName; required?: boolean; description?: string };
  replies: Record<number, Reply>;
  /** Every code the operation can answer with, grouped by their status in the document. */
  errors: ErrorCode[];
}

const tourParam: Param = {
  name: 'tour',
  in: 'path',
  schema: idSchema,
  description: 'The tour id.',
  required: true,
};
const idParam = (what: string): Param => ({
  name: 'id',
  in: 'path',
  schema: z.string(),
  description: `The ${what} id.`,
  required: true,
});
const hookParam: Param = {
  name: 'hook',
  in: 'path',
  schema: z.string(),
  description: 'The webhook id.',
  required: true,
};
const ifNoneMatch: Param = {
  name: 'If-None-Match',
  in: 'header',
  schema: z.string(),
  description: 'The `ETag` of an earlier answer; unchanged: `304` without a body.',
};
const origin: Param = {
  name: 'Origin',
  in: 'header',
  schema: z.string(),
  description:
    'Sent by browsers. A state-changing request from an origin the tour does not allow is refused (`ORIGIN_NOT_ALLOWED`).',
};
const periodParams: Param[] = [
  { name: 'from', in: 'query', schema: daySchema, description: 'First day (Europe/Berlin), inclusive.' },
  { name: 'to', in: 'query', schema: daySchema, description: 'Last day (Europe/Berlin), inclusive.' },
];

/** Every JSON body can fail these ways before the operation itself looks at it. */
const JSON_BODY: ErrorCode[] = ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'INVALID_JSON', 'VALIDATION_FAILED'];
const CAPTCHA: ErrorCode[] = ['CAPTCHA_REQUIRED', 'CAPTCHA_FAILED', 'CAPTCHA_UNAVAILABLE'];
/** Why an access token or link no longer opens its tour. */
const ACCESS_STATE: ErrorCode[] = ['ACCESS_EXPIRED', 'ACCESS_REVOKED', 'ACCESS_DENIED', 'ACCESS_PENDING'];

const noStore: HeaderName[] = ['Cache-Control'];

// ---- protected asset files (gate-server's http/routes/assets.ts), GET and HEAD alike -------------

const ASSET_PARAMS: Param[] = [
  tourParam,
  {
    name: 'file',
    in: 'path',
    schema: z.string(),
    description: "The file's path under the tour's assets folder; may contain `/`.",
    required: true,
  },
  { name: 't', in: 'query', schema: z.string(), description: 'Signed query: the grant.' },
  {
    name: 'exp',
    in: 'query',
    schema: z.string().check(z.regex(/^\d{1,12}$/)),
    description: 'Signed query: expiry (Unix seconds).',
  },
  { name: 'sig', in: 'query', schema: z.string(), description: 'Signed query: the signature.' },
  {
    name: 'If-None-Match',
    in: 'header',
    schema: z.string(),
    description:
      "Entity tags of earlier answers (comma-separated, or `*`), compared weakly with the file's `ETag`: a match → `304`. When sent, `If-Modified-Since` is not looked at.",
  },
  {
    name: 'If-Modified-Since',
    in: 'header',
    schema: z.string(),
    description:
      'An HTTP date, looked at only without `If-None-Match`: the file not changed after it (whole seconds) → `304`. A date the server cannot read is ignored.',
  },
  {
    name: 'Range',
    in: 'header',
    schema: z.string(),
    description:
      'One byte range, `bytes=<first>-<last>`, `bytes=<first>-` or `bytes=-<suffix length>` → `206` (a last byte past the end is the end). A first byte at or past the end of the file, a suffix of length 0, or a suffix of an empty file → `416`. Several ranges, a last byte before the first, or anything else are ignored: `200` with the whole file. A `304` wins over the range.',
  },
  {
    name: 'If-Range',
    in: 'header',
    schema: z.string(),
    description:
      "With `Range` only: the range is served only if this is the file's current `ETag` (strong comparison: a weak tag never matches) or exactly its `Last-Modified`; otherwise `200` with the whole file.",
  },
];

/** The media types the server serves asset files as (by file extension); a body of any bytes. */
const ASSET_TYPES: Record<string, null> = {
  'image/jpeg': null,
  'image/png': null,
  'image/webp': null,
  'image/avif': null,
  'video/mp4': null,
  'application/json': null,
};
const ASSET_VALIDATORS: HeaderName[] = ['ETag', 'Last-Modified', 'Cache-Control', 'Cross-Origin-Resource-Policy'];
const ASSET_FILE_HEADERS: HeaderName[] = [...ASSET_VALIDATORS, 'Accept-Ranges', 'Content-Length'];
const ASSET_ERRORS: ErrorCode[] = ['TOUR_NOT_FOUND', 'NOT_FOUND', 'TOKEN_INVALID', ...ACCESS_STATE];

/** The answers of `GET`, or of `HEAD` (the same status and headers, never a body). */
function assetReplies(head: boolean): Record<number, Reply> {
  const body = head ? {} : { body: ASSET_TYPES };
  const fileHeaders = { headers: ASSET_FILE_HEADERS, required: ASSET_FILE_HEADERS };
  const rangeHeaders: HeaderName[] = [...ASSET_FILE_HEADERS, 'Content-Range'];
  return {
    200: {
      description: head
        ? 'The headers of the whole file.'
        : 'The whole file. Privately cacheable; never by a shared cache.',
      ...body,
      ...fileHeaders,
    },
    206: {
      description: head
        ? 'The headers of the one byte range asked for with `Range`.'
        : 'The one byte range asked for with `Range`; `Content-Range` names it and the file size.',
      ...body,
      headers: rangeHeaders,
      required: rangeHeaders,
    },
    304: {
      description:
        'Not changed (`If-None-Match` or `If-Modified-Since`): no body, only the validators, `Cache-Control` and `Cross-Origin-Resource-Policy`.',
      headers: ASSET_VALIDATORS,
      required: ASSET_VALIDATORS,
    },
    416: {
      description:
        'The range lies past the end of the file: no body (`Content-Length: 0`), `Content-Range: bytes */<size>` names the size.',
      headers: rangeHeaders,
      required: rangeHeaders,
    },
  };
}

const ASSET_ACCESS =
  "A file from the tour's `assetsDir`, for a visitor whose access holds: with `Authorization: Bearer <access token>`, or with the short-lived signed query (`t`, `exp`, `sig`) from `assets.query` of the unlock or access answer, where a viewer can't send headers. The access check comes first: a request without access gets its error below, never a `304`.";

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'getOpenApi',
    tag: 'meta',
    summary: 'This document',
    params: [ifNoneMatch],
    replies: {
      200: {
        description: 'The OpenAPI 3.1 document of `/v1`.',
        body: 'OpenApiOutline',
        headers: ['ETag', 'Cache-Control', 'Access-Control-Allow-Origin'],
      },
      304: { description: 'Unchanged since the `ETag` sent.', headers: ['ETag', 'Cache-Control'] },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/tours/{tour}/gate',
    operationId: 'getGateConfig',
    tag: 'gate',
    summary: 'Public gate config of a tour',
    description:
      'What a widget needs to render the gate: mode, fields, protected viewpoints, broker contact, captcha site key, consent links. No secrets. Cached briefly; revalidate with `If-None-Match`. A browser request whose `Origin` the tour does not allow gets `ORIGIN_NOT_ALLOWED` (and an unknown tour `TOUR_NOT_FOUND`) with `Access-Control-Allow-Origin` for that origin, so the widget can tell the visitor and the broker why; the answer then holds the error code only.',
    params: [tourParam, ifNoneMatch],
    replies: {
      200: { description: 'The gate config.', body: 'GateConfig', headers: ['ETag', 'Cache-Control'] },
      304: { description: 'Unchanged since the `ETag` sent.', headers: ['ETag', 'Cache-Control'] },
    },
    errors: ['TOUR_NOT_FOUND', 'ORIGIN_NOT_ALLOWED'],
  },
  {
    method: 'get',
    path: '/v1/tours/{tour}/embed',
    operationId: 'getEmbed',
    tag: 'gate',
    summary: "The tour viewer's address, after unlock",
    description:
      'Cover mode (`<tour-gate cover>`): the `embedUrl` of the tour, for an `<iframe>` the widget creates only after unlock. Never part of the gate config. A tour without one answers `NOT_FOUND`.',
    params: [tourParam],
    security: 'access',
    replies: { 200: { description: 'The address.', body: 'EmbedResponse', headers: noStore } },
    errors: ['TOUR_NOT_FOUND', 'NOT_FOUND', 'TOKEN_INVALID', ...ACCESS_STATE],
  },
  {
    method: 'post',
    path: '/v1/tours/{tour}/registrations',
    operationId: 'register',
    tag: 'gate',
    summary: 'Send the registration mask',
    description:
      "Validated against the tour's own fields (unknown fields are refused). The answer is byte-identical for known and unknown addresses, `request` a fresh handle for this submission either way; what a known address's state calls for (a fresh link, a repeat request to the broker, a notice) goes by mail. `pageUrl` and `viewpoint` say where unlock links land (`<pageUrl>#tour-gate-unlock=<token>&tour-gate-viewpoint=<id>`), when the page's origin is allowed for the tour; else the tour's page.",
    params: [tourParam, origin],
    body: { name: 'RegistrationRequest', required: true },
    replies: {
      202: {
        description: '`check-email` (email release) or `awaiting-approval` (manual release).',
        body: 'RegistrationResponse',
        headers: noStore,
      },
    },
    errors: ['TOUR_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', ...JSON_BODY, ...CAPTCHA, 'RATE_LIMITED'],
  },
  {
    method: 'post',
    path: '/v1/unlock',
    operationId: 'unlock',
    tag: 'gate',
    summary: 'Redeem an unlock link',
    description:
      'The token from the link’s fragment (`#tour-gate-unlock=<token>`) becomes an access token. A link works on several devices while it is valid.',
    params: [origin],
    body: { name: 'UnlockRequest', required: true },
    replies: { 200: { description: 'Access granted.', body: 'UnlockResponse', headers: noStore } },
    errors: [
      ...JSON_BODY,
      'RATE_LIMITED',
      'ORIGIN_NOT_ALLOWED',
      'LINK_INVALID',
      'LINK_EXPIRED',
      'LINK_REVOKED',
      'ACCESS_DENIED',
      'ACCESS_REVOKED',
      'ACCESS_PENDING',
    ],
  },
  {
    method: 'post',
    path: '/v1/tours/{tour}/links',
    operationId: 'requestNewLink',
    tag: 'gate',
    summary: 'Ask for a fresh unlock link',
    description:
      'For `email`, for an expired link `token`, or for the `request` handle of a registration (exactly one of them; no captcha with a token or handle). Always the same `202`, whether the address is known or not, and never faster than 200 ms; an unknown or expired handle is `REQUEST_INVALID`. `pageUrl` and `viewpoint` say where the link lands.',
    params: [tourParam, origin],
    body: { name: 'NewLinkRequest', required: true },
    replies: {
      202: { description: 'If the address is known, a link is on its way.', body: 'NewLinkResponse', headers: noStore },
    },
    errors: ['TOUR_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', ...JSON_BODY, ...CAPTCHA, 'REQUEST_INVALID', 'RATE_LIMITED'],
  },
  {
    method: 'post',
    path: '/v1/tours/{tour}/messages',
    operationId: 'addMessage',
    tag: 'gate',
    summary: "Add a message to the visitor's request",
    description:
      "With the `request` handle from a registration or repeat answer. The broker gets the message by mail whatever the request's state (with a review link while it is open), so the answer is the same `202` for every valid handle, and never faster than 200 ms.",
    params: [tourParam, origin],
    body: { name: 'MessageRequest', required: true },
    replies: {
      202: { description: 'The message is on its way to the broker.', body: 'MessageResponse', headers: noStore },
    },
    errors: ['TOUR_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', ...JSON_BODY, 'REQUEST_INVALID', 'RATE_LIMITED'],
  },
  {
    method: 'post',
    path: '/v1/tours/{tour}/repeat-requests',
    operationId: 'repeatRequest',
    tag: 'gate',
    summary: 'Ask again after a denial',
    description:
      "With the `token` of an unlock link of this tour (the deny mail's, or an older one; expired or revoked still proves the address). The request is pending again and the broker gets a new review request marked as a repeat. Refusals say why: the tour takes no repeat requests, a request is already with the broker, access was given, or access was revoked.",
    params: [tourParam, origin],
    body: { name: 'RepeatRequest', required: true },
    replies: {
      202: {
        description: 'The broker has the request again; `request` is its new handle.',
        body: 'RepeatResponse',
        headers: noStore,
      },
    },
    errors: [
      'TOUR_NOT_FOUND',
      'ORIGIN_NOT_ALLOWED',
      ...JSON_BODY,
      'LINK_INVALID',
      'REPEAT_NOT_ALLOWED',
      'ACCESS_PENDING',
      'ALREADY_DECIDED',
      'ACCESS_REVOKED',
      'CONFLICT',
      'RATE_LIMITED',
    ],
  },
  {
    method: 'get',
    path: '/v1/tours/{tour}/access',
    operationId: 'checkAccess',
    tag: 'gate',
    summary: 'Does an access token still hold',
    description: 'Checks signature, expiry and revocation, and hands out a fresh signed query for protected assets.',
    params: [tourParam],
    security: 'access',
    replies: { 200: { description: 'Access holds.', body: 'AccessResponse', headers: noStore } },
    errors: ['TOUR_NOT_FOUND', 'TOKEN_INVALID', ...ACCESS_STATE],
  },
  {
    method: 'get',
    path: '/v1/tours/{tour}/assets/{file}',
    operationId: 'getAsset',
    tag: 'gate',
    summary: 'A protected panorama file',
    description: `${ASSET_ACCESS} Then answered like a static file server: \`ETag\` (strong, from modification time and size) and \`Last-Modified\`, \`If-None-Match\`/\`If-Modified-Since\` → \`304\`, one \`Range\` → \`206\` (past the end \`416\`), \`If-Range\`.`,
    params: ASSET_PARAMS,
    security: 'access-or-signed-query',
    replies: assetReplies(false),
    errors: ASSET_ERRORS,
  },
  {
    method: 'head',
    path: '/v1/tours/{tour}/assets/{file}',
    operationId: 'headAsset',
    tag: 'gate',
    summary: 'The headers of a protected panorama file',
    description: `What \`GET\` answers, without a body: the same access check, status and headers (\`Content-Type\` and \`Content-Length\` of the file or range included), so a viewer can learn a file's size and validators; the file itself is not opened. ${ASSET_ACCESS}`,
    params: ASSET_PARAMS,
    security: 'access-or-signed-query',
    replies: assetReplies(true),
    errors: ASSET_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/tours/{tour}/events',
    operationId: 'countEvents',
    tag: 'gate',
    summary: 'Anonymous funnel counters',
    description:
      'Batched `tour-view`, `locked-click`, `mask-shown` and `viewpoint-view` events (at most 50); counted per tour and day, nothing personal. Only with the `Origin` of a page allowed to embed the tour (none or another: `ORIGIN_NOT_ALLOWED`); at most `eventsPerTourClient` events per client and tour in a window (past it `RATE_LIMITED`, the batch refused whole).',
    params: [tourParam, origin],
    body: { name: 'EventsRequest', required: true },
    replies: { 204: { description: 'Counted.' } },
    errors: ['TOUR_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', ...JSON_BODY, 'RATE_LIMITED'],
  },
  // The admin API: the platform key sees everything, a broker key only its own broker's.
  {
    method: 'get',
    path: '/v1/admin/brokers',
    operationId: 'listBrokers',
    tag: 'admin',
    summary: 'Brokers',
    description: 'The platform key: all; a broker key: its own broker.',
    security: 'admin',
    replies: { 200: { description: 'The brokers, with `source`.', body: 'AdminBrokerList', headers: noStore } },
    errors: [],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers',
    operationId: 'createBroker',
    tag: 'admin',
    summary: 'Create a broker (platform key)',
    security: 'admin',
    body: { name: 'BrokerConfigInput', required: true, description: "Validated with the config file's broker schema." },
    replies: { 201: { description: 'Created.', body: 'BrokerConfig', headers: noStore } },
    errors: ['FORBIDDEN', ...JSON_BODY, 'CONFLICT'],
  },
  {
    method: 'get',
    path: '/v1/admin/brokers/{id}',
    operationId: 'getBroker',
    tag: 'admin',
    summary: 'A broker',
    params: [idParam('broker')],
    security: 'admin',
    replies: { 200: { description: 'The broker config.', body: 'BrokerConfig', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/v1/admin/brokers/{id}',
    operationId: 'putBroker',
    tag: 'admin',
    summary: 'Create or replace a broker (platform key)',
    description: 'Brokers of the config file are read-only here (`409 CONFLICT`).',
    params: [idParam('broker')],
    security: 'admin',
    body: { name: 'BrokerReplaceInput', required: true },
    replies: {
      200: { description: 'Replaced.', body: 'BrokerConfig', headers: noStore },
      201: { description: 'Created.', body: 'BrokerConfig', headers: noStore },
    },
    errors: ['FORBIDDEN', ...JSON_BODY, 'CONFLICT'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/keys',
    operationId: 'createBrokerKey',
    tag: 'admin',
    summary: 'A new broker key (platform key)',
    description: 'The key is shown once, in this answer. Without a `Content-Type` the body is not read.',
    params: [idParam('broker')],
    security: 'admin',
    body: { name: 'BrokerKeyRequest', required: false },
    replies: { 201: { description: 'The new key.', body: 'BrokerKey', headers: noStore } },
    errors: ['FORBIDDEN', 'NOT_FOUND', ...JSON_BODY],
  },
  {
    method: 'delete',
    path: '/v1/admin/keys/{id}',
    operationId: 'revokeBrokerKey',
    tag: 'admin',
    summary: 'Revoke a broker key (platform key)',
    params: [idParam('key')],
    security: 'admin',
    replies: { 204: { description: 'Revoked.', headers: noStore } },
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/v1/admin/tours',
    operationId: 'listTours',
    tag: 'admin',
    summary: 'Tours',
    description: 'The platform key: all; a broker key: its own broker’s.',
    security: 'admin',
    replies: { 200: { description: 'The tours, with `source`.', body: 'AdminTourList', headers: noStore } },
    errors: [],
  },
  {
    method: 'post',
    path: '/v1/admin/tours',
    operationId: 'createTour',
    tag: 'admin',
    summary: 'Create a tour',
    description:
      'A broker key only for its own broker, and without `assetsDir` or `postalCodePattern` (`403 FORBIDDEN`); a tour id of another broker answers `404 TOUR_NOT_FOUND`.',
    security: 'admin',
    body: { name: 'TourConfigInput', required: true, description: "Validated with the config file's tour schema." },
    replies: { 201: { description: 'Created.', body: 'AdminTour', headers: noStore } },
    errors: ['FORBIDDEN', 'TOUR_NOT_FOUND', ...JSON_BODY, 'CONFLICT'],
  },
  {
    method: 'get',
    path: '/v1/admin/tours/{id}',
    operationId: 'getTour',
    tag: 'admin',
    summary: 'A tour',
    params: [idParam('tour')],
    security: 'admin',
    replies: { 200: { description: 'The tour config, with `source`.', body: 'AdminTour', headers: noStore } },
    errors: ['TOUR_NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/v1/admin/tours/{id}',
    operationId: 'putTour',
    tag: 'admin',
    summary: 'Create or replace a tour',
    description: 'Tours of the config file are read-only here (`409 CONFLICT`). Broker keys as for creating.',
    params: [idParam('tour')],
    security: 'admin',
    body: { name: 'TourReplaceInput', required: true },
    replies: {
      200: { description: 'Replaced.', body: 'AdminTour', headers: noStore },
      201: { description: 'Created.', body: 'AdminTour', headers: noStore },
    },
    errors: ['FORBIDDEN', 'TOUR_NOT_FOUND', ...JSON_BODY, 'CONFLICT'],
  },
  {
    method: 'get',
    path: '/v1/admin/tours/{id}/stats',
    operationId: 'getTourStats',
    tag: 'admin',
    summary: 'Statistics of a tour',
    params: [idParam('tour'), ...periodParams],
    security: 'admin',
    replies: {
      200: {
        description: 'Funnel, states, median release time, registrations per day.',
        body: 'TourStats',
        headers: noStore,
      },
    },
    errors: ['TOUR_NOT_FOUND', 'VALIDATION_FAILED'],
  },
  {
    method: 'get',
    path: '/v1/admin/tours/{id}/leads',
    operationId: 'exportLeads',
    tag: 'admin',
    summary: 'Export the leads of a tour',
    description:
      "Streamed, oldest first. `xlsx` and `csv` are for people: headers and values in the broker's language (or `locale`), display values (the glossary's state words, salutation and country by name), times in Europe/Berlin. `xlsx` is an Excel workbook: real date cells, postal codes and phone numbers as text cells, frozen header row with autofilter. CSV is UTF-8 with BOM and RFC 4180 quoting; cells that start a formula (`=`, `@`; `+` or `-` unless only digits and phone separators follow) get a leading apostrophe; with `;` (German Excel) postal codes and phone numbers that a spreadsheet would turn into numbers are written as `=\"01067\"` so they stay text. `json` is the machine form (stored codes, ISO times in UTC). `openimmo` is one OpenImmo-Feedback 1.2.7 document (UTF-8 XML): `sender` (the broker), one `objekt` (the tour's `oobjId`) with one `interessent` per lead, for a CRM's inquiry import.",
    params: [
      idParam('tour'),
      {
        name: 'format',
        in: 'query',
        schema: z._default(z.enum(['json', 'xlsx', 'csv', 'openimmo']), 'json'),
        description: 'Output format.',
      },
      {
        name: 'locale',
        in: 'query',
        schema: z.enum(['de', 'en']),
        description: "Language of the headers and values of `xlsx` and `csv` (default: the broker's).",
      },
      { name: 'separator', in: 'query', schema: z._default(z.enum([',', ';']), ','), description: 'CSV separator.' },
      {
        name: 'status',
        in: 'query',
        schema: registrationStatusSchema,
        description: `Only leads in this state. ${STATUS_GLOSSARY}`,
      },
      { name: 'q', in: 'query', schema: z.string(), description: 'Search text (the first 200 characters count).' },
      {
        name: 'opened',
        in: 'query',
        schema: z.enum(['1']),
        description: 'Only leads who opened their unlock link.',
      },
      {
        name: 'viewpoint',
        in: 'query',
        schema: z.string(),
        description: 'Only leads who asked for this viewpoint (its id).',
      },
      ...periodParams,
    ],
    security: 'admin',
    replies: {
      200: {
        description: 'The leads.',
        body: {
          'application/json': leadExportSchema,
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': z.string(),
          'text/csv': z.string(),
          'application/xml': z.string(),
        },
        headers: ['Cache-Control', 'Content-Disposition'],
      },
    },
    errors: ['TOUR_NOT_FOUND', 'VALIDATION_FAILED'],
  },
  // Webhooks of a broker: the platform key or that broker's own key; another broker's hook (or
  // broker) answers 404 like one that does not exist.
  {
    method: 'get',
    path: '/v1/admin/brokers/{id}/webhooks',
    operationId: 'listWebhooks',
    tag: 'admin',
    summary: 'Webhooks of a broker',
    params: [idParam('broker')],
    security: 'admin',
    replies: { 200: { description: 'The webhooks (without secrets).', body: 'WebhookList', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/webhooks',
    operationId: 'createWebhook',
    tag: 'admin',
    summary: 'Add a webhook',
    description:
      'The URL must be `https` and every address its host resolves to public (`fields.url: invalid` otherwise), unless the operator set `GATE_WEBHOOKS_ALLOW_PRIVATE=1`. The signing secret is in this answer only.',
    params: [idParam('broker')],
    security: 'admin',
    body: { name: 'WebhookRequest', required: true },
    replies: { 201: { description: 'Created, with its secret.', body: 'WebhookWithSecret', headers: noStore } },
    errors: ['NOT_FOUND', ...JSON_BODY],
  },
  {
    method: 'get',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}',
    operationId: 'getWebhook',
    tag: 'admin',
    summary: 'A webhook',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 200: { description: 'The webhook.', body: 'Webhook', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'put',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}',
    operationId: 'putWebhook',
    tag: 'admin',
    summary: 'Change a webhook',
    description: 'URL, events and tour are replaced; the secret stays.',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    body: { name: 'WebhookRequest', required: true },
    replies: { 200: { description: 'Changed.', body: 'Webhook', headers: noStore } },
    errors: ['NOT_FOUND', ...JSON_BODY],
  },
  {
    method: 'delete',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}',
    operationId: 'deleteWebhook',
    tag: 'admin',
    summary: 'Delete a webhook and its deliveries',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 204: { description: 'Deleted.', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tag: 'admin',
    summary: 'A new signing secret',
    description:
      'The new secret signs from now on; the previous one signs too (a second signature in `webhook-signature`) until it is retired or 24 hours have passed.',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 200: { description: 'The webhook with its new secret.', body: 'WebhookWithSecret', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}/retire-secret',
    operationId: 'retireWebhookSecret',
    tag: 'admin',
    summary: 'Stop signing with the previous secret',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 200: { description: 'The webhook.', body: 'Webhook', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}/test',
    operationId: 'testWebhook',
    tag: 'admin',
    summary: 'Queue a test event (`webhook.test`)',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 202: { description: 'Queued.', body: 'WebhookDelivery', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'admin',
    summary: 'The newest 50 deliveries of a webhook',
    params: [idParam('broker'), hookParam],
    security: 'admin',
    replies: { 200: { description: 'Newest first.', body: 'WebhookDeliveryList', headers: noStore } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/admin/brokers/{id}/webhooks/{hook}/deliveries/{delivery}/resend',
    operationId: 'resendWebhookDelivery',
    tag: 'admin',
    summary: 'Send a delivery again',
    description:
      'A new delivery (a new `webhook-id`) with the same event and body, queued now. A delivery still queued is not copied (`409 CONFLICT`).',
    params: [
      idParam('broker'),
      hookParam,
      { name: 'delivery', in: 'path', schema: z.string(), description: 'The delivery id.', required: true },
    ],
    security: 'admin',
    replies: { 202: { description: 'Queued.', body: 'WebhookDelivery', headers: noStore } },
    errors: ['NOT_FOUND', 'CONFLICT'],
  },
];

// ---------------------------------------------------------------------------------------------
// The document.
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const REF = '#/components/schemas/';

/** zod's conversion wraps each schema as a standalone document; inside components it is not. */
function bare(schema: Json): Json {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function registryOf(bodies: Record<string, Schema>): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(bodies)) registry.add(schema, { id });
  return registry;
}

function convertAll(bodies: Record<string, Schema>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registryOf(bodies), { io, uri: (id) => `${REF}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, bare(s as Json)]));
}

const inline = (schema: Schema, io: 'input' | 'output'): Json => bare(z.toJSONSchema(schema, { io }) as Json);

function describeCodes(codes: readonly ErrorCode[]): string {
  return codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].message}`).join(' ');
}

function errorReplies(op: Operation): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  // Every operation but this document itself reads the database, which may be briefly away.
  const server: ErrorCode[] = op.operationId === 'getOpenApi' ? ['INTERNAL'] : ['INTERNAL', 'UNAVAILABLE'];
  const always: ErrorCode[] = op.security === 'admin' ? ['UNAUTHORIZED', ...server] : server;
  for (const code of [...op.errors, ...always]) {
    const status = ERROR_CODES[code].status;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Json = { 'Cache-Control': header('Cache-Control', true) };
    const retry = codes.filter((c) => c === 'RATE_LIMITED' || c === 'UNAVAILABLE');
    // Required where every code of the status carries it (not `CAPTCHA_UNAVAILABLE`, also a 503).
    if (retry.length) headers['Retry-After'] = header('Retry-After', retry.length === codes.length);
    if (codes.includes('UNAUTHORIZED')) headers['WWW-Authenticate'] = header('WWW-Authenticate', true);
    // `HEAD` answers the status and headers of the `GET`, never the body that names the code.
    out[String(status)] =
      op.method === 'head'
        ? { description: `No body; the \`GET\` would name one of: ${describeCodes(codes)}`, headers }
        : {
            description: describeCodes(codes),
            headers,
            content: {
              'application/json': { schema: inline(errorBodyOf(codes as [ErrorCode, ...ErrorCode[]]), 'output') },
            },
          };
  }
  return out;
}

// Inline, not as references: a Reference Object can't carry `required`.
function header(name: HeaderName, required: boolean): Json {
  const h = HEADERS[name];
  return { description: h.description, required, schema: inline(h.schema, 'output') };
}

function reply(r: Reply): Json {
  const out: Json = { description: r.description };
  if (r.headers?.length) {
    const required = (h: HeaderName) => h === 'ETag' || h === 'Cache-Control' || (r.required?.includes(h) ?? false);
    out.headers = Object.fromEntries(r.headers.map((h) => [h, header(h, required(h))]));
  }
  if (typeof r.body === 'string') out.content = { 'application/json': { schema: { $ref: `${REF}${r.body}` } } };
  else if (r.body) {
    out.content = Object.fromEntries(
      Object.entries(r.body).map(([type, schema]) => [type, schema ? { schema: inline(schema, 'output') } : {}]),
    );
  }
  return out;
}

const SECURITY: Record<NonNullable<Operation['security']>, Json[]> = {
  access: [{ accessToken: [] }],
  // The empty alternative: no header, then the signed query parameters must be there.
  'access-or-signed-query': [{ accessToken: [] }, {}],
  admin: [{ adminKey: [] }],
};

function operation(op: Operation): Json {
  const out: Json = { operationId: op.operationId, tags: [op.tag], summary: op.summary };
  if (op.description) out.description = op.description;
  if (op.params?.length) {
    out.parameters = op.params.map((p) => ({
      name: p.name,
      in: p.in,
      description: p.description,
      required: p.required ?? false,
      schema: inline(p.schema, 'input'),
    }));
  }
  if (op.body) {
    out.requestBody = {
      required: op.body.required ?? true,
      ...(op.body.description ? { description: op.body.description } : {}),
      content: { 'application/json': { schema: { $ref: `${REF}${op.body.name}` } } },
    };
  }
  out.security = op.security ? SECURITY[op.security] : [];
  const ok = Object.fromEntries(Object.entries(op.replies).map(([status, r]) => [status, reply(r)]));
  out.responses = { ...ok, ...errorReplies(op) };
  return out;
}

export interface OpenApiOptions {
  /** The server's public URL, for `servers`; without it clients use the document's own origin. */
  serverUrl?: string;
  /** The API version shown in `info.version`. */
  version?: string;
}

/** The OpenAPI 3.1 document of `/v1`. Build it once: converting every schema takes a few ms. */
export function openApiDocument(options: OpenApiOptions = {}): Json {
  const requests = convertAll(REQUEST_BODIES, 'input');
  const responses = convertAll(RESPONSE_BODIES, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, Json>)[op.method] = operation(op);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'tour-gate',
      version: options.version ?? '1',
      summary: 'An embeddable access gate for virtual property tours.',
      description:
        'JSON under `/v1`. Errors always look like `{"error": {"code", "message", "fields"?}}`, with `code` from one closed list (`ErrorBody`); each error answer below names the codes it can carry. Nothing a client sends produces a `500`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      {
        name: 'gate',
        description: 'The widget’s API for one tour: gate config, registrations, links, access, assets.',
      },
      {
        name: 'admin',
        description: 'Tours and brokers as JSON, statistics, lead exports; for the platform and brokers.',
      },
      { name: 'meta', description: 'This description.' },
    ],
    paths,
    components: {
      schemas: { ...responses, ...requests },
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `accessToken` of `POST /v1/unlock`.',
        },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The platform key (`GATE_ADMIN_KEY`) or a broker key from `POST /v1/admin/brokers/{id}/keys`.',
        },
      },
    },
  };
}
