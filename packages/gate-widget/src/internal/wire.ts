/**
 * Shape checks for the server's answers, typed with the shared wire types.
 *
 * Why not the shared zod/mini schemas: bundled, zod costs about 6.5 KB gzip — a third of the
 * widget's whole size budget and more than half of what may load up front. The server
 * validates every request with those schemas and is the authority; the widget checks each
 * answer's whole shape (as the schema defines it) so that a broken or foreign answer becomes
 * `BAD_RESPONSE` instead of a crash somewhere later.
 */
import { type AccessResponse, type FieldType, type GateConfig, LOCALES, type UnlockResponse } from '@tour-gate/shared';

/**
 * Shared's `FIELD_TYPES`, spelled out: importing it would move the whole field catalogue (which
 * only the mask needs) up front. `wire.test.ts` checks that the two lists agree.
 */
export const FIELD_TYPES = ['text', 'email', 'tel', 'textarea', 'select', 'checkbox'] as const satisfies FieldType[];

/** Accepts a parsed JSON value as a `T`, or refuses it. */
export type Guard<T> = (value: unknown) => value is T;

// Each guard mirrors one zod schema of `@tour-gate/shared` (the wire schemas in its `api.ts`), built
// from the same pieces (object, optional, enum, array), and refuses what that schema refuses;
// `wire.test.ts` holds both to the same answers. Like zod's objects, `shape` lets keys it does
// not know through: a newer server may add some.
type Check = (v: unknown) => boolean;
const isStr: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';
const isNum: Check = (v) => typeof v === 'number';
/**
 * An object whose properties pass their checks. (An array from JSON has no named properties,
 * and every shape here has a required one, so no array gets through.)
 */
export const shape =
  (props: Record<string, Check>): Check =>
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    Object.entries(props).every(([key, check]) => check((v as Record<string, unknown>)[key]));
/** Absent, or passing `check` (`null` is not absent, as in zod). */
const opt =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
export const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
/** A check, typed as the guard of a `T` (no wrapper function: one fewer call per answer, fewer bytes). */
export const guard = <T>(check: Check) => check as Guard<T>;

const optStr = opt(isStr);
const localized = opt(shape({ de: isStr, en: isStr }));
const assetGrant = opt(shape({ query: isStr, expiresAt: isStr }));

const field = shape({
  key: isStr,
  type: oneOf(...FIELD_TYPES),
  required: isBool,
  maxLength: isNum,
  label: localized,
  options: opt(arrayOf(shape({ value: isStr, label: localized }))),
  pattern: optStr,
  autocomplete: optStr,
  defaultCountry: optStr,
});

export const isGateConfig = guard<GateConfig>(
  shape({
    tour: isStr,
    title: isStr,
    mode: oneOf('email', 'manual'),
    locale: oneOf(...LOCALES),
    fields: arrayOf(field),
    viewpoints: shape({ protect: oneOf('list', 'all-except'), ids: arrayOf(isStr) }),
    broker: shape({
      name: isStr,
      company: optStr,
      email: optStr,
      phone: optStr,
      website: optStr,
      address: optStr,
    }),
    captcha: (v) => v === null || shape({ provider: oneOf('hcaptcha'), siteKey: isStr })(v),
    consent: shape({ privacyUrl: isStr, termsUrl: optStr, version: isStr, marketing: isBool }),
    linkValidityDays: isNum,
  }),
);

/** What `storage.ts` keeps per tour: an unlock answer's access token, expiry and asset grant. */
export const isStoredAccess = shape({ accessToken: isStr, expiresAt: isStr, assets: assetGrant });

export const isUnlockResponse = guard<UnlockResponse>(
  shape({ accessToken: isStr, expiresAt: isStr, tour: isStr, assets: assetGrant }),
);

export const isAccessResponse = guard<AccessResponse>(
  shape({ valid: oneOf(true), tour: isStr, expiresAt: isStr, assets: assetGrant }),
);
