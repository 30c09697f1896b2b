/**
 * `GET /v1/openapi.json` against the live server: the document is valid OpenAPI 3.1, every route
 * Hono has under `/v1` is in it (and nothing else), and every documented operation, exercised
 * with a success and an error, answers with a documented status, content type, headers and a
 * body its JSON Schema (2020-12) accepts. What the server accepted must be what the document
 * accepts too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import type { AccessResponse, ErrorBody, GateConfig, UnlockResponse } from '@tour-gate/shared';
import type {
  AdminBroker,
  AdminBrokerList,
  AdminTour,
  AdminTourList,
  BrokerKey,
  LeadExport,
  TourStatsAnswer,
  WebhookWithSecret,
} from '@tour-gate/shared/openapi';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../src/core/decide.ts';
import { registration, TOUR_ORIGIN, testConfig } from './fixtures.ts';
import { startTestServer, type TestServer } from './harness.ts';

// ajv-formats is CommonJS: under NodeNext its default export is the module object, whose own
// `default` is the plugin.
const addFormats = (formatsModule as unknown as { default: FormatsPlugin }).default;

type Method = 'get' | 'head' | 'post' | 'put' | 'delete';

/** The parts of the document the checks read. */
interface DocParam {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
}
interface DocReply {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema?: unknown }>;
}
interface DocOperation {
  parameters?: DocParam[];
  requestBody?: { required?: boolean };
  responses: Record<string, DocReply>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, unknown> };
}

const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';
const DOC_ID = 'https://tour-gate.test/v1/openapi.json';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

/** A JSON Pointer segment (RFC 6901). */
const seg = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

