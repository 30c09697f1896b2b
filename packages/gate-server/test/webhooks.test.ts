/**
 * Webhooks end to end, on SQLite and PostgreSQL: a real HTTP receiver (node:http) verifies every
 * delivery with the `standardwebhooks` package; the receiver goes down, fails and comes back;
 * a receiver that hangs is cut off; redirects are not followed; private addresses are refused
 * unless allowed; `tour-gate forget` sends `lead.erased` without personal data. Backoff runs on
 * the test clock, not on real waiting.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GateError } from '@tour-gate/shared';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../src/core/decide.ts';
import { createWebhook, retireSecret, rotateSecret, sendTestEvent } from '../src/core/webhooks.ts';
import { forEachBackend } from './backends.ts';
import { registration, testConfig } from './fixtures.ts';
import { TestClock, type TestServer } from './harness.ts';
import { waitForCondition } from './outbox-wait.ts';
import { register, registrationId, visitor } from './seed.ts';
import { TestSmtp } from './smtp.ts';
import { type Received, TestReceiver } from './webhook-receiver.ts';

const HOUR = 3_600_000;
const BIN = fileURLToPath(new URL('../bin/tour-gate.js', import.meta.url));
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

interface Payload {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { id?: string };
}

const payloadOf = (r: Received) => JSON.parse(r.body) as Payload;
const headersOf = (r: Received) => ({
  'webhook-id': r.headers['webhook-id'] ?? '',
  'webhook-timestamp': r.headers['webhook-timestamp'] ?? '',
  'webhook-signature': r.headers['webhook-signature'] ?? '',
});
/** Verifies a received delivery with the receiver's copy of the secret (throws if it fails). */
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, headersOf(r)) as Payload;

/** Registers on the manual tour of another broker (schmidt, `captcha-tour`) and measures until its mail arrives. */
async function otherBrokersMailMs(server: TestServer, smtp: TestSmtp, email: string): Promise<number> {
  const start = Date.now();
  await register(server, 'captcha-tour', {
    ...registration(email),
    fields: { firstName: 'Jan', lastName: 'Other', email, postalCode: '12345' },
    consent: { privacy: true, marketing: false, version: '1' },
    captcha: 'ok',
  });
  await smtp.waitForMatch((m) => m.envelopeTo.includes(email), 10_000);
  return Date.now() - start;
}

