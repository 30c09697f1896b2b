/**
 * The document's own consistency, without a server: references resolve, the closed lists are
 * the ones of `errors.ts`, each error answer carries only codes of its status, path templates
 * and parameters agree. `packages/gate-server/test/openapi.test.ts` holds live answers to it.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, ERROR_CODES, type ErrorCode, FIELD_ERROR_CODES } from './errors.ts';
import { OPERATIONS, openApiDocument } from './openapi.ts';

type Node = Record<string, unknown>;
const doc = openApiDocument() as Node & {
  paths: Record<string, Record<string, Node & { parameters?: Node[]; responses: Record<string, Node> }>>;
  components: { schemas: Record<string, Node> };
};

/** Every object in the tree with its JSON Pointer. */
function* walk(value: unknown, pointer = ''): Generator<[string, Node]> {
  if (value === null || typeof value !== 'object') return;
  if (!Array.isArray(value)) yield [pointer, value as Node];
  for (const [k, v] of Object.entries(value))
    yield* walk(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
}

function resolve(ref: string): unknown {
  expect(ref.startsWith('#/'), `${ref} is local`).toBe(true);
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    at = at !== null && typeof at === 'object' ? (at as Node)[key] : undefined;
  }
  return at;
}

const errorSchemaOf = (reply: Node) =>
  (reply.content as Record<string, { schema: Node }>)['application/json']?.schema as {
    properties: {
      error: { properties: { code: { enum: string[] }; fields: { additionalProperties: { enum: string[] } } } };
    };
  };

describe('openApiDocument', () => {
  it('resolves every reference, and keeps no standalone-schema keywords inside', () => {
    let refs = 0;
    for (const [pointer, node] of walk(doc)) {
      if (typeof node.$ref === 'string') {
        refs++;
        expect(resolve(node.$ref), `${pointer}: ${node.$ref}`).toBeTypeOf('object');
      }
      // A nested `$id` would rebase the references below it, and `$defs` refs point at a root
      // that is not the document's.
      for (const key of ['$id', '$schema', '$defs']) expect(node, pointer).not.toHaveProperty(key);
    }
    expect(refs).toBeGreaterThan(20);
  });

  it('spells out the closed lists of errors.ts', () => {
    const body = errorSchemaOf({ content: { 'application/json': { schema: doc.components.schemas.ErrorBody } } });
    expect(body.properties.error.properties.code.enum).toEqual(ERROR_CODE_LIST);
    expect(body.properties.error.properties.fields.additionalProperties.enum).toEqual([...FIELD_ERROR_CODES]);
  });

  it('answers each error status only with codes of that status, INTERNAL everywhere', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const errorStatuses = Object.keys(op.responses).filter((s) => Number(s) >= 400);
        expect(errorStatuses, `${method} ${path}`).toContain('500');
        for (const status of errorStatuses) {
          const reply = op.responses[status] as Node;
          // `HEAD` has no body to name a code in; the asset's `416` is a reply of its own, no error code's.
          if (!reply.content) {
            const codeStatus = ERROR_CODE_LIST.some((c) => ERROR_CODES[c].status === Number(status));
            expect(method === 'head' || !codeStatus, `${method} ${path} ${status} without a body`).toBe(true);
            continue;
          }
          const codes = errorSchemaOf(reply).properties.error.properties.code.enum;
          expect(codes.length).toBeGreaterThan(0);
          for (const code of codes)
            expect(ERROR_CODES[code as ErrorCode].status, `${method} ${path} ${code}`).toBe(Number(status));
        }
      }
    }
    const admin = doc.paths['/v1/admin/tours']?.get?.responses['401'] as Node;
    expect(errorSchemaOf(admin).properties.error.properties.code.enum).toEqual(['UNAUTHORIZED']);
    expect(admin.headers).toHaveProperty('WWW-Authenticate');
    const limited = doc.paths['/v1/tours/{tour}/registrations']?.post?.responses['429'] as Node;
    expect(limited.headers).toHaveProperty('Retry-After');
  });

  it('declares each path template variable as a required path parameter, and no other', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(names);
        for (const p of declared) expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
      }
    }
    const ids = OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents the asset files as served: GET and HEAD, conditional and range requests, 200/206/304/416', () => {
    const ops = doc.paths['/v1/tours/{tour}/assets/{file}'] as Record<
      string,
      Node & { responses: Record<string, Node> }
    >;
    const get = ops.get!;
    const head = ops.head!;
    expect([get.operationId, head.operationId]).toEqual(['getAsset', 'headAsset']);
    expect(head.parameters).toEqual(get.parameters);
    const headerParams = (get.parameters as Node[]).filter((p) => p.in === 'header').map((p) => p.name);
    expect(headerParams.sort()).toEqual(['If-Modified-Since', 'If-None-Match', 'If-Range', 'Range']);
    expect(Object.keys(get.responses)).toEqual(['200', '206', '304', '401', '403', '404', '416', '500', '503']);
    expect(Object.keys(head.responses)).toEqual(Object.keys(get.responses));
    const headerNames = (reply: Node | undefined) => Object.keys((reply?.headers ?? {}) as Node).sort();
    const required = (reply: Node | undefined) =>
      Object.entries((reply?.headers ?? {}) as Record<string, Node>)
        .filter(([, h]) => h.required)
        .map(([name]) => name)
        .sort();
    const file = [
      'Accept-Ranges',
      'Cache-Control',
      'Content-Length',
      'Cross-Origin-Resource-Policy',
      'ETag',
      'Last-Modified',
    ];
    for (const op of [get, head]) {
      expect(required(op.responses['200'])).toEqual(file);
      expect(required(op.responses['206'])).toEqual([...file, 'Content-Range'].sort());
      expect(required(op.responses['416'])).toEqual([...file, 'Content-Range'].sort());
      const notModified = ['Cache-Control', 'Cross-Origin-Resource-Policy', 'ETag', 'Last-Modified'];
      expect(required(op.responses['304'])).toEqual(notModified);
      expect(headerNames(op.responses['304'])).toEqual(notModified);
      for (const s of ['304', '416']) expect(op.responses[s], `${s} has no body`).not.toHaveProperty('content');
    }
    expect(Object.keys(get.responses['206']?.content as Node)).toEqual(
      Object.keys(get.responses['200']?.content as Node),
    );
    // HEAD: no body in any answer, its errors included.
    for (const [status, reply] of Object.entries(head.responses)) expect(reply, status).not.toHaveProperty('content');
  });

  it('reads request bodies as zod input and answers as output', () => {
    // `locale` has a default: a client may leave it out, and the server always sends it back.
    expect(doc.components.schemas.BrokerConfigInput?.required).not.toContain('locale');
    expect(doc.components.schemas.BrokerConfig?.required).toContain('locale');
    // The path's id wins on PUT, so the body need not carry one.
    expect(doc.components.schemas.TourConfigInput?.required).toContain('id');
    expect(doc.components.schemas.TourReplaceInput?.required).not.toContain('id');
  });

  it('is the same document every time it is built (its ETag is stable)', () => {
    expect(JSON.stringify(openApiDocument())).toBe(JSON.stringify(doc));
  });

  it('names the server only when told', () => {
    expect(doc).not.toHaveProperty('servers');
    expect(openApiDocument({ serverUrl: 'https://gate.example.com' }).servers).toEqual([
      { url: 'https://gate.example.com' },
    ]);
  });
});
