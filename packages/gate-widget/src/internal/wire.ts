/**
 * Shape checks for the server's answers, typed with the shared wire types.
 *
 * Why not the shared zod/mini schemas: bundled, zod costs about 6.5 KB gzip — a third of the
 * widget's whole size budget and more than half of what may load up front. The server
 * validates every request with those schemas and is the authority; the widget checks only the
 * parts of an answer it relies on, so a broken or foreign answer becomes `BAD_RESPONSE`
 * instead of a crash. The browser tests parse the same answers with the shared schemas.
 */
import type {
  AccessResponse,
  GateConfig,
  NewLinkResponse,
  RegistrationResponse,
  UnlockResponse,
} from '@tour-gate/shared';

/** Accepts a parsed JSON value as a `T`, or refuses it. */
export type Guard<T> = (value: unknown) => value is T;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

function isField(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.key) &&
    isStr(v.type) &&
    typeof v.required === 'boolean' &&
    typeof v.maxLength === 'number' &&
    (v.options === undefined || (Array.isArray(v.options) && v.options.every((o) => isObj(o) && isStr(o.value))))
  );
}

export const isGateConfig: Guard<GateConfig> = (v): v is GateConfig =>
  isObj(v) &&
  isStr(v.tour) &&
  isStr(v.title) &&
  (v.mode === 'email' || v.mode === 'manual') &&
  Array.isArray(v.fields) &&
  v.fields.every(isField) &&
  isObj(v.viewpoints) &&
  (v.viewpoints.protect === 'list' || v.viewpoints.protect === 'all-except') &&
  isStrArray(v.viewpoints.ids) &&
  isObj(v.broker) &&
  isStr(v.broker.name) &&
  (v.captcha === null || (isObj(v.captcha) && isStr(v.captcha.siteKey))) &&
  isObj(v.consent) &&
  isStr(v.consent.privacyUrl) &&
  isStr(v.consent.version) &&
  typeof v.consent.marketing === 'boolean';

export const isRegistrationResponse: Guard<RegistrationResponse> = (v): v is RegistrationResponse =>
  isObj(v) && (v.status === 'check-email' || v.status === 'awaiting-approval');

const isAssetGrant = (v: unknown): boolean => v === undefined || (isObj(v) && isStr(v.query) && isStr(v.expiresAt));

export const isUnlockResponse: Guard<UnlockResponse> = (v): v is UnlockResponse =>
  isObj(v) && isStr(v.accessToken) && isStr(v.expiresAt) && isStr(v.tour) && isAssetGrant(v.assets);

export const isNewLinkResponse: Guard<NewLinkResponse> = (v): v is NewLinkResponse =>
  isObj(v) && v.status === 'check-email';

export const isAccessResponse: Guard<AccessResponse> = (v): v is AccessResponse =>
  isObj(v) && v.valid === true && isStr(v.tour) && isAssetGrant(v.assets);
