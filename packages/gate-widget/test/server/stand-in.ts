/**
 * A stand-in for gate-server's widget routes, run as middleware of the test runner's dev
 * server (same origin as the test pages, so no CORS). It validates every request with the
 * shared wire schemas and records it, so browser tests can assert what the widget sent; tests
 * script its answers through `/__stand-in/…` (see `test/harness.ts`). State is kept per tour id,
 * and every test uses a fresh tour id.
 *
 * The real server is exercised end to end in a later issue.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ErrorCode,
  eventsRequestSchema,
  type GateConfig,
  GateError,
  gateConfigSchema,
  messageRequestSchema,
  newLinkRequestSchema,
  registrationRequestSchema,
  repeatRequestSchema,
  unlockRequestSchema,
} from '@tour-gate/shared';

/** One request as the widget sent it. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
  /** Whether the body passed the shared schema of its route. */
  valid: boolean;
  issues: unknown[];
}

/** A scripted answer for the next request to a route. */
export interface ScriptedAnswer {
  status?: number;
  body?: unknown;
  /** No usable answer: the widget's fetch fails as on a network error. */
  network?: boolean;
  delayMs?: number;
  /** Extra response headers, like `Retry-After`. */
  headers?: Record<string, string>;
}

interface TourState {
  config: GateConfig;
  requests: RecordedRequest[];
  answers: Record<string, ScriptedAnswer[]>;
  revoked: boolean;
  /** Request handles this tour handed out (registrations, repeat requests), as the server keeps them. */
  handles: Set<string>;
  /** Cover mode: what `GET …/embed` answers an access that holds (none: `NOT_FOUND`). */
  embedUrl?: string;
}

/** A fresh request handle: 43 base64url characters, like the server's. */
const newHandle = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

/** What `POST /v1/unlock` answers for a token. */
interface TokenState {
  tour: string;
  outcome: 'ok' | ErrorCode;
  /** Seconds until the issued access token expires. */
  ttl: number;
  /** Fail the first redemption as on a network error (then answer as `outcome` says). */
  networkFailures?: number;
}

const tours = new Map<string, TourState>();
const tokens = new Map<string, TokenState>();
const unlockRequests: RecordedRequest[] = [];