forEachBackend('webhooks', (backend) => {
  let receiver: TestReceiver;
  let other: TestReceiver;
  let smtp: TestSmtp;

  beforeEach(async () => {
    receiver = new TestReceiver();
    other = new TestReceiver();
    smtp = new TestSmtp();
    await Promise.all([receiver.start(), other.start(), smtp.start()]);
  });
  afterEach(async () => {
    await Promise.all([receiver.stop(), other.stop(), smtp.stop()]);
  });

  it('a registration and a grant arrive in order, signed; a tampered body or an old timestamp fails', async () => {
    const server = await backend.start({ smtpUrl: smtp.url });
    const hook = await createWebhook(server.deps, 'mueller', {
      url: receiver.url,
      events: ['lead.registered', 'lead.granted'],
      tour: 'gartenweg-3',
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const email = 'grete.ueberall@example.org';
    await register(server, 'gartenweg-3', {
      ...registration(email),
      fields: { firstName: 'Grete', lastName: 'Über & <All>', email, postalCode: '50667', message: 'Hallo\nwelt' },
      consent: { privacy: true, marketing: false, version: '1' },
    });
    const id = await registrationId(server, 'gartenweg-3', email);
    await decide(server.deps, { registrationId: id, decision: 'grant', by: 'anna@mueller-immobilien.example' });
    // Not subscribed: the musterstrasse tour's registration (email release) is for another tour… it is
    // the same broker, but this hook is bound to gartenweg-3.
    await register(server, 'musterstrasse-12', registration('someone@example.org'));
    await receiver.waitUntil(() => receiver.received.length >= 2, 'two deliveries');
    await server.deps.webhooks.runOnce();

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received.map((r) => verify(hook.secret, r));
    expect([first?.type, second?.type]).toEqual(['lead.registered', 'lead.granted']);
    const data = second!.data as Record<string, unknown>;
    expect(data).toMatchObject({
      id,
      status: 'granted',
      tour: { id: 'gartenweg-3', title: 'Gartenweg 3' },
      email,
      fields: { firstName: 'Grete', lastName: 'Über & <All>', message: 'Hallo\nwelt', email },
      consent: { version: '1', privacy: true, marketing: false },
      url: `http://gate.test/dashboard/tours/gartenweg-3/leads/${id}`,
      displayLocale: 'de',
    });
    expect(data.display).toEqual(expect.arrayContaining([{ label: 'Nachname', value: 'Über & <All>' }]));
    expect(first!.data.status).toBe('pending');
    // Ids are the delivery's, the same on every try; each delivery its own.
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2);
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');

    const genuine = receiver.received[0]!;
    const tampered = { ...genuine, body: genuine.body.replace('Grete', 'Greta') };
    expect(() => verify(hook.secret, tampered)).toThrow(/signature/i);
    const old = {
      ...genuine,
      headers: { ...genuine.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 600) },
    };
    expect(() => verify(hook.secret, old)).toThrow(/too old/i);
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, genuine)).toThrow(/signature/i);

    const rows = await server.store.webhooks.deliveries('mueller', hook.id);
    expect(rows.map((r) => [r.event, r.status, r.last_status, Number(r.attempts)])).toEqual([
      ['lead.granted', 'delivered', 200, 1],
      ['lead.registered', 'delivered', 200, 1],
    ]);
  });

  it('during a secret rotation both secrets verify; after retiring (or 24 h) only the new one', async () => {
    const server = await backend.start({ smtpUrl: smtp.url });
    const hook = await createWebhook(server.deps, 'mueller', { url: receiver.url, events: ['lead.opened'] });
    const rotated = await rotateSecret(server.deps, 'mueller', hook.id);
    expect(rotated.secret).not.toBe(hook.secret);
    await sendTestEvent(server.deps, 'mueller', hook.id);
    await receiver.waitUntil(() => receiver.received.length >= 1, 'the test event');
    const during = receiver.received[0]!;
    expect(during.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verify(hook.secret, during).type).toBe('webhook.test');
    expect(verify(rotated.secret, during).type).toBe('webhook.test');

    await retireSecret(server.deps, 'mueller', hook.id);
    await sendTestEvent(server.deps, 'mueller', hook.id);
    await receiver.waitUntil(() => receiver.received.length >= 2, 'the second test event');
    const after = receiver.received[1]!;
    expect(verify(rotated.secret, after).type).toBe('webhook.test');
    expect(() => verify(hook.secret, after)).toThrow(/signature/i);

    // Not retired by hand: the old secret stops signing after 24 hours.
    const third = await rotateSecret(server.deps, 'mueller', hook.id);
    server.clock.advance(25 * HOUR);
    await sendTestEvent(server.deps, 'mueller', hook.id);
    await receiver.waitUntil(() => receiver.received.length >= 3, 'the third test event');
    const late = receiver.received[2]!;
    expect(late.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verify(third.secret, late).type).toBe('webhook.test');
  });

  it('receiver down, then 500, then back: every event arrives exactly once; other brokers’ mails are not delayed', async () => {
    const server = await backend.start({ smtpUrl: smtp.url, captcha: { verify: async () => {} } });
    const hook = await createWebhook(server.deps, 'mueller', {
      url: receiver.url,
      events: ['lead.registered', 'lead.released', 'lead.opened'],
    });
    const otherHook = await createWebhook(server.deps, 'schmidt', { url: other.url, events: ['lead.registered'] });
    const baseline = await otherBrokersMailMs(server, smtp, 'baseline@example.net');
    await other.waitUntil(() => other.received.length >= 1, "the other broker's hook");

    // Down.
    await receiver.stop();
    for (let i = 1; i <= 3; i++) await register(server, 'musterstrasse-12', visitor('musterstrasse-12', i));
    await waitForCondition(async () => {
      const rows = await server.store.webhooks.deliveries('mueller', hook.id);
      return rows.length === 6 && rows.every((r) => r.last_error !== null);
    }, 'every delivery tried once while the receiver is down');
    const whileDown = await otherBrokersMailMs(server, smtp, 'down@example.net');
    await other.waitUntil(() => other.received.length >= 2, "the other broker's hook while one is down");

    // Up, but failing.
    receiver.mode = 'fail';
    await receiver.start();
    server.clock.advance(HOUR);
    await server.deps.webhooks.runOnce();
    await receiver.waitUntil(() => receiver.received.length >= 6, 'six answers of 500');
    const whileFailing = await otherBrokersMailMs(server, smtp, 'failing@example.net');
    await other.waitUntil(() => other.received.length >= 3, "the other broker's hook while one fails");
    const failed = await server.store.webhooks.deliveries('mueller', hook.id);
    expect(failed.every((r) => r.status === 'queued' && r.last_status === 500 && r.last_error === 'http-500')).toBe(
      true,
    );

    // Back.
    receiver.mode = 'ok';
    server.clock.advance(HOUR);
    await server.deps.webhooks.runOnce();
    await receiver.waitUntil(() => receiver.received.filter((r) => r.answered === 200).length >= 6, 'six deliveries');
    // Much later, nothing is sent again.
    server.clock.advance(4 * 24 * HOUR);
    await server.deps.webhooks.runOnce();

    const ok = receiver.received.filter((r) => r.answered === 200);
    const ids = ok.map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    for (const r of ok) verify(hook.secret, r);
    expect(ok.map((r) => payloadOf(r).type).sort()).toEqual([
      'lead.registered',
      'lead.registered',
      'lead.registered',
      'lead.released',
      'lead.released',
      'lead.released',
    ]);
    // The same ids were tried before: a try keeps its delivery's id.
    const failedIds = new Set(receiver.received.filter((r) => r.answered === 500).map((r) => r.headers['webhook-id']));
    expect(failedIds).toEqual(new Set(ids));
    const rows = await server.store.webhooks.deliveries('mueller', hook.id);
    expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual(Array(6).fill(['delivered', 3]));
    expect(other.received.every((r) => verify(otherHook.secret, r))).toBe(true);

    console.info(
      `[webhooks ${backend.label}] other broker's mail: baseline ${baseline} ms, receiver down ${whileDown} ms, receiver failing ${whileFailing} ms`,
    );
    expect(whileDown).toBeLessThan(baseline + 1500);
    expect(whileFailing).toBeLessThan(baseline + 1500);
  });

  it('a receiver that never answers is cut off at the timeout and holds up nobody else', async () => {
    const server = await backend.start({
      smtpUrl: smtp.url,
      captcha: { verify: async () => {} },
      webhooks: { timeoutMs: 1500, pollMs: 100 },
    });
    receiver.mode = 'hang';
    const hook = await createWebhook(server.deps, 'mueller', { url: receiver.url, events: ['lead.registered'] });
    const otherHook = await createWebhook(server.deps, 'schmidt', { url: other.url, events: ['lead.registered'] });
    await register(server, 'musterstrasse-12', visitor('musterstrasse-12', 1));
    await register(server, 'musterstrasse-12', visitor('musterstrasse-12', 2));
    await receiver.waitUntil(() => receiver.received.length >= 1, 'the hanging request');
    const hung = receiver.received[0]!;
    const mailMs = await otherBrokersMailMs(server, smtp, 'hang@example.net');
    await other.waitUntil(() => other.received.length >= 1, "the other broker's hook");
    const otherMs = Date.now() - hung.at;
    // Meanwhile the first try still hangs: nothing of mueller's has ended.
    const during = await server.store.webhooks.deliveries('mueller', hook.id);
    expect(during.some((d) => d.last_error === 'timeout')).toBe(false);
    verify(otherHook.secret, other.received[0]!);

    await receiver.waitUntil(() => hung.closedAt !== undefined, 'the sender to give up');
    const cutMs = hung.closedAt! - hung.at;
    await waitForCondition(async () => {
      const rows = await server.store.webhooks.deliveries('mueller', hook.id);
      return rows.some((r) => r.last_error === 'timeout' && r.last_status === null && r.status === 'queued');
    }, 'the timeout recorded');
    // One request at a time per receiver: the second delivery waits for the first.
    expect(receiver.received.length).toBeLessThanOrEqual(2);
    console.info(
      `[webhooks ${backend.label}] hanging receiver: other broker's mail ${mailMs} ms, other hook ${otherMs} ms, cut off after ${cutMs} ms (timeout 1500 ms)`,
    );
    expect(cutMs).toBeGreaterThanOrEqual(1400);
    expect(cutMs).toBeLessThan(5000);
    expect(otherMs).toBeLessThan(1500);
  });

  it('a redirect is not followed', async () => {
    const server = await backend.start({ smtpUrl: smtp.url });
    receiver.mode = { redirect: other.url };
    const hook = await createWebhook(server.deps, 'mueller', { url: receiver.url, events: ['lead.registered'] });
    await register(server, 'musterstrasse-12', visitor('musterstrasse-12', 1));
    await receiver.waitUntil(() => receiver.received.length >= 1, 'the request');
    await server.deps.webhooks.runOnce();
    const [row] = await server.store.webhooks.deliveries('mueller', hook.id);
    expect([row?.status, row?.last_status, row?.last_error]).toEqual(['queued', 302, 'redirect']);
    expect(other.received).toHaveLength(0);
  });

  it('after tour-gate forget the receiver gets lead.erased and no personal data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tour-gate-webhooks-'));
    try {
      const configPath = join(dir, 'tour-gate.config.json');
      writeFileSync(configPath, JSON.stringify(testConfig()));
      const databaseUrl = await backend.database({ shared: true });
      // The command runs on the real clock, so the server does too.
      const server = await backend.start({ databaseUrl, smtpUrl: smtp.url, clock: TestClock.running() });
      const hook = await createWebhook(server.deps, 'mueller', {
        url: receiver.url,
        events: ['lead.registered', 'lead.erased'],
      });
      const v = visitor('musterstrasse-12', 7);
      await register(server, 'musterstrasse-12', v);
      const id = await registrationId(server, 'musterstrasse-12', v.fields.email);
      await receiver.waitUntil(() => receiver.received.length >= 1, 'lead.registered');

      const out = await promisify(execFile)(process.execPath, [BIN, 'forget', v.fields.email], {
        env: {
          ...process.env,
          GATE_DATABASE_URL: databaseUrl,
          GATE_CONFIG: configPath,
          GATE_SECRET: SECRET,
          NODE_ENV: 'development',
        },
      });
      expect(out.stdout).toMatch(/erased 1 registration/);
      server.deps.webhooks.nudge();
      await receiver.waitUntil(() => receiver.received.length >= 2, 'lead.erased');
      const erased = receiver.received[1]!;
      const payload = verify(hook.secret, erased);
      expect(payload).toEqual({
        type: 'lead.erased',
        timestamp: expect.any(String),
        data: { id, tour: { id: 'musterstrasse-12' } },
      });
      for (const personal of [v.fields.email, v.fields.firstName, v.fields.lastName, v.fields.phone, '50667']) {
        expect(erased.body).not.toContain(personal);
      }
      // The delivery that carried the data is gone from the database; the erasure's stays.
      const rows = await server.store.webhooks.deliveries('mueller', hook.id);
      expect(rows.map((r) => r.event)).toEqual(['lead.erased']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('webhook URLs', () => {
  forEachBackend('private addresses', (backend) => {
    it('are refused unless the operator allows them, and nothing is stored', async () => {
      const server = await backend.start({ webhooksAllowPrivate: false, startWorker: false });
      const refused = async (url: string) => {
        const err = await createWebhook(server.deps, 'mueller', { url, events: ['lead.registered'] }).catch((e) => e);
        expect(err, url).toBeInstanceOf(GateError);
        return { fields: (err as GateError).fields, message: (err as GateError).message };
      };
      expect(await refused('http://example.org/hook')).toEqual({
        fields: { url: 'invalid' },
        message: 'The webhook URL must use https.',
      });
      for (const url of [
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://[::1]/hook',
        'https://10.1.2.3/hook',
        'https://192.168.0.10/hook',
        'https://169.254.169.254/latest',
        'https://[::ffff:127.0.0.1]/hook',
      ]) {
        expect((await refused(url)).message, url).toMatch(/public address/);
      }
      expect((await refused('not a url')).fields).toEqual({ url: 'invalid' });
      expect(await server.store.webhooks.list('mueller')).toEqual([]);

      const allowed = await backend.start({ startWorker: false });
      const made = await createWebhook(allowed.deps, 'mueller', {
        url: 'http://127.0.0.1:9/hook',
        events: ['lead.registered'],
      });
      expect(made.url).toBe('http://127.0.0.1:9/hook');
    });
  });
});