describe('OpenAPI document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-openapi-'));
  let server: TestServer;
  let doc: Doc;
  let etag: string;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();
  /** `method path status` of every answer checked, for the coverage test at the end. */
  const seen = new Set<string>();
  let ipCounter = 0;

  function validatorAt(pointer: string): ValidateFunction {
    let v = validators.get(pointer);
    if (!v) {
      v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      validators.set(pointer, v);
    }
    return v;
  }

  function expectValid(pointer: string, value: unknown, what: string): void {
    const v = validatorAt(pointer);
    if (!v(value)) expect.fail(`${what}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(value).slice(0, 600)}`);
  }

  const opPointer = (method: Method, path: string) => `/paths/${seg(path)}/${method}`;

  /** The request a 2xx answered must be one the document allows: parameters and body. */
  function checkRequest(method: Method, path: string, url: URL, headers: Record<string, string>, body: unknown) {
    const op = doc.paths[path]?.[method] as DocOperation;
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_, n) => (n === 'file' ? '(.+)' : '([^/]+)'))}$`);
    const values = pattern.exec(url.pathname)?.slice(1) ?? [];
    expect(values.length, `${url.pathname} matches ${path}`).toBe(names.length);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    (op.parameters ?? []).forEach((p, i) => {
      const value =
        p.in === 'path'
          ? decodeURIComponent(values[names.indexOf(p.name)] ?? '')
          : p.in === 'query'
            ? url.searchParams.get(p.name)
            : lower[String(p.name).toLowerCase()];
      if (value === null || value === undefined) {
        expect(p.required, `${p.in} parameter ${p.name} of ${method} ${path} is required`).toBeFalsy();
        return;
      }
      expectValid(`${opPointer(method, path)}/parameters/${i}/schema`, value, `${p.in} parameter ${p.name}`);
    });
    const undocumentedQuery = [...url.searchParams.keys()].filter(
      (k) => !(op.parameters ?? []).some((p) => p.in === 'query' && p.name === k),
    );
    expect(undocumentedQuery, `query parameters of ${method} ${path}`).toEqual([]);
    if (body !== undefined) {
      expect(op.requestBody, `${method} ${path} documents a body`).toBeDefined();
      expectValid(
        `${opPointer(method, path)}/requestBody/content/application~1json/schema`,
        body,
        `request body of ${method} ${path}`,
      );
    } else if (op.requestBody?.required) {
      expect.fail(`${method} ${path} answered 2xx without its required body`);
    }
  }

  /** Checks an answer against the document; returns its body (parsed when JSON). */
  async function checkAnswer(method: Method, path: string, res: Response): Promise<unknown> {
    const op = doc.paths[path]?.[method];
    if (!op) return expect.fail(`${method.toUpperCase()} ${path} is not documented`);
    const status = String(res.status);
    const reply = op.responses[status];
    if (!reply) return expect.fail(`${method.toUpperCase()} ${path} answered ${status}, which is not documented`);
    seen.add(`${method} ${path} ${status}`);
    const at = `${opPointer(method, path)}/responses/${status}`;
    for (const [name, h] of Object.entries(reply.headers ?? {})) {
      const value = res.headers.get(name);
      if (value === null) {
        expect(h.required, `header ${name} of ${method} ${path} ${status}`).toBeFalsy();
        continue;
      }
      expectValid(`${at}/headers/${seg(name)}/schema`, value, `header ${name}`);
    }
    const text = await res.text();
    if (!reply.content) {
      expect(text, `${method} ${path} ${status} has no body`).toBe('');
      // HEAD: the content type the GET's answer of the same status documents.
      const got = doc.paths[path]?.get?.responses[status]?.content;
      if (method === 'head' && got && res.status < 300) {
        const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
        expect(Object.keys(got), `content type of ${method} ${path} ${status}`).toContain(type);
      }
      return undefined;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    expect(Object.keys(reply.content), `content type of ${method} ${path} ${status}`).toContain(type);
    const body = type === 'application/json' ? JSON.parse(text) : text;
    if (reply.content[type]?.schema)
      expectValid(`${at}/content/${seg(type)}/schema`, body, `${method} ${path} ${status}`);
    return body;
  }

  interface Call {
    body?: unknown;
    /** A body sent as is (broken JSON, another media type). */
    raw?: string;
    type?: string;
    headers?: Record<string, string>;
  }

  /** Sends a request to `url` (an instance of the documented `path`) and checks the answer. */
  async function call<T = unknown>(method: Method, path: string, url: string, o: Call = {}) {
    const headers: Record<string, string> = { 'x-forwarded-for': `10.9.${ipCounter >> 8}.${ipCounter++ & 255}` };
    Object.assign(headers, o.headers);
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = o.type ?? 'application/json';
    const res = await server.app.request(url, { method: method.toUpperCase(), headers, body });
    const bytes = Buffer.from(await res.clone().arrayBuffer());
    if (res.status < 300) {
      const { 'x-forwarded-for': _, ...sent } = headers;
      checkRequest(method, path, new URL(url, 'http://gate.test'), sent, o.raw === undefined ? o.body : undefined);
    }
    const parsed = await checkAnswer(method, path, res);
    return { status: res.status, body: parsed as T, headers: res.headers, bytes };
  }

  const codeOf = (r: { body: unknown }) => (r.body as Partial<ErrorBody> | undefined)?.error?.code;
  const platform = { authorization: `Bearer ${PLATFORM}` };
  const fromTourPage = { origin: TOUR_ORIGIN };

  beforeAll(async () => {
    mkdirSync(join(dir, 'rooms'));
    writeFileSync(join(dir, 'rooms', 'schlafzimmer.jpg'), JPEG);
    const config = testConfig();
    (config.tours[0] as { assetsDir?: string }).assetsDir = dir;
    (config.tours[0] as { embedUrl?: string }).embedUrl = 'https://viewer.example.net/t/1';
    server = await startTestServer({
      config,
      captcha: { verify: async () => {} },
      startWorker: false,
      limits: { registrationPerEmail: { max: 2, windowMs: 3_600_000 } },
    });
    server.deps.env.adminKey = PLATFORM;
    const res = await server.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
    etag = res.headers.get('etag') ?? '';
    ajv.addSchema({ ...doc, $id: DOC_ID });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await validateOpenApi(structuredClone(doc) as never);
    if (!result.valid) expect.fail(JSON.stringify(result.errors, null, 2));
    // Every schema compiles as JSON Schema 2020-12, with every reference resolved.
    for (const name of Object.keys(doc.components.schemas)) validatorAt(`/components/schemas/${name}`);
  });

  it('documents every route Hono has under /v1, and no route it lacks', () => {
    const routes = new Set(
      server.app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{file}')}`),
    );
    // Hono answers HEAD with a route's GET handler and drops the body: a documented HEAD needs
    // that GET route (and has no route of its own in the list).
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m === 'head' ? 'get' : m} ${path}`),
      ),
    );
    expect(Object.values(doc.paths).some((ops) => 'head' in ops)).toBe(true);
    expect(routes.size).toBeGreaterThan(10);
    expect(
      [...routes].filter((r) => !documented.has(r)),
      'routes without documentation',
    ).toEqual([]);
    expect(
      [...documented].filter((d) => !routes.has(d)),
      'documented operations without a route',
    ).toEqual([]);
  });

  it('serves itself cacheable and readable from any origin', async () => {
    const ok = await call('get', '/v1/openapi.json', '/v1/openapi.json');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('cache-control')).toMatch(/public/);
    const again = await call('get', '/v1/openapi.json', '/v1/openapi.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('gate config: 200, 304, unknown tour', async () => {
    const path = '/v1/tours/{tour}/gate';
    const ok = await call<GateConfig>('get', path, '/v1/tours/musterstrasse-12/gate');
    expect(ok.body.tour).toBe('musterstrasse-12');
    const tag = ok.headers.get('etag') ?? '';
    expect(
      (await call('get', path, '/v1/tours/musterstrasse-12/gate', { headers: { 'if-none-match': tag } })).status,
    ).toBe(304);
    expect(codeOf(await call('get', path, '/v1/tours/no-such-tour/gate'))).toBe('TOUR_NOT_FOUND');
    const stranger = { headers: { origin: 'https://stranger.example' } };
    expect(codeOf(await call('get', path, '/v1/tours/musterstrasse-12/gate', stranger))).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('registrations: both modes, and each way a body or caller is refused', async () => {
    const path = '/v1/tours/{tour}/registrations';
    const url = '/v1/tours/musterstrasse-12/registrations';
    const email = await call('post', path, url, { body: registration('erika@example.org'), headers: fromTourPage });
    expect(email.body).toEqual({ status: 'check-email', request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const manual = await call('post', path, '/v1/tours/gartenweg-3/registrations', {
      body: {
        fields: { firstName: 'Max', lastName: 'Muster', email: 'max@example.org', postalCode: '50667' },
        consent: { privacy: true, version: '1' },
      },
      headers: fromTourPage,
    });
    expect(manual.body).toEqual({ status: 'awaiting-approval', request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });

    const invalid = await call('post', path, url, { body: { fields: {} }, headers: fromTourPage });
    expect([invalid.status, codeOf(invalid)]).toEqual([422, 'VALIDATION_FAILED']);
    const wrongType = await call('post', path, url, { raw: 'a=b', type: 'text/plain' });
    expect(codeOf(wrongType)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(codeOf(await call('post', path, url, { raw: '{"fields":' }))).toBe('INVALID_JSON');
    const tooLarge = await call('post', path, url, {
      raw: JSON.stringify({ fields: { message: 'x'.repeat(20_000) } }),
    });
    expect(codeOf(tooLarge)).toBe('PAYLOAD_TOO_LARGE');
    const foreign = await call('post', path, url, {
      body: registration(),
      headers: { origin: 'https://evil.example' },
    });
    expect(codeOf(foreign)).toBe('ORIGIN_NOT_ALLOWED');
    const unknown = await call('post', path, '/v1/tours/no-such-tour/registrations', { body: registration() });
    expect(codeOf(unknown)).toBe('TOUR_NOT_FOUND');
    // Two per address and hour in this server: the third is refused with a Retry-After.
    await call('post', path, url, { body: registration('erika@example.org') });
    const limited = await call('post', path, url, { body: registration('erika@example.org') });
    expect([limited.status, codeOf(limited)]).toEqual([429, 'RATE_LIMITED']);
  });

  /** The newest unlock link's token mailed to `email`. */
  async function unlockToken(email: string): Promise<string> {
    const mail = (await server.store.outbox.list(100)).find((m) => m.kind === 'unlock' && m.recipient === email);
    const token = mail && /tour-gate-unlock=([\w-]+)/.exec(mail.text_body)?.[1];
    if (!token) throw new Error(`no unlock mail for ${email}`);
    return token;
  }

  let accessToken = '';
  let assetQuery = '';

  it('unlock: a mailed link opens, an unknown or malformed one does not', async () => {
    const ok = await call<UnlockResponse>('post', '/v1/unlock', '/v1/unlock', {
      body: { token: await unlockToken('erika@example.org') },
      headers: fromTourPage,
    });
    expect(ok.status).toBe(200);
    accessToken = ok.body.accessToken;
    assetQuery = ok.body.assets?.query ?? '';
    const unknown = await call('post', '/v1/unlock', '/v1/unlock', { body: { token: 'A'.repeat(43) } });
    expect([unknown.status, codeOf(unknown)]).toEqual([400, 'LINK_INVALID']);
    expect(codeOf(await call('post', '/v1/unlock', '/v1/unlock', { body: { token: 'short' } }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('new links: always the same 202; neither or both of email and token refused', async () => {
    const path = '/v1/tours/{tour}/links';
    const ok = await call('post', path, '/v1/tours/musterstrasse-12/links', {
      body: { email: 'erika@example.org', locale: 'en' },
      headers: fromTourPage,
    });
    expect(ok.status).toBe(202);
    const neither = await call('post', path, '/v1/tours/musterstrasse-12/links', { body: {} });
    expect([neither.status, codeOf(neither)]).toEqual([422, 'VALIDATION_FAILED']);
  });

  it('messages and repeat requests: with a handle or a link token; an unknown handle, a request already pending', async () => {
    const manual = (email: string) => ({
      fields: { firstName: 'Max', lastName: 'Muster', email, postalCode: '50667' },
      consent: { privacy: true, version: '1' },
      pageUrl: `${TOUR_ORIGIN}/gartenweg-3?room=1`,
      viewpoint: 'kueche',
    });
    const registered = await call<{ request: string }>(
      'post',
      '/v1/tours/{tour}/registrations',
      '/v1/tours/gartenweg-3/registrations',
      {
        body: manual('mia@example.org'),
        headers: fromTourPage,
      },
    );
    const path = '/v1/tours/{tour}/messages';
    const url = '/v1/tours/gartenweg-3/messages';
    const added = await call('post', path, url, {
      body: { request: registered.body.request, message: 'Ab wann ist das Haus frei?' },
      headers: fromTourPage,
    });
    expect([added.status, added.body]).toEqual([202, { status: 'message-added' }]);
    const unknown = await call('post', path, url, {
      body: { request: 'x'.repeat(43), message: 'Hallo' },
      headers: fromTourPage,
    });
    expect([unknown.status, codeOf(unknown)]).toEqual([410, 'REQUEST_INVALID']);

    const reg = await server.store.findRegistration('gartenweg-3', 'mia@example.org');
    await decide(server.deps, { registrationId: reg!.id, decision: 'deny', by: 'anna@mueller-immobilien.example' });
    const deny = (await server.store.outbox.list(500)).find(
      (m) => m.kind === 'deny' && m.recipient === 'mia@example.org',
    );
    const token = /#tour-gate-unlock=([A-Za-z0-9_-]+)/.exec(deny!.text_body)![1]!;
    const repeatPath = '/v1/tours/{tour}/repeat-requests';
    const repeatUrl = '/v1/tours/gartenweg-3/repeat-requests';
    const again = await call('post', repeatPath, repeatUrl, {
      body: { token, message: 'Bitte noch einmal.' },
      headers: fromTourPage,
    });
    expect(again.status).toBe(202);
    const twice = await call('post', repeatPath, repeatUrl, { body: { token }, headers: fromTourPage });
    expect([twice.status, codeOf(twice)]).toEqual([403, 'ACCESS_PENDING']);
  });

  it('access: holds with the token, not without', async () => {
    const path = '/v1/tours/{tour}/access';
    const ok = await call<AccessResponse>('get', path, '/v1/tours/musterstrasse-12/access', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(ok.body.valid).toBe(true);
    expect(codeOf(await call('get', path, '/v1/tours/musterstrasse-12/access'))).toBe('TOKEN_INVALID');
    const otherTour = await call('get', path, '/v1/tours/gartenweg-3/access', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(codeOf(otherTour)).toBe('TOKEN_INVALID');
  });

  it('embed: the viewer address with the token, not without', async () => {
    const path = '/v1/tours/{tour}/embed';
    const ok = await call<{ url: string }>('get', path, '/v1/tours/musterstrasse-12/embed', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(ok.body.url).toBe('https://viewer.example.net/t/1');
    expect(codeOf(await call('get', path, '/v1/tours/musterstrasse-12/embed'))).toBe('TOKEN_INVALID');
  });

  it('assets: by bearer or signed query; nothing without, nothing missing', async () => {
    const path = '/v1/tours/{tour}/assets/{file}';
    const file = '/v1/tours/musterstrasse-12/assets/rooms/schlafzimmer.jpg';
    const byHeader = await call('get', path, file, { headers: { authorization: `Bearer ${accessToken}` } });
    expect([byHeader.status, byHeader.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(byHeader.bytes.equals(JPEG)).toBe(true);
    expect((await call('get', path, `${file}?${assetQuery}`)).status).toBe(200);
    expect(codeOf(await call('get', path, file))).toBe('TOKEN_INVALID');
    const missing = await call('get', path, '/v1/tours/musterstrasse-12/assets/rooms/keller.jpg', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it('assets: HEAD, Range (206, 416), If-Range, If-None-Match and If-Modified-Since (304), as documented', async () => {
    const path = '/v1/tours/{tour}/assets/{file}';
    const file = '/v1/tours/musterstrasse-12/assets/rooms/schlafzimmer.jpg';
    const auth = { authorization: `Bearer ${accessToken}` };
    const whole = await call('get', path, file, { headers: auth });
    const etag = whole.headers.get('etag')!;
    const lastModified = whole.headers.get('last-modified')!;
    expect([whole.headers.get('content-length'), whole.headers.get('accept-ranges')]).toEqual(['10', 'bytes']);
    const get = (headers: Record<string, string>) => call('get', path, file, { headers: { ...auth, ...headers } });
    const head = (headers: Record<string, string>) => call('head', path, file, { headers: { ...auth, ...headers } });

    // One range → 206 with the bytes it names; an open and a suffix range.
    const part = await get({ range: 'bytes=2-5' });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([
      206,
      'bytes 2-5/10',
      '4',
    ]);
    expect(part.bytes.equals(JPEG.subarray(2, 6))).toBe(true);
    const tail = await get({ range: 'bytes=-3' });
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, 'bytes 7-9/10']);
    expect(tail.bytes.equals(JPEG.subarray(7))).toBe(true);
    expect((await get({ range: 'bytes=8-99' })).headers.get('content-range')).toBe('bytes 8-9/10');
    // Past the end → 416 with the size, no body.
    const past = await get({ range: 'bytes=10-' });
    expect([past.status, past.headers.get('content-range'), past.headers.get('content-length')]).toEqual([
      416,
      'bytes */10',
      '0',
    ]);
    expect(past.bytes.length).toBe(0);
    expect((await get({ range: 'bytes=-0' })).status).toBe(416);
    // Ignored as documented: several ranges, an end before the start, another unit → the whole file.
    for (const range of ['bytes=0-1,4-5', 'bytes=5-2', 'items=0-1']) {
      const ignored = await get({ range });
      expect([range, ignored.status, ignored.headers.get('content-range')]).toEqual([range, 200, null]);
      expect(ignored.bytes.equals(JPEG)).toBe(true);
    }
    // If-Range: the current ETag or Last-Modified keeps the range; another version, or a weak tag, gets the whole file.
    expect((await get({ range: 'bytes=0-1', 'if-range': etag })).status).toBe(206);
    expect((await get({ range: 'bytes=0-1', 'if-range': lastModified })).status).toBe(206);
    expect((await get({ range: 'bytes=0-1', 'if-range': '"0-0"' })).status).toBe(200);
    expect((await get({ range: 'bytes=0-1', 'if-range': `W/${etag}` })).status).toBe(200);

    // 304: If-None-Match (weak comparison, a list), or If-Modified-Since; before any range.
    const revalidations: Record<string, string>[] = [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-modified-since': lastModified },
      { 'if-none-match': etag, range: 'bytes=10-' },
    ];
    for (const headers of revalidations) {
      const same = await get(headers);
      expect([same.status, same.headers.get('etag'), same.bytes.length]).toEqual([304, etag, 0]);
    }
    // If-None-Match, when sent, decides alone: a stale tag with a current date is a 200.
    expect((await get({ 'if-none-match': '"other"', 'if-modified-since': lastModified })).status).toBe(200);
    expect((await get({ 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).status).toBe(
      200,
    );
    // No access, no 304.
    const stranger = await call('get', path, file, { headers: { 'if-none-match': etag } });
    expect([stranger.status, codeOf(stranger)]).toEqual([401, 'TOKEN_INVALID']);

    // HEAD: the GET's status and headers, no body; by bearer or signed query.
    const headWhole = await head({});
    expect([headWhole.status, headWhole.bytes.length]).toEqual([200, 0]);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'accept-ranges', 'cache-control'])
      expect([name, headWhole.headers.get(name)]).toEqual([name, whole.headers.get(name)]);
    expect((await call('head', path, `${file}?${assetQuery}`)).status).toBe(200);
    const headPart = await head({ range: 'bytes=2-5' });
    expect([headPart.status, headPart.headers.get('content-range'), headPart.headers.get('content-length')]).toEqual([
      206,
      'bytes 2-5/10',
      '4',
    ]);
    expect(headPart.bytes.length).toBe(0);
    expect((await head({ 'if-none-match': etag })).status).toBe(304);
    const headPast = await head({ range: 'bytes=10-' });
    expect([headPast.status, headPast.headers.get('content-range')]).toEqual([416, 'bytes */10']);
    expect((await call('head', path, file)).status).toBe(401);
    const headMissing = await call('head', path, '/v1/tours/musterstrasse-12/assets/rooms/keller.jpg', {
      headers: auth,
    });
    expect([headMissing.status, headMissing.bytes.length]).toEqual([404, 0]);
  });

  it('events: counted, an empty batch refused', async () => {
    const path = '/v1/tours/{tour}/events';
    const url = '/v1/tours/musterstrasse-12/events';
    const ok = await call('post', path, url, {
      body: { events: [{ type: 'locked-click', viewpoint: 'bad' }, { type: 'mask-shown' }] },
      headers: fromTourPage,
    });
    expect(ok.status).toBe(204);
    expect(codeOf(await call('post', path, url, { body: { events: [] } }))).toBe('VALIDATION_FAILED');
  });

  let brokerKey = '';
  let brokerKeyId = '';

  it('admin brokers: list, read, create, replace, keys', async () => {
    const list = await call<AdminBrokerList>('get', '/v1/admin/brokers', '/v1/admin/brokers', { headers: platform });
    expect(list.body.brokers.map((b) => b.id)).toEqual(['mueller', 'schmidt']);
    const anonymous = await call('get', '/v1/admin/brokers', '/v1/admin/brokers');
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'UNAUTHORIZED']);

    const weber = { id: 'weber', name: 'Eva Weber', email: 'eva@weber.example' };
    const created = await call<AdminBroker>('post', '/v1/admin/brokers', '/v1/admin/brokers', {
      body: weber,
      headers: platform,
    });
    expect([created.status, created.body.locale]).toEqual([201, 'de']);
    expect(
      codeOf(await call('post', '/v1/admin/brokers', '/v1/admin/brokers', { body: weber, headers: platform })),
    ).toBe('CONFLICT');
    const bad = await call('post', '/v1/admin/brokers', '/v1/admin/brokers', {
      body: { id: 'Bad Id', name: '', email: 'x' },
      headers: platform,
    });
    expect([bad.status, codeOf(bad)]).toEqual([422, 'VALIDATION_FAILED']);

    const one = '/v1/admin/brokers/{id}';
    expect((await call<AdminBroker>('get', one, '/v1/admin/brokers/weber', { headers: platform })).body.id).toBe(
      'weber',
    );
    expect(codeOf(await call('get', one, '/v1/admin/brokers/nobody', { headers: platform }))).toBe('NOT_FOUND');
    const put = { name: 'Tom Krause', email: 'tom@krause.example', locale: 'en' };
    expect((await call('put', one, '/v1/admin/brokers/krause', { body: put, headers: platform })).status).toBe(201);
    expect((await call('put', one, '/v1/admin/brokers/krause', { body: put, headers: platform })).status).toBe(200);
    const fromFile = await call('put', one, '/v1/admin/brokers/mueller', { body: put, headers: platform });
    expect(codeOf(fromFile)).toBe('CONFLICT');

    const keys = '/v1/admin/brokers/{id}/keys';
    const key = await call<BrokerKey>('post', keys, '/v1/admin/brokers/weber/keys', {
      body: { label: 'CRM' },
      headers: platform,
    });
    expect(key.status).toBe(201);
    brokerKey = key.body.key;
    brokerKeyId = key.body.id;
    expect((await call('post', keys, '/v1/admin/brokers/krause/keys', { headers: platform })).status).toBe(201);
    expect(codeOf(await call('post', keys, '/v1/admin/brokers/nobody/keys', { headers: platform }))).toBe('NOT_FOUND');

    const asBroker = { authorization: `Bearer ${brokerKey}` };
    const forbidden = await call('post', '/v1/admin/brokers', '/v1/admin/brokers', {
      body: { id: 'x', name: 'X', email: 'x@x.example' },
      headers: asBroker,
    });
    expect([forbidden.status, codeOf(forbidden)]).toEqual([403, 'FORBIDDEN']);
  });

  const newTour = (id: string, broker: string) => ({
    id,
    broker,
    title: `Neue Wohnung ${id}`,
    pageUrl: `${TOUR_ORIGIN}/${id}`,
    mode: 'manual',
    consent: { privacyUrl: 'https://weber.example/datenschutz' },
  });

  it('admin tours: list, read, create, replace, stats, leads', async () => {
    const all = await call<AdminTourList>('get', '/v1/admin/tours', '/v1/admin/tours', { headers: platform });
    expect(all.body.tours.length).toBe(3);
    expect(
      codeOf(await call('get', '/v1/admin/tours', '/v1/admin/tours', { headers: { authorization: 'Bearer x' } })),
    ).toBe('UNAUTHORIZED');

    const create = (body: unknown, headers = platform) =>
      call<AdminTour>('post', '/v1/admin/tours', '/v1/admin/tours', { body, headers });
    const created = await create(newTour('weber-1', 'weber'));
    expect([created.status, created.body.source]).toEqual([201, 'api']);
    expect(codeOf(await create(newTour('weber-1', 'weber')))).toBe('CONFLICT');
    expect(codeOf(await create({ id: 'weber-2' }))).toBe('VALIDATION_FAILED');
    const othersTour = await create(newTour('weber-3', 'mueller'), { authorization: `Bearer ${brokerKey}` });
    expect(codeOf(othersTour)).toBe('FORBIDDEN');

    const one = '/v1/admin/tours/{id}';
    expect((await call<AdminTour>('get', one, '/v1/admin/tours/weber-1', { headers: platform })).body.mode).toBe(
      'manual',
    );
    expect(codeOf(await call('get', one, '/v1/admin/tours/nothing', { headers: platform }))).toBe('TOUR_NOT_FOUND');
    const { id: _, ...withoutId } = newTour('weber-4', 'weber');
    expect((await call('put', one, '/v1/admin/tours/weber-4', { body: withoutId, headers: platform })).status).toBe(
      201,
    );
    expect((await call('put', one, '/v1/admin/tours/weber-4', { body: withoutId, headers: platform })).status).toBe(
      200,
    );
    const fromFile = await call('put', one, '/v1/admin/tours/gartenweg-3', { body: withoutId, headers: platform });
    expect(codeOf(fromFile)).toBe('CONFLICT');

    const stats = '/v1/admin/tours/{id}/stats';
    const numbers = await call<TourStatsAnswer>(
      'get',
      stats,
      '/v1/admin/tours/musterstrasse-12/stats?from=2026-01-01&to=2026-12-31',
      {
        headers: platform,
      },
    );
    expect(numbers.body.status.total).toBeGreaterThan(0);
    expect(
      codeOf(await call('get', stats, '/v1/admin/tours/musterstrasse-12/stats?from=yesterday', { headers: platform })),
    ).toBe('VALIDATION_FAILED');

    const leads = '/v1/admin/tours/{id}/leads';
    const json = await call<LeadExport>('get', leads, '/v1/admin/tours/musterstrasse-12/leads?status=released', {
      headers: platform,
    });
    expect(json.body.map((l) => l.fields.email)).toEqual(['erika@example.org']);
    const csv = await call('get', leads, '/v1/admin/tours/gartenweg-3/leads?format=csv&separator=%3B', {
      headers: platform,
    });
    expect(String(csv.body)).toContain('max@example.org');
    expect(
      codeOf(await call('get', leads, '/v1/admin/tours/gartenweg-3/leads?format=xml', { headers: platform })),
    ).toBe('VALIDATION_FAILED');
  });

  it('admin webhooks: add, list, read, change, rotate, retire, test, deliveries, resend, delete', async () => {
    server.deps.env.webhooksAllowPrivate = true;
    const list = '/v1/admin/brokers/{id}/webhooks';
    const one = '/v1/admin/brokers/{id}/webhooks/{hook}';
    const body = { url: 'http://127.0.0.1:9/hook', events: ['lead.registered', 'lead.granted'], tour: 'gartenweg-3' };
    const made = await call<WebhookWithSecret>('post', list, '/v1/admin/brokers/mueller/webhooks', {
      body,
      headers: platform,
    });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    const hook = made.body.id;
    const bad = await call('post', list, '/v1/admin/brokers/mueller/webhooks', {
      body: { url: 'ftp://example.org/x', events: [] },
      headers: platform,
    });
    expect(codeOf(bad)).toBe('VALIDATION_FAILED');
    expect(codeOf(await call('post', list, '/v1/admin/brokers/nobody/webhooks', { body, headers: platform }))).toBe(
      'NOT_FOUND',
    );
    const listed = await call<{ webhooks: unknown[] }>('get', list, '/v1/admin/brokers/mueller/webhooks', {
      headers: platform,
    });
    expect(listed.body.webhooks).toHaveLength(1);
    expect(codeOf(await call('get', list, '/v1/admin/brokers/nobody/webhooks', { headers: platform }))).toBe(
      'NOT_FOUND',
    );
    const url = `/v1/admin/brokers/mueller/webhooks/${hook}`;
    expect((await call('get', one, url, { headers: platform })).status).toBe(200);
    expect(codeOf(await call('get', one, '/v1/admin/brokers/mueller/webhooks/wh_nope', { headers: platform }))).toBe(
      'NOT_FOUND',
    );
    // Another broker's key does not reach mueller's hooks.
    const asWeber = { authorization: `Bearer ${brokerKey}` };
    expect(codeOf(await call('get', one, url, { headers: asWeber }))).toBe('NOT_FOUND');
    const changed = await call('put', one, url, { body: { ...body, tour: null }, headers: platform });
    expect(changed.status).toBe(200);
    expect(codeOf(await call('put', one, url, { body: { ...body, tour: 'captcha-tour' }, headers: platform }))).toBe(
      'VALIDATION_FAILED',
    );
    const rotate = '/v1/admin/brokers/{id}/webhooks/{hook}/rotate-secret';
    const rotated = await call<WebhookWithSecret>('post', rotate, `${url}/rotate-secret`, { headers: platform });
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect(rotated.body.previousSecretUntil).not.toBeNull();
    expect(codeOf(await call('post', rotate, `${url}x/rotate-secret`, { headers: platform }))).toBe('NOT_FOUND');
    const retire = '/v1/admin/brokers/{id}/webhooks/{hook}/retire-secret';
    const retired = await call<{ previousSecretUntil: string | null }>('post', retire, `${url}/retire-secret`, {
      headers: platform,
    });
    expect(retired.body.previousSecretUntil).toBeNull();
    expect(codeOf(await call('post', retire, `${url}x/retire-secret`, { headers: platform }))).toBe('NOT_FOUND');
    const test = '/v1/admin/brokers/{id}/webhooks/{hook}/test';
    const queued = await call<{ id: string; status: string }>('post', test, `${url}/test`, { headers: platform });
    expect([queued.status, queued.body.status]).toEqual([202, 'queued']);
    expect(codeOf(await call('post', test, `${url}x/test`, { headers: platform }))).toBe('NOT_FOUND');
    const deliveries = '/v1/admin/brokers/{id}/webhooks/{hook}/deliveries';
    const seenDeliveries = await call<{ deliveries: { id: string }[] }>('get', deliveries, `${url}/deliveries`, {
      headers: platform,
    });
    expect(seenDeliveries.body.deliveries.map((d) => d.id)).toEqual([queued.body.id]);
    expect(codeOf(await call('get', deliveries, `${url}x/deliveries`, { headers: platform }))).toBe('NOT_FOUND');
    const resend = '/v1/admin/brokers/{id}/webhooks/{hook}/deliveries/{delivery}/resend';
    const still = await call('post', resend, `${url}/deliveries/${queued.body.id}/resend`, { headers: platform });
    expect(codeOf(still)).toBe('CONFLICT');
    await server.store.webhooks.markFailed(queued.body.id, 500, 'http-500');
    const again = await call<{ id: string }>('post', resend, `${url}/deliveries/${queued.body.id}/resend`, {
      headers: platform,
    });
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(queued.body.id);
    expect(codeOf(await call('post', resend, `${url}/deliveries/msg_nope/resend`, { headers: platform }))).toBe(
      'NOT_FOUND',
    );
    expect((await call('delete', one, url, { headers: platform })).status).toBe(204);
    expect(codeOf(await call('delete', one, url, { headers: platform }))).toBe('NOT_FOUND');
  });

  it('admin keys: revoked once', async () => {
    const path = '/v1/admin/keys/{id}';
    expect((await call('delete', path, `/v1/admin/keys/${brokerKeyId}`, { headers: platform })).status).toBe(204);
    expect(codeOf(await call('delete', path, `/v1/admin/keys/${brokerKeyId}`, { headers: platform }))).toBe(
      'NOT_FOUND',
    );
    const revoked = await call('get', '/v1/admin/tours', '/v1/admin/tours', {
      headers: { authorization: `Bearer ${brokerKey}` },
    });
    expect(codeOf(revoked)).toBe('UNAUTHORIZED');
  });

  it('every documented operation was exercised with a success and, where it has any, an error', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        const hit = (s: string) => seen.has(`${method} ${path} ${s}`);
        if (!statuses.some((s) => s < '400' && hit(s))) missing.push(`${method} ${path}: no success`);
        const clientErrors = statuses.filter((s) => s >= '400' && s < '500');
        if (clientErrors.length && !clientErrors.some(hit)) missing.push(`${method} ${path}: no error`);
      }
    }
    expect(missing).toEqual([]);
  });
});
