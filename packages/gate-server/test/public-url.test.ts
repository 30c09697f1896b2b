/**
 * The connection-time address check of webhook deliveries (DNS rebinding): a name that
 * resolves to a private address is refused where the connection is made, whatever a check
 * before the try saw. Pure network code: no database, so no backends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publicOnlyDispatcher, publicOnlyLookup } from '../src/security/public-url.ts';
import { createHttpClient, HttpClientError } from '../src/util/http-client.ts';

let server: Server;
let port: number;
let hits = 0;
beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('the lookup refuses a name that resolves to a loopback address', async () => {
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
    publicOnlyLookup('localhost', {}, (e) => resolve(e)),
  );
  expect(err?.code).toBe('EPRIVATE');
});

it('a client on the checked pool reaches nothing on a private address; without it, it does', async () => {
  const url = `http://localhost:${port}/hook`;
  const open = createHttpClient({ timeoutMs: 2000 });
  expect((await open.send(url)).status).toBe(200);
  expect(hits).toBe(1);

  const checked = createHttpClient({ timeoutMs: 2000, dispatcher: publicOnlyDispatcher() });
  const refused = await checked.send(url, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(HttpClientError);
  expect((refused as HttpClientError).code).toBe('network');
  expect(hits).toBe(1);
});
