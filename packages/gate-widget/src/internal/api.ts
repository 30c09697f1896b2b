/**
 * The widget's side of the HTTP API: plain `fetch` (no client library, to stay in the size
 * budget), every answer checked against the shared wire types, every failure turned into one
 * `GateRequestError` with a code the translation tables know.
 */
import type { ErrorCode, FieldErrorCode } from '@tour-gate/shared';
import type { Guard } from './wire.ts';

/**
 * Failures that never reach the server or come back unreadable; the widget's own codes.
 * `NETWORK`: the gate config could not be fetched at all (the server can't be reached from
 * this page), so the embed can't work; `NETWORK_ERROR`: a later request failed on the way.
 */
export type WidgetErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'NETWORK';
export type GateErrorCode = ErrorCode | WidgetErrorCode;

export class GateRequestError extends Error {
  readonly code: GateErrorCode;
  readonly fields: Record<string, FieldErrorCode> | undefined;
  /** Seconds to wait before asking again (`Retry-After`), when the server said so. */
  readonly retryAfter: number | undefined;
  constructor(code: GateErrorCode, fields?: Record<string, FieldErrorCode>, retryAfter?: number) {
    super(code);
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

/**
 * What an error code looks like. Checked by shape rather than against shared's `ERROR_CODES`:
 * that table's English messages would cost the up-front budget, and a newer server may send a
 * code this widget does not know yet (new codes are added, never changed) — it is passed on in
 * `gate-error`, and the mask shows a general text for it.
 */
const ERROR_CODE_SHAPE = /^[A-Z][A-Z_]{1,63}$/;

/** Where one gate's API lives. */
export interface Endpoint {
  /** The gate server's origin (and optional base path), without a trailing slash. */
  server: string;
  tour: string;
}

export function tourUrl(endpoint: Endpoint, rest: string): string {
  return `${endpoint.server}/v1/tours/${encodeURIComponent(endpoint.tour)}/${rest}`;
}

/**
 * One JSON request. Resolves with the parsed answer; rejects with `GateRequestError` for an
 * error answer (its code), an unreadable answer (`BAD_RESPONSE`) or no answer (`NETWORK_ERROR`).
 */
export async function requestJson<T>(
  url: string,
  accept: Guard<T>,
  init: { method?: 'GET' | 'POST'; body?: unknown; accessToken?: string | undefined } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.accessToken) headers.authorization = `Bearer ${init.accessToken}`;
  let response: Response;
  try {
    response = await fetch(url, {
      // Without a method, fetch sends a GET; without a body (`JSON.stringify(undefined)` is
      // undefined), none.
      method: init.method,
      headers,
      body: JSON.stringify(init.body),
      // The gate never relies on cookies; the access token travels explicitly.
      credentials: 'omit',
    });
  } catch {
    throw new GateRequestError('NETWORK_ERROR');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; fields?: Record<string, FieldErrorCode> } } | undefined)?.error;
    throw new GateRequestError(
      typeof error?.code === 'string' && ERROR_CODE_SHAPE.test(error.code) ? (error.code as ErrorCode) : 'BAD_RESPONSE',
      error?.fields,
      // Absent or unreadable: NaN, and `|| undefined` turns that (and 0) into "not said".
      Number(response.headers.get('retry-after')) || undefined,
    );
  }
  if (!accept(body)) throw new GateRequestError('BAD_RESPONSE');
  return body;
}

/** `GateRequestError`'s code, or `NETWORK_ERROR` for anything unexpected. */
export function errorCode(error: unknown): GateErrorCode {
  return error instanceof GateRequestError ? error.code : 'NETWORK_ERROR';
}