/** Koa's context, reduced to what this middleware touches. */
interface Ctx {
  method: string;
  path: string;
  req: IncomingMessage;
  res: ServerResponse;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
  get(name: string): string;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped access token; unsigned — the widget only reads its `exp`. */
export function fakeAccessToken(tour: string, ttlSeconds: number): string {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ aud: tour, exp, jti: crypto.randomUUID() })}.sig`;
}

let grants = 0;
/** Shaped like gate-server's signed asset query (`t`, `exp`, `sig`), good for an hour. */
function assetGrant(): { query: string; expiresAt: string } {
  grants += 1;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return { query: `t=grant-${grants}&exp=${exp}&sig=stand-in`, expiresAt: new Date(exp * 1000).toISOString() };
}

function json(ctx: Ctx, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('content-type', 'application/json');
  ctx.body = JSON.stringify(body);
}

function fail(ctx: Ctx, code: ErrorCode): void {
  const error = new GateError(code);
  json(ctx, error.status, error.toBody());
}

/**
 * An answer the browser's fetch treats as a network error. A redirect to a non-HTTP scheme does
 * that deterministically; a dropped connection does not (Chrome silently retries a request whose
 * reused socket died).
 */
function networkFailure(ctx: Ctx): void {
  ctx.status = 302;
  ctx.set('location', 'data:text/plain,stand-in-network-failure');
  ctx.body = '';
}

/** Plays a scripted answer if one is queued; true when it did. */
async function scripted(ctx: Ctx, state: TourState, route: string): Promise<boolean> {
  const answer = state.answers[route]?.shift();
  if (!answer) return false;
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (answer.network) {
    networkFailure(ctx);
    return true;
  }
  for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
  json(ctx, answer.status ?? 200, answer.body ?? {});
  return true;
}

function record(
  list: RecordedRequest[],
  ctx: Ctx,
  body: unknown,
  result: { success: boolean; error?: { issues: unknown[] } },
): void {
  list.push({
    method: ctx.method,
    path: ctx.path,
    body,
    authorization: ctx.get('authorization') || undefined,
    valid: result.success,
    issues: result.error?.issues ?? [],
  });
}

const TOUR_ROUTE = /^\/v1\/tours\/([^/]+)\/(gate|registrations|links|access|events|messages|repeat-requests|embed)$/;
const CONTROL_TOUR = /^\/__stand-in\/tours\/([^/]+)(?:\/(requests|answers|revoke|handles|embed))?$/;

export async function standInMiddleware(ctx: Ctx, next: () => Promise<void>): Promise<void> {
  const control = CONTROL_TOUR.exec(ctx.path);
  if (control) {
    const tour = decodeURIComponent(control[1] ?? '');
    const action = control[2];
    if (!action && ctx.method === 'PUT') {
      const parsed = gateConfigSchema.safeParse(await readBody(ctx.req));
      if (!parsed.success) return json(ctx, 400, { issues: parsed.error.issues });
      tours.set(tour, { config: parsed.data, requests: [], answers: {}, revoked: false, handles: new Set() });
      return json(ctx, 204, null);
    }
    const state = tours.get(tour);
    if (!state) return json(ctx, 404, { message: `stand-in knows no tour ${tour}` });
    if (action === 'requests') return json(ctx, 200, state.requests);
    if (action === 'handles') return json(ctx, 200, [...state.handles]);
    if (action === 'revoke') {
      state.revoked = true;
      return json(ctx, 204, null);
    }
    if (action === 'embed' && ctx.method === 'PUT') {
      state.embedUrl = ((await readBody(ctx.req)) as { url: string }).url;
      return json(ctx, 204, null);
    }
    if (action === 'answers' && ctx.method === 'POST') {
      const { route, answer } = (await readBody(ctx.req)) as { route: string; answer: ScriptedAnswer };
      const queue = state.answers[route] ?? [];
      queue.push(answer);
      state.answers[route] = queue;
      return json(ctx, 204, null);
    }
  }
  if (ctx.path === '/__stand-in/tokens' && ctx.method === 'POST') {
    const { token, ...state } = (await readBody(ctx.req)) as TokenState & { token: string };
    tokens.set(token, { ...state, ttl: state.ttl ?? 3600 });
    return json(ctx, 204, null);
  }
  if (ctx.path === '/__stand-in/unlock-requests') return json(ctx, 200, unlockRequests);

  if (ctx.path === '/v1/unlock' && ctx.method === 'POST') {
    const body = await readBody(ctx.req);
    const parsed = unlockRequestSchema.safeParse(body);
    record(unlockRequests, ctx, body, parsed);
    if (!parsed.success) return fail(ctx, 'VALIDATION_FAILED');
    const token = tokens.get(parsed.data.token);
    if (!token) return fail(ctx, 'LINK_INVALID');
    if (token.networkFailures) {
      token.networkFailures -= 1;
      return networkFailure(ctx);
    }
    if (token.outcome !== 'ok') return fail(ctx, token.outcome);
    return json(ctx, 200, {
      accessToken: fakeAccessToken(token.tour, token.ttl),
      expiresAt: new Date(Date.now() + token.ttl * 1000).toISOString(),
      tour: token.tour,
      assets: assetGrant(),
    });
  }

  const route = TOUR_ROUTE.exec(ctx.path);
  if (!route) return next();
  const state = tours.get(decodeURIComponent(route[1] ?? ''));
  if (!state) return fail(ctx, 'TOUR_NOT_FOUND');
  const kind = route[2] ?? '';
  const body = ctx.method === 'POST' ? await readBody(ctx.req) : undefined;

  switch (kind) {
    case 'embed':
      record(state.requests, ctx, body, { success: true });
      if (await scripted(ctx, state, kind)) return;
      if (state.revoked) return fail(ctx, 'ACCESS_REVOKED');
      if (!ctx.get('authorization').startsWith('Bearer ')) return fail(ctx, 'TOKEN_INVALID');
      if (!state.embedUrl) return fail(ctx, 'NOT_FOUND');
      return json(ctx, 200, { url: state.embedUrl });
    case 'gate':
      record(state.requests, ctx, body, { success: true });
      if (await scripted(ctx, state, kind)) return;
      return json(ctx, 200, state.config);
    case 'registrations': {
      const parsed = registrationRequestSchema.safeParse(body);
      record(state.requests, ctx, body, parsed);
      if (await scripted(ctx, state, kind)) return;
      if (!parsed.success) return fail(ctx, 'VALIDATION_FAILED');
      // Stands in for hCaptcha's siteverify: only the stand-in script's tokens pass.
      if (state.config.captcha && !parsed.data.captcha) return fail(ctx, 'CAPTCHA_REQUIRED');
      if (state.config.captcha && !parsed.data.captcha?.startsWith('stand-in-token-'))
        return fail(ctx, 'CAPTCHA_FAILED');
      // The same shape for every address: a fresh handle for this one submission.
      const request = newHandle();
      state.handles.add(request);
      return json(ctx, 202, { status: state.config.mode === 'email' ? 'check-email' : 'awaiting-approval', request });
    }
    case 'messages': {
      const parsed = messageRequestSchema.safeParse(body);
      record(state.requests, ctx, body, parsed);
      if (await scripted(ctx, state, kind)) return;
      if (!parsed.success) return fail(ctx, 'VALIDATION_FAILED');
      if (!state.handles.has(parsed.data.request)) return fail(ctx, 'REQUEST_INVALID');
      return json(ctx, 202, { status: 'message-added' });
    }
    case 'repeat-requests': {
      const parsed = repeatRequestSchema.safeParse(body);
      record(state.requests, ctx, body, parsed);
      if (await scripted(ctx, state, kind)) return;
      if (!parsed.success) return fail(ctx, 'VALIDATION_FAILED');
      if (state.config.repeatRequests === false) return fail(ctx, 'REPEAT_NOT_ALLOWED');
      if (tokens.get(parsed.data.token)?.tour !== state.config.tour) return fail(ctx, 'LINK_INVALID');
      const request = newHandle();
      state.handles.add(request);
      return json(ctx, 202, { status: 'awaiting-approval', request });
    }
    case 'links': {
      const parsed = newLinkRequestSchema.safeParse(body);
      record(state.requests, ctx, body, parsed);
      if (await scripted(ctx, state, kind)) return;
      if (!parsed.success) return fail(ctx, 'VALIDATION_FAILED');
      if (parsed.data.request && !state.handles.has(parsed.data.request)) return fail(ctx, 'REQUEST_INVALID');
      return json(ctx, 202, { status: 'check-email' });
    }
    case 'access':
      record(state.requests, ctx, body, { success: true });
      if (await scripted(ctx, state, kind)) return;
      if (state.revoked) return fail(ctx, 'ACCESS_REVOKED');
      if (!ctx.get('authorization').startsWith('Bearer ')) return fail(ctx, 'TOKEN_INVALID');
      return json(ctx, 200, {
        valid: true,
        tour: state.config.tour,
        expiresAt: new Date(Date.now() + 3600e3).toISOString(),
        assets: assetGrant(),
      });
    case 'events': {
      const parsed = eventsRequestSchema.safeParse(body);
      record(state.requests, ctx, body, parsed);
      return parsed.success ? json(ctx, 204, null) : fail(ctx, 'VALIDATION_FAILED');
    }
    default:
      return fail(ctx, 'NOT_FOUND');
  }
}
