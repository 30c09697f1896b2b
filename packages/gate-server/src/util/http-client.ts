/**
 * The server's one client for outgoing HTTP (hCaptcha's siteverify now, webhooks later), on ky:
 * - a timeout per try (until the response's headers arrive), 5 s unless the caller says otherwise;
 * - redirects are never followed: a 3xx answer is a failure (`redirect`), so a request cannot
 *   be steered to another host;
 * - no retries unless the caller asks for some (then also after a timeout);
 * - every failure is one `HttpClientError` with a stable `code`: `timeout`, `network`,
 *   `redirect`, `http-<status>` (any other non-2xx answer) or `invalid-json`.
 */
import ky, { HTTPError, type Options, TimeoutError } from 'ky';
import type { Dispatcher } from 'undici';

type HttpClientErrorCode = 'timeout' | 'network' | 'redirect' | `http-${number}` | 'invalid-json';

/**
 * What every caller catches (captcha.ts keeps it as the `cause` of its own error; webhooks will
 * branch on `code`).
 * @public
 */
export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  /** The answer's status, for `redirect`, `http-<status>` and `invalid-json`. */
  readonly status: number | undefined;

  constructor(
    readonly code: HttpClientErrorCode,
    /** The URL asked for. */
    readonly url: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`${code}: ${url}`, { cause: options.cause });
    this.status = options.status;
  }
}

interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A form (sent as application/x-www-form-urlencoded) or a text body. */
  body?: URLSearchParams | string;
  /** A value sent as JSON (instead of `body`). */
  json?: unknown;
  headers?: Record<string, string>;
  /** Per try, in milliseconds. */
  timeoutMs?: number;
  /** Further tries after a failed one (timeout, network error, 408/413/429/5xx); 0 unless asked. */
  retries?: number;
}

export interface HttpClient {
  /** The answer of a request that ended in 2xx; any other outcome throws `HttpClientError`. */
  send(url: string, request?: HttpRequest): Promise<Response>;
  /** `send`, then the body parsed as JSON (`invalid-json` if it is not). */
  json(url: string, request?: HttpRequest): Promise<unknown>;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function createHttpClient(
  defaults: {
    timeoutMs?: number;
    fetch?: typeof fetch;
    /** The connection pool to use (an undici dispatcher), e.g. one that checks every address it connects to. */
    dispatcher?: Dispatcher;
  } = {},
): HttpClient {
  const send = async (url: string, request: HttpRequest = {}): Promise<Response> => {
    const options: Options = {
      method: request.method ?? 'GET',
      headers: request.headers,
      timeout: request.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      redirect: 'manual',
      retry: {
        limit: request.retries ?? 0,
        methods: ['get', 'post', 'put', 'patch', 'delete'],
        retryOnTimeout: true,
      },
      ...(request.json === undefined ? { body: request.body } : { json: request.json }),
      ...(defaults.fetch ? { fetch: defaults.fetch } : {}),
      // Not a ky option: ky hands options it doesn't know to fetch, and Node's fetch takes this one.
      ...(defaults.dispatcher ? { dispatcher: defaults.dispatcher } : {}),
    };
    let response: Response;
    try {
      response = await ky(url, options);
    } catch (cause) {
      throw toClientError(cause, url);
    }
    // With redirect: 'manual', ky throws for a 3xx in Node; a browser-style fetch answers an
    // opaque redirect with status 0 instead.
    if (response.type === 'opaqueredirect') throw new HttpClientError('redirect', url, { status: response.status });
    return response;
  };

  return {
    send,
    async json(url, request) {
      const response = await send(url, request);
      let text: string;
      try {
        text = await response.text();
      } catch (cause) {
        throw new HttpClientError('network', url, { cause });
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (cause) {
        throw new HttpClientError('invalid-json', url, { status: response.status, cause });
      }
    },
  };
}

function toClientError(error: unknown, url: string): HttpClientError {
  if (error instanceof HttpClientError) return error;
  if (error instanceof HTTPError) {
    const { status, type } = error.response;
    if (type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      return new HttpClientError('redirect', url, { status, cause: error });
    }
    return new HttpClientError(`http-${status}`, url, { status, cause: error });
  }
  if (error instanceof TimeoutError) return new HttpClientError('timeout', url, { cause: error });
  return new HttpClientError('network', url, { cause: error });
}
