/**
 * The closed list of error codes. Every error the server sends has the shape
 * `{"error": {"code", "message", "fields"?}}`, with `code` from this list; the widget translates by
 * code. A code never changes its meaning; new codes are added at the end of a group.
 *
 * @example
 * ```ts
 * if (body.error.code === 'LINK_EXPIRED') showExpiredScreen();
 * ```
 */
export const ERROR_CODES = {
  // request shape
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  VALIDATION_FAILED: { status: 422, message: 'Some fields are missing or invalid.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed.' },
  TOUR_NOT_FOUND: { status: 404, message: 'No tour with this id.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin may not call the gate of this tour.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Please try again later.' },
  // captcha
  CAPTCHA_REQUIRED: { status: 400, message: 'Please solve the captcha.' },
  CAPTCHA_FAILED: { status: 403, message: 'The captcha answer was not accepted.' },
  CAPTCHA_UNAVAILABLE: { status: 503, message: 'The captcha could not be checked. Please try again.' },
  // links
  LINK_INVALID: { status: 400, message: 'This link is not valid.' },
  LINK_EXPIRED: { status: 410, message: 'This link has expired.' },
  LINK_REVOKED: { status: 410, message: 'This link was revoked.' },
  REQUEST_INVALID: { status: 410, message: 'This request handle is unknown or has expired.' },
  // access
  ACCESS_DENIED: { status: 403, message: 'The broker has denied access to this tour.' },
  ACCESS_REVOKED: { status: 403, message: 'Access to this tour was revoked.' },
  ACCESS_EXPIRED: { status: 401, message: 'Access to this tour has expired.' },
  ACCESS_PENDING: { status: 403, message: 'The broker has not decided on this request yet.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is missing or not valid.' },
  REPEAT_NOT_ALLOWED: { status: 403, message: 'This tour does not take a new request after a denial.' },
  // broker / admin
  UNAUTHORIZED: { status: 401, message: 'Authentication required.' },
  FORBIDDEN: { status: 403, message: 'Not allowed.' },
  NONCE_INVALID: { status: 403, message: 'This form has expired. Please reload the page.' },
  ALREADY_DECIDED: { status: 409, message: 'This request was already decided.' },
  CONFLICT: { status: 409, message: 'The resource was changed concurrently.' },
  // server side
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  INTERNAL: { status: 500, message: 'Internal error.' },
  UNAVAILABLE: { status: 503, message: 'The service is briefly unavailable. Please try again in a moment.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** Why a single field was refused; sits in `error.fields[fieldKey]`. */
export const FIELD_ERROR_CODES = [
  'required',
  'invalid',
  'invalid_email',
  'invalid_postal_code',
  'too_long',
  'unknown',
  'consent_required',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** The wire shape of every error answer. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, FieldErrorCode>;
  };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * The one error class of tour-gate. Thrown anywhere on the server, turned into
 * `{"error": {...}}` with the code's HTTP status in one place.
 *
 * @example
 * ```ts
 * throw new GateError('TOUR_NOT_FOUND');
 * throw new GateError('VALIDATION_FAILED', { fields: { email: 'invalid_email' } });
 * ```
 */
export class GateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: Record<string, FieldErrorCode> | undefined;
  /** Seconds, for RATE_LIMITED and UNAVAILABLE (`Retry-After`). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    options: {
      message?: string;
      fields?: Record<string, FieldErrorCode>;
      retryAfter?: number;
      cause?: unknown;
    } = {},
  ) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'GateError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.fields = options.fields;
    this.retryAfter = options.retryAfter;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
      },
    };
  }
}
