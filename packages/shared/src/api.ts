/**
 * Wire schemas of the public HTTP API (`/v1`), built with `zod/mini`. The server validates
 * every request with them, tests and tools parse answers with them. The widget imports only
 * their inferred types: bundled, zod/mini costs about 6.5 KB gzip, more than the widget's
 * up-front budget allows, so it checks answers with a few lines of its own (`internal/wire.ts`).
 */
import * as z from 'zod/mini';
import { type ErrorCode, FIELD_ERROR_CODES } from './errors.ts';
import { FIELD_TYPES } from './fields.ts';
import { LOCALES } from './locale.ts';

export const localeSchema = z.enum(LOCALES);
export const localizedSchema = z.object({ de: z.string(), en: z.string() });

/** Tour ids and viewpoint ids: short, URL-safe. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const idSchema = z.string().check(z.regex(ID_PATTERN));
export const viewpointIdSchema = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters
  z.regex(/^[^\u0000-\u001f\u007f]+$/),
);

/** A link token as it travels in a URL fragment: base64url, ≥ 128 bits. */
export const linkTokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22,200}$/));

/**
 * A registration's request handle (`request` in the registration answer): opaque, random,
 * base64url. It stands for one submission in one browser and proves nothing about an address.
 */
export const requestHandleSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22,200}$/));

/** Longest page URL the server keeps for a link's landing; a longer one falls back to `pageUrl`. */
export const PAGE_URL_MAX = 2048;
/** A page URL as the widget sends it; anything not usable (origin not allowed, too long) falls back. */
export const pageUrlSchema = z.string().check(z.maxLength(8192));

export const releaseModeSchema = z.enum(['email', 'manual']);
export type ReleaseMode = z.infer<typeof releaseModeSchema>;

export const gateFieldSchema = z.object({
  key: z.string(),
  type: z.enum(FIELD_TYPES),
  required: z.boolean(),
  maxLength: z.number(),
  label: z.optional(localizedSchema),
  options: z.optional(z.array(z.object({ value: z.string(), label: z.optional(localizedSchema) }))),
  pattern: z.optional(z.string()),
  autocomplete: z.optional(z.string()),
  /** On `postalCode` and `country`: the tour's country (ISO 3166-1 alpha-2). */
  defaultCountry: z.optional(z.string()),
});

/** Which viewpoints are protected: a list, or every viewpoint except a list. */
export const viewpointRuleSchema = z.object({
  protect: z.enum(['list', 'all-except']),
  ids: z.array(z.string()),
});
export type ViewpointRule = z.infer<typeof viewpointRuleSchema>;

export const brokerContactSchema = z.object({
  name: z.string(),
  company: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  website: z.optional(z.string()),
  address: z.optional(z.string()),
  /** The broker's logo (PNG, JPEG or WebP), an absolute URL on the gate server; absent: none. */
  logoUrl: z.optional(z.string()),
});
export type BrokerContact = z.infer<typeof brokerContactSchema>;

/** `GET /v1/tours/:tour/gate` — what a widget needs to render the gate. No secrets. */
export const gateConfigSchema = z.object({
  tour: z.string(),
  title: z.string(),
  mode: releaseModeSchema,
  locale: localeSchema,
  fields: z.array(gateFieldSchema),
  viewpoints: viewpointRuleSchema,
  broker: brokerContactSchema,
  captcha: z.nullable(z.object({ provider: z.literal('hcaptcha'), siteKey: z.string() })),
  consent: z.object({
    privacyUrl: z.string(),
    termsUrl: z.optional(z.string()),
    version: z.string(),
    marketing: z.boolean(),
  }),
  linkValidityDays: z.number(),
  /** Whether a denied visitor may ask again (`POST …/repeat-requests`); absent: yes. */
  repeatRequests: z.optional(z.boolean()),
  /** The tour's own deny text, if the broker wrote one; else the widget's default. */
  denyText: z.optional(localizedSchema),
});
export type GateConfig = z.infer<typeof gateConfigSchema>;

export const fieldValueSchema = z.union([z.string(), z.boolean()]);

