/** `GET /v1/openapi.json`: the OpenAPI 3.1 description of `/v1`, generated from the shared zod schemas. */
import { createHash } from 'node:crypto';
import { openApiDocument } from '@tour-gate/shared/openapi';
import { Hono } from 'hono';
import type { GateEnv } from '../context.ts';

// Built when the server starts, not per request: converting every schema takes milliseconds,
// and the document only changes with the code.
const body = JSON.stringify(openApiDocument());
const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

export const openApiRoutes = new Hono<GateEnv>().get('/openapi.json', (c) => {
  // A public description: any page may read it, and any cache may keep it for a while.
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Cache-Control', 'public, max-age=300');
  c.header('ETag', etag);
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('Content-Type', 'application/json; charset=utf-8');
  return c.body(body);
});
