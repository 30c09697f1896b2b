/**
 * The HTTP server's own limits and manners: a slow body or slow headers are cut at their
 * deadline, connections are capped, a client that goes away is one log line (not an error with a
 * stack), `/metrics` answers in the Prometheus format behind its key or on its own port, and
 * `close()` answers the request under way, refuses new ones and releases the outbox.
 */
import { connect, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import type { Logger } from '../src/util/logger.ts';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { waitForCondition } from './outbox-wait.ts';

const METRICS_KEY = 'metrics-key-0123456789abcdef0123456789abcdef';

interface Line {
  level: string;
  msg: string;
  extra?: object;
}
function capture(server: TestServer): Line[] {
  const lines: Line[] = [];
  const log: Logger = {
    info: (msg, extra) => lines.push({ level: 'info', msg, ...(extra ? { extra } : {}) }),
    warn: (msg, extra) => lines.push({ level: 'warn', msg, ...(extra ? { extra } : {}) }),
    error: (msg, extra) => lines.push({ level: 'error', msg, ...(extra ? { extra } : {}) }),
  };
  server.deps.log = log;
  return lines;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with what the server sent once it closed the connection. */
function closed(s: Socket): Promise<string> {
  let data = '';
  s.on('data', (d) => {
    data += d.toString();
  });
  return new Promise((resolve) => {
    s.on('close', () => resolve(data));
    s.on('error', () => {});
  });
}

const body = JSON.stringify(registration('slow@example.org'));
const head = (length: number) =>
  `POST /v1/tours/musterstrasse-12/registrations HTTP/1.1\r\nHost: gate.test\r\nOrigin: ${TOUR_ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

forEachBackend('HTTP limits', (backend) => {
  it('a body sent a byte at a time is cut at the request deadline', async () => {
    const server = await backend.start({ startWorker: false });
    server.deps.env.http = { headersTimeoutMs: 1_000, requestTimeoutMs: 1_500, maxConnections: 100 };
    const port = await server.listen(0, '127.0.0.1');
    const s = await open(port);
    const done = closed(s);
    const started = Date.now();
    s.write(head(body.length));
    let i = 0;
    const drip = setInterval(() => {
      if (!s.destroyed && i < body.length) s.write(body[i++]!);
    }, 100);
    const answer = await done;
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(i).toBeLessThan(body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('headers that never end are cut at the headers deadline', async () => {
    const server = await backend.start({ startWorker: false });
    server.deps.env.http = { headersTimeoutMs: 500, requestTimeoutMs: 5_000, maxConnections: 100 };
    const port = await server.listen(0, '127.0.0.1');
    const s = await open(port);
    const done = closed(s);
    const started = Date.now();
    s.write('GET /healthz HTTP/1.1\r\nHost: gate.test\r\n');
    await done;
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('connections past the cap are refused', async () => {
    const server = await backend.start({ startWorker: false });
    server.deps.env.http = { headersTimeoutMs: 5_000, requestTimeoutMs: 5_000, maxConnections: 2 };
    const port = await server.listen(0, '127.0.0.1');
    const held = [await open(port), await open(port)];
    const third = await open(port);
    await closed(third); // closed by the server at once
    for (const s of held) s.destroy();
  });

  it('a client that goes away mid-body: one info line, no error, no stack', async () => {
    const server = await backend.start({ startWorker: false });
    const lines = capture(server);
    const port = await server.listen(0, '127.0.0.1');
    const s = await open(port);
    s.write(head(body.length) + body.slice(0, 20));
    await waitForCondition(() => server.deps.metrics !== undefined, 'server ready');
    await new Promise((r) => setTimeout(r, 50)); // the request is in the handler
    s.destroy();
    await waitForCondition(() => lines.length > 0, 'a log line');
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'client aborted the request' });
    expect(JSON.stringify(lines[0])).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('/metrics: Prometheus text behind its bearer key; route patterns, never a token', async () => {
    const server = await backend.start({ startWorker: false });
    expect((await server.get('/metrics')).status).toBe(404); // no key set: not served
    server.deps.env.metricsKey = METRICS_KEY;
    expect((await server.get('/metrics')).status).toBe(401);
    expect((await server.get('/metrics', { authorization: 'Bearer wrong-key' })).status).toBe(401);
    await server.post('/v1/tours/musterstrasse-12/registrations', registration('m@example.org'), {
      origin: TOUR_ORIGIN,
    });
    await server.get('/review/secret-token-in-the-path');
    const res = await server.get('/metrics', { authorization: `Bearer ${METRICS_KEY}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /tour_gate_http_requests_total\{method="POST",route="\/v1\/tours\/:tour\/registrations",status="202"\} 1/,
    );
    expect(text).toMatch(/tour_gate_http_request_duration_seconds_bucket\{.*le="0.1"/);
    expect(text).toMatch(/route="\/review\/:token"/);
    expect(text).not.toContain('secret-token-in-the-path');
    expect(text).toMatch(/^tour_gate_outbox_queued 1$/m);
    expect(text).toMatch(/^tour_gate_outbox_oldest_due_seconds 0$/m);
    server.clock.advance(90_000);
    const later = await (await server.get('/metrics', { authorization: `Bearer ${METRICS_KEY}` })).text();
    expect(later).toMatch(/^tour_gate_outbox_oldest_due_seconds 90$/m);
    expect(later).toContain('tour_gate_mail_deliveries_total');
    expect(later).toContain('tour_gate_rate_limited_total');
    expect(later).toContain('tour_gate_database_errors_total');
  });

  it('/metrics on a port of its own (GATE_METRICS_PORT), loopback, without a key', async () => {
    const server = await backend.start({ startWorker: false });
    server.deps.env.metricsPort = 0;
    await server.listen(0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${server.metricsPort()}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('tour_gate_outbox_queued');
  });

  it('close(): the request under way is answered, new connections refused, the store closed after', async () => {
    const server = await backend.start({ startWorker: false });
    const port = await server.listen(0, '127.0.0.1');
    const s = await open(port);
    const answer = closed(s);
    s.write(head(body.length) + body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    s.write(body.slice(10));
    expect(await answer).toMatch(/^HTTP\/1\.1 202[\s\S]*Connection: close/i);
    await closing;
  });
});