/** `POST /v1/tours/:tour/registrations` */
export const registrationRequestSchema = z.object({
  fields: z.record(z.string(), fieldValueSchema),
  consent: z.object({
    privacy: z.boolean(),
    marketing: z.optional(z.boolean()),
    version: z.string().check(z.maxLength(64)),
  }),
  locale: z.optional(localeSchema),
  captcha: z.optional(z.string().check(z.maxLength(10_000))),
  viewpoint: z.optional(viewpointIdSchema),
  /**
   * The page the visitor registered on (`location.href` without its fragment): the unlock link
   * returns there when its origin is allowed for the tour, else to the tour's `pageUrl`.
   */
  pageUrl: z.optional(pageUrlSchema),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;

/**
 * Registration answer (202), the same for known and unknown emails: `request` is a fresh
 * random handle for this one submission (43 characters either way), which the widget keeps
 * with the time and the address to add a message or ask for the link again. It tells nothing
 * about the address's state. (Optional only for widgets built against older servers.)
 */
export const registrationResponseSchema = z.object({
  status: z.enum(['check-email', 'awaiting-approval']),
  request: z.optional(requestHandleSchema),
});
export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;

/** `POST /v1/unlock` */
export const unlockRequestSchema = z.object({ token: linkTokenSchema });
export type UnlockRequest = z.infer<typeof unlockRequestSchema>;

/**
 * A short-lived grant for protected panorama files: append `query` to an asset URL
 * (`/v1/tours/:tour/assets/<path>?<query>`) where a viewer can't send an Authorization header.
 */
export const assetGrantSchema = z.object({
  query: z.string(),
  /** ISO 8601; ask `/access` for a fresh one before then. */
  expiresAt: z.string(),
});
export type AssetGrant = z.infer<typeof assetGrantSchema>;

export const unlockResponseSchema = z.object({
  accessToken: z.string(),
  /** ISO 8601 */
  expiresAt: z.string(),
  tour: z.string(),
  assets: z.optional(assetGrantSchema),
});
export type UnlockResponse = z.infer<typeof unlockResponseSchema>;

/**
 * `POST /v1/tours/:tour/links` — a fresh unlock link, either for an email address or for the
 * (expired) link the visitor still holds. The answer never says whether the email is known.
 */
export const newLinkRequestSchema = z.object({
  email: z.optional(z.string().check(z.maxLength(254))),
  token: z.optional(linkTokenSchema),
  /** The handle of an earlier registration in this browser (no captcha needed with it). */
  request: z.optional(requestHandleSchema),
  locale: z.optional(localeSchema),
  captcha: z.optional(z.string().check(z.maxLength(10_000))),
  /** Where the new link should land: as in the registration request. */
  pageUrl: z.optional(pageUrlSchema),
  viewpoint: z.optional(viewpointIdSchema),
});
export type NewLinkRequest = z.infer<typeof newLinkRequestSchema>;

export const newLinkResponseSchema = z.object({ status: z.literal('check-email') });
export type NewLinkResponse = z.infer<typeof newLinkResponseSchema>;

/**
 * `POST /v1/tours/:tour/messages` — a message for the broker about the visitor's request,
 * with the handle from the registration (or repeat) answer. It reaches the broker by mail
 * whatever the request's state, so the answer (`202 message-added`) is the same for every
 * handle that is valid; an unknown or expired handle gets `REQUEST_INVALID`.
 */
export const messageRequestSchema = z.object({
  request: requestHandleSchema,
  message: z.string().check(z.minLength(1), z.maxLength(2000)),
  locale: z.optional(localeSchema),
});
export type MessageRequest = z.infer<typeof messageRequestSchema>;
export const messageResponseSchema = z.object({ status: z.literal('message-added') });
export type MessageResponse = z.infer<typeof messageResponseSchema>;

/**
 * `POST /v1/tours/:tour/repeat-requests` — "erneut anfragen" after a denial, with the token of
 * an unlock link of this tour (the one in the deny mail, or any older one; expired or revoked
 * still proves the address). The broker gets a new review request marked as a repeat.
 * Refusals say why: `REPEAT_NOT_ALLOWED` (the tour takes none), `ACCESS_PENDING` (a request is
 * already with the broker), `ALREADY_DECIDED` (access was given: ask for a new link),
 * `ACCESS_REVOKED` (access was withdrawn), `LINK_INVALID`.
 */
export const repeatRequestSchema = z.object({
  token: linkTokenSchema,
  message: z.optional(z.string().check(z.maxLength(2000))),
  locale: z.optional(localeSchema),
  pageUrl: z.optional(pageUrlSchema),
  viewpoint: z.optional(viewpointIdSchema),
});
export type RepeatRequest = z.infer<typeof repeatRequestSchema>;
export const repeatResponseSchema = z.object({
  status: z.literal('awaiting-approval'),
  request: requestHandleSchema,
});
export type RepeatResponse = z.infer<typeof repeatResponseSchema>;

/** `GET /v1/tours/:tour/access` with a bearer token. */
export const accessResponseSchema = z.object({
  valid: z.literal(true),
  tour: z.string(),
  expiresAt: z.string(),
  assets: z.optional(assetGrantSchema),
});
export type AccessResponse = z.infer<typeof accessResponseSchema>;

/** `GET /v1/tours/:tour/embed` with a bearer token: the tour viewer's address for cover mode. */
export const embedResponseSchema = z.object({ url: z.string() });
export type EmbedResponse = z.infer<typeof embedResponseSchema>;

/** `tour-view`: the tour page with the gate was shown (once per page load); the others per viewpoint. */
export const FUNNEL_EVENT_TYPES = ['tour-view', 'locked-click', 'mask-shown', 'viewpoint-view'] as const;
export type FunnelEventType = (typeof FUNNEL_EVENT_TYPES)[number];

/** `POST /v1/tours/:tour/events` — anonymous counters, batched. */
export const eventsRequestSchema = z.object({
  events: z
    .array(z.object({ type: z.enum(FUNNEL_EVENT_TYPES), viewpoint: z.optional(viewpointIdSchema) }))
    .check(z.minLength(1), z.maxLength(50)),
});
export type EventsRequest = z.infer<typeof eventsRequestSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

/**
 * The error body with its closed lists spelled out: `code` one of `codes` (pass
 * `ERROR_CODE_LIST` for every code), each field's reason one of `FIELD_ERROR_CODES`. `errorBodySchema` stays
 * loose so that a client built today still parses answers carrying codes added later.
 */
export function errorBodyOf(codes: readonly [ErrorCode, ...ErrorCode[]]) {
  return z.object({
    error: z.object({
      code: z.enum(codes),
      message: z.string(),
      fields: z.optional(z.record(z.string(), z.enum(FIELD_ERROR_CODES))),
    }),
  });
}

/** The URL fragment key of unlock links: `https://tour.example/#tour-gate-unlock=<token>`. */
export const UNLOCK_FRAGMENT_KEY = 'tour-gate-unlock';
/**
 * The viewpoint an unlock link opens, next to the token in the same fragment (URL-encoded, as
 * `URLSearchParams` writes it): `…#tour-gate-unlock=<token>&tour-gate-viewpoint=schlafzimmer`.
 */
export const UNLOCK_VIEWPOINT_KEY = 'tour-gate-viewpoint';
