/**
 * The config file (`tour-gate.config.json`): brokers and their tours. Server-only (full zod);
 * `scripts/gen-json-schema.ts` turns it into `tour-gate.config.schema.json` for editors.
 */
import { z } from 'zod';
import { ID_PATTERN } from './api.ts';
import { CUSTOM_FIELD_KEY_PATTERN, FIELD_REQUIREMENTS, STANDARD_FIELD_KEYS } from './fields.ts';
import { LOCALES } from './locale.ts';
import { isCountryCode } from './postal-codes.ts';

/**
 * The longest texts and lists a tour or broker may hold — the same for the config file, the
 * admin API and the dashboard's forms, so whatever one of them accepts the others do too.
 */
export const CONFIG_LIMITS = {
  /** A tour's title, a broker's name or company. */
  title: 200,
  /** A label in one language: a custom field's, a choice's, a viewpoint's name. */
  label: 200,
  /** The text a refused visitor receives, per language. */
  denyText: 2000,
  /** A web address (tour page, privacy page, viewer, website). */
  url: 2000,
  /** An allowed origin (scheme, host, port). */
  origin: 300,
  /** Entries of a list: allowed origins. */
  origins: 100,
  /** Custom fields of a tour. */
  customFields: 30,
  /** Choices of one select field. */
  options: 50,
  /** Protected viewpoints, and named viewpoints. */
  viewpoints: 500,
  /** Other short texts (phone, captcha site key, a postal-code pattern). */
  short: 200,
  /** A broker's postal address, a folder on the server. */
  long: 1000,
} as const;

const locale = z.enum(LOCALES);
/** A text in German and English, each at most `max` characters. */
const localizedText = (max: number) =>
  z.object({ de: z.string().min(1).max(max), en: z.string().min(1).max(max) }).strict();
const localized = localizedText(CONFIG_LIMITS.label);
const httpUrl = z
  .string()
  .max(CONFIG_LIMITS.url)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const origin = z
  .string()
  .max(CONFIG_LIMITS.origin)
  .regex(
    /^https?:\/\/[^/\s]+$/,
    'must be an origin like https://www.example.com (scheme, host, optional port; no path)',
  );
/**
 * The address of a tour's viewer for an `<iframe>` (cover mode): https, or http on the local
 * machine (localhost, 127.0.0.1, [::1]) for development.
 */
const embedUrl = z
  .string()
  .url()
  .max(2000)
  .refine(
    (u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(u),
    'must be an https URL (http only for localhost)',
  );
const id = z.string().regex(ID_PATTERN, 'must be lower-case letters, digits, "-" or "_" (at most 64)');
const requirement = z.enum(FIELD_REQUIREMENTS);

export const brokerConfigSchema = z
  .object({
    id,
    name: z.string().min(1).max(CONFIG_LIMITS.title).describe('Name shown to visitors and in mails'),
    company: z.string().max(CONFIG_LIMITS.title).optional(),
    email: z.string().max(254).email().describe('Where review requests and notifications go'),
    phone: z.string().max(CONFIG_LIMITS.short).optional(),
    website: httpUrl.optional(),
    address: z.string().max(CONFIG_LIMITS.long).optional(),
    locale: locale.default('de').describe('Language of mails to the broker'),
    retentionDays: z.number().int().positive().default(365).describe('Leads are purged after this many days'),
  })
  .strict();

export const customFieldConfigSchema = z
  .object({
    key: z.string().regex(CUSTOM_FIELD_KEY_PATTERN, 'must start with a lower-case letter; letters, digits, "_"'),
    label: localized,
    type: z.enum(['text', 'textarea', 'select', 'checkbox', 'tel']).default('text'),
    requirement: requirement.default('optional'),
    maxLength: z.number().int().positive().max(5000).default(200),
    options: z
      .array(z.object({ value: z.string().min(1).max(CONFIG_LIMITS.label), label: localized.optional() }).strict())
      .max(CONFIG_LIMITS.options)
      .optional(),
  })
  .strict();

export const tourConfigSchema = z
  .object({
    id,
    broker: id.describe('id of a broker in `brokers`'),
    title: z.string().min(1).max(CONFIG_LIMITS.title),
    oobjId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "The broker's object number (OpenImmo `oobj_id`) of the property the tour shows; OpenImmo-Feedback documents carry it, so a CRM files the lead under the object",
      ),
    pageUrl: httpUrl.describe('The tour page; unlock links point here, with the token in the fragment'),
    allowedOrigins: z
      .array(origin)
      .max(CONFIG_LIMITS.origins)
      .default([])
      .describe('Origins of pages that may embed the gate'),
    mode: z.enum(['email', 'manual']).default('email'),
    embedUrl: embedUrl
      .optional()
      .describe(
        "The tour viewer's address for cover mode (`<tour-gate cover>`): the widget creates the iframe only after unlock, with this URL from GET /v1/tours/:tour/embed; it never appears in the gate config",
      ),
    locale: locale.default('de').describe('Default language of the mask and of mails'),
    fields: z
      .partialRecord(z.enum(STANDARD_FIELD_KEYS), requirement)
      .default({})
      .describe('required / optional / hidden per standard field; email is always required'),
    customFields: z.array(customFieldConfigSchema).max(CONFIG_LIMITS.customFields).default([]),
    defaultCountry: z
      .string()
      .refine(isCountryCode, 'not a country code (ISO 3166-1 alpha-2, upper case, like "DE")')
      .default('DE')
      .describe(
        "The tour's country: preselected in the mask's country choice, and the country a postal code is checked for when the mask doesn't ask",
      ),
    postalCodePattern: z
      .string()
      .max(CONFIG_LIMITS.short)
      .optional()
      .describe('Regular expression for postal codes, instead of the format of the chosen country'),
    viewpoints: z
      .object({
        protect: z.enum(['list', 'all-except']),
        ids: z.array(z.string().min(1).max(128)).max(CONFIG_LIMITS.viewpoints),
      })
      .strict()
      .default({ protect: 'all-except', ids: [] })
      .describe('Protected viewpoints: a list, or all except a list'),
    viewpointLabels: z
      .record(z.string().min(1).max(128), localized)
      .refine((v) => Object.keys(v).length <= CONFIG_LIMITS.viewpoints, {
        message: `at most ${CONFIG_LIMITS.viewpoints} viewpoint names`,
      })
      .optional()
      .describe(
        'Names of the viewpoints for people (German and English), by viewpoint id: "Schlafzimmer", not "schlafzimmer"',
      ),
    assetsDir: z
      .string()
      .min(1)
      .max(CONFIG_LIMITS.long)
      .optional()
      .describe(
        'Folder of protected panorama files, served at /v1/tours/:tour/assets/* to unlocked visitors only (relative to the config file)',
      ),
    linkValidityDays: z.number().positive().max(365).default(14),
    accessValidityDays: z.number().positive().max(3650).default(90),
    reviewValidityDays: z.number().positive().max(365).default(30),
    notifications: z
      .object({
        broker: z
          .enum(['off', 'each-lead'])
          .default('each-lead')
          .describe(
            "email release: one mail to the broker per new lead (naming the room asked for, with a link to the lead); 'off': none",
          ),
        digest: z
          .boolean()
          .default(false)
          .describe(
            'a daily mail to the broker with the visitors who first opened their unlock link the day before (sent at GATE_DIGEST_HOUR, Europe/Berlin; nothing when no one did)',
          ),
        visitorConfirmation: z.boolean().default(true).describe('manual release: confirm the request to the visitor'),
        openimmoAttachment: z
          .boolean()
          .default(false)
          .describe("attach the lead as an OpenImmo-Feedback XML file to the broker's lead and review mails"),
      })
      .strict()
      .default({ broker: 'each-lead', digest: false, visitorConfirmation: true, openimmoAttachment: false }),
    denyText: localizedText(CONFIG_LIMITS.denyText)
      .optional()
      .describe('Text of the polite notice a denied visitor receives'),
    allowRepeatRequests: z
      .boolean()
      .default(true)
      .describe(
        'manual release: a denied visitor may ask again ("erneut anfragen"); the broker gets a new review request marked as a repeat',
      ),
    captcha: z
      .object({ siteKey: z.string().min(1).max(CONFIG_LIMITS.short) })
      .strict()
      .optional(),
    consent: z
      .object({
        privacyUrl: httpUrl,
        termsUrl: httpUrl.optional(),
        version: z.string().min(1).max(64).default('1'),
        marketing: z.boolean().default(false).describe('offer a separate, unticked marketing consent'),
      })
      .strict(),
  })
  .strict();

type TourShape = z.output<typeof tourConfigSchema>;

/**
 * What a tour must hold beyond its shape, wherever it comes from — the config file, the admin
 * API, the database on load: email always required, a postal-code pattern that compiles, custom
 * field keys unique and apart from the standard ones, options for a select. Paths are relative
 * to the tour.
 */
function tourProblems(t: TourShape): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (t.fields.email && t.fields.email !== 'required') {
    problems.push({ path: ['fields', 'email'], message: 'email is always required' });
  }
  if (t.postalCodePattern !== undefined) {
    try {
      new RegExp(t.postalCodePattern);
    } catch {
      problems.push({ path: ['postalCodePattern'], message: 'not a valid regular expression' });
    }
  }
  const keys = new Set<string>();
  t.customFields.forEach((f, j) => {
    if (keys.has(f.key) || (STANDARD_FIELD_KEYS as readonly string[]).includes(f.key)) {
      problems.push({ path: ['customFields', j, 'key'], message: `field key "${f.key}" is taken` });
    }
    keys.add(f.key);
    if (f.type === 'select' && !f.options?.length) {
      problems.push({ path: ['customFields', j, 'options'], message: 'a select needs options' });
    }
  });
  return problems;
}

/** A tour with `tourProblems` checked: the one schema every source of tours parses with. */
export const checkedTourSchema = tourConfigSchema.superRefine((t, ctx) => {
  for (const p of tourProblems(t)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
});

/** One rate limit: at most `max` in `windowMinutes`. */
const limitConfigSchema = z
  .object({
    max: z.number().int().min(1).max(10_000_000),
    windowMinutes: z
      .number()
      .positive()
      .max(7 * 24 * 60),
  })
  .strict();

/**
 * The operator's rate limits (`limits` in the config file); each one left out keeps its default
 * (the README's table). Same names as the server's `RateLimits`.
 */
export const limitsConfigSchema = z
  .object({
    registrationPerIp: limitConfigSchema.optional(),
    registrationPerEmail: limitConfigSchema.optional(),
    registrationPerTour: limitConfigSchema.optional(),
    registrationPerNetwork: limitConfigSchema.optional(),
    mailPerMailbox: limitConfigSchema.optional(),
    linkPerIp: limitConfigSchema.optional(),
    linkPerEmail: limitConfigSchema.optional(),
    unlockPerIp: limitConfigSchema.optional(),
    eventsPerIp: limitConfigSchema.optional(),
    eventsPerTourClient: limitConfigSchema.optional(),
  })
  .strict();
export type LimitsConfig = z.output<typeof limitsConfigSchema>;

export const gateConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    brokers: z.array(brokerConfigSchema),
    tours: z.array(checkedTourSchema),
    limits: limitsConfigSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const brokerIds = new Set<string>();
    cfg.brokers.forEach((b, i) => {
      if (brokerIds.has(b.id))
        ctx.addIssue({ code: 'custom', path: ['brokers', i, 'id'], message: `duplicate broker id "${b.id}"` });
      brokerIds.add(b.id);
    });
    const tourIds = new Set<string>();
    cfg.tours.forEach((t, i) => {
      if (tourIds.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['tours', i, 'id'], message: `duplicate tour id "${t.id}"` });
      tourIds.add(t.id);
      if (!brokerIds.has(t.broker)) {
        ctx.addIssue({ code: 'custom', path: ['tours', i, 'broker'], message: `no broker with id "${t.broker}"` });
      }
    });
  });

export type GateConfigFile = z.output<typeof gateConfigFileSchema>;
export type GateConfigFileInput = z.input<typeof gateConfigFileSchema>;
export type BrokerConfig = z.output<typeof brokerConfigSchema>;
export type TourConfig = z.output<typeof tourConfigSchema>;

export interface ConfigProblem {
  /** Path inside the file, like `tours[0].mode`. */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(root)';
}

/** Parses a config file's JSON value; problems name the path inside the file. */
export function parseConfigFile(
  value: unknown,
): { ok: true; config: GateConfigFile } | { ok: false; problems: ConfigProblem[] } {
  const result = gateConfigFileSchema.safeParse(value);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** The JSON Schema of the config file, for editor completion. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(gateConfigFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
