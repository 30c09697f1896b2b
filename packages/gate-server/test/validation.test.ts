/**
 * Bad input gets a clear 4xx with a stable code and leaves nothing behind; visitor data
 * never reaches a mail header and is escaped in the HTML part.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { countRows, dumpTables, type TestServer } from './harness.ts';
import { TestSmtp } from './smtp.ts';

const PATH = '/v1/tours/musterstrasse-12/registrations';

forEachBackend('registration input', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ startWorker: false });
  });
  afterAll(() => server.close());

  async function expectRefused(res: Response, status: number, code: string, fields?: Record<string, string>) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (fields) expect(body.error.fields).toEqual(fields);
    expect(await countRows(server, 'registrations')).toBe(0);
    expect(await countRows(server, 'outbox')).toBe(0);
    expect(await countRows(server, 'logbook')).toBe(0);
  }

  it('refuses a missing required field (the tour requires phone)', async () => {
    const body = registration();
    delete (body.fields as Record<string, unknown>).phone;
    await expectRefused(await server.post(PATH, body), 422, 'VALIDATION_FAILED', { phone: 'required' });
  });

  it('refuses a malformed email', async () => {
    await expectRefused(await server.post(PATH, registration('not-an-email')), 422, 'VALIDATION_FAILED', {
      email: 'invalid_email',
    });
  });

  it('refuses an unknown field, and a field the tour hides', async () => {
    await expectRefused(
      await server.post(PATH, registration(undefined, { shoeSize: '44' })),
      422,
      'VALIDATION_FAILED',
      {
        shoeSize: 'unknown',
      },
    );
    await expectRefused(
      await server.post(PATH, registration(undefined, { company: 'ACME' })),
      422,
      'VALIDATION_FAILED',
      {
        company: 'unknown',
      },
    );
  });

  it('refuses a bad postal code, an over-long value and a missing consent', async () => {
    await expectRefused(
      await server.post(PATH, registration(undefined, { postalCode: 'abc' })),
      422,
      'VALIDATION_FAILED',
      {
        postalCode: 'invalid_postal_code',
      },
    );
    await expectRefused(
      await server.post(PATH, registration(undefined, { budget: 'x'.repeat(41) })),
      422,
      'VALIDATION_FAILED',
      { budget: 'too_long' },
    );
    await expectRefused(
      await server.post(PATH, { ...registration(), consent: { privacy: false, version: '2026-01' } }),
      422,
      'VALIDATION_FAILED',
      { consent: 'consent_required' },
    );
  });

  it('refuses NUL and other control characters, even in a message, and in a viewpoint', async () => {
    await expectRefused(
      await server.post(PATH, registration(undefined, { message: 'hello\u0000world' })),
      422,
      'VALIDATION_FAILED',
      { message: 'invalid' },
    );
    await expectRefused(
      await server.post(PATH, { ...registration(), viewpoint: 'bad\u0000' }),
      422,
      'VALIDATION_FAILED',
      { viewpoint: 'invalid' },
    );
  });

  it('says "invalid", not "required", for a value of the wrong type', async () => {
    await expectRefused(
      await server.post(PATH, { ...registration(), consent: { privacy: 'yes', version: '2026-01' } }),
      422,
      'VALIDATION_FAILED',
      { 'consent.privacy': 'invalid' },
    );
  });

  it('cuts off a streamed body without Content-Length at the limit', async () => {
    const chunk = new TextEncoder().encode(`{"fields":{"message":"${'x'.repeat(8 * 1024)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await server.app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectRefused(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(sent).toBeLessThan(64);
  });

  it('refuses a CR/LF in a one-line field', async () => {
    await expectRefused(
      await server.post(PATH, registration(undefined, { lastName: 'Muster\r\nBcc: victim@example.org' })),
      422,
      'VALIDATION_FAILED',
      { lastName: 'invalid' },
    );
  });

  it('refuses an unknown tour', async () => {
    await expectRefused(
      await server.post('/v1/tours/no-such-tour/registrations', registration()),
      404,
      'TOUR_NOT_FOUND',
    );
    const gate = await server.get('/v1/tours/no-such-tour/gate');
    expect(gate.status).toBe(404);
    expect(((await gate.json()) as { error: { code: string } }).error.code).toBe('TOUR_NOT_FOUND');
  });

  it('refuses an oversized body, non-JSON, a wrong media type and a wrong shape', async () => {
    const huge = registration(undefined, { message: 'x'.repeat(40_000) });
    await expectRefused(await server.post(PATH, huge), 413, 'PAYLOAD_TOO_LARGE');
    await expectRefused(await server.post(PATH, '{"fields": '), 400, 'INVALID_JSON');
    await expectRefused(await server.post(PATH, '\xff\xfe'), 400, 'INVALID_JSON');
    await expectRefused(
      await server.app.request(PATH, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectRefused(await server.post(PATH, { fields: 'nope' }), 422, 'VALIDATION_FAILED');
    await expectRefused(await server.post(PATH, []), 422, 'VALIDATION_FAILED');
  });

  it('refuses a POST from an origin the tour does not allow, before reading anything', async () => {
    await expectRefused(
      await server.post(PATH, registration(), { origin: 'https://evil.example' }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    const preflight = await server.app.request(PATH, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await server.app.request(PATH, {
      method: 'OPTIONS',
      headers: { origin: TOUR_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
  });

  it('answers unknown paths and methods with codes, never a 500', async () => {
    const res = await server.get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const unlock = await server.post('/v1/unlock', { token: 42 });
    expect(unlock.status).toBe(422);
  });
});

forEachBackend('marketing consent', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ startWorker: false });
  });
  afterAll(() => server.close());

  // gartenweg-3 offers no marketing box (musterstrasse-12 does).
  const gartenweg = (marketing: boolean) => ({
    fields: { firstName: 'Erika', lastName: 'Mustermann', email: 'erika@example.org', postalCode: '50667' },
    consent: { privacy: true, marketing, version: '1' },
    locale: 'de',
  });

  it('refuses marketing consent for a tour without the marketing box, and writes nothing', async () => {
    const before = await dumpTables(server);
    const res = await server.post('/v1/tours/gartenweg-3/registrations', gartenweg(true));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields).toEqual({ marketing: 'unknown' });
    expect(await dumpTables(server)).toEqual(before);
    expect(await countRows(server, 'registrations')).toBe(0);
    expect(await countRows(server, 'outbox')).toBe(0);
    expect(await countRows(server, 'logbook')).toBe(0);

    // The same request without the box ticked goes through; marketing consent where the tour asks for it too.
    expect((await server.post('/v1/tours/gartenweg-3/registrations', gartenweg(false))).status).toBe(202);
    const ticked = {
      ...registration('marketing@example.org'),
      consent: { privacy: true, marketing: true, version: '2026-01' },
    };
    expect((await server.post(PATH, ticked)).status).toBe(202);
    const row = await server.store.findRegistration('musterstrasse-12', 'marketing@example.org');
    expect(row?.consent_marketing).toBe(1);
    expect(await server.store.findRegistration('gartenweg-3', 'erika@example.org')).toMatchObject({
      consent_marketing: 0,
    });
  });
});

forEachBackend('gate config', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({ startWorker: false });
  });
  afterAll(() => server.close());

  it('is public, cacheable with an ETag, and carries no secrets', async () => {
    const res = await server.get('/v1/tours/musterstrasse-12/gate', { origin: TOUR_ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('max-age=');
    expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const gate = (await res.json()) as Record<string, unknown> & { fields: { key: string; required: boolean }[] };
    expect(gate.mode).toBe('email');
    expect(gate.fields.map((f) => f.key)).toEqual([
      'salutation',
      'firstName',
      'lastName',
      'email',
      'phone',
      'postalCode',
      'city',
      'country',
      'message',
      'budget',
    ]);
    expect(gate.fields.find((f) => f.key === 'phone')?.required).toBe(true);
    expect(gate.viewpoints).toEqual({ protect: 'list', ids: ['schlafzimmer', 'bad'] });
    const again = await server.get('/v1/tours/musterstrasse-12/gate', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
  });
});

forEachBackend('visitor data in mails', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;
  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  it('never puts a name into a header and escapes it in the HTML part', async () => {
    const evil = '<script>alert(1)</script> & "Bob"';
    const res = await server.post(PATH, registration('bob@example.org', { firstName: evil }));
    expect(res.status).toBe(202);
    const [mail] = await smtp.waitFor(1);
    const headerBlock = mail!.raw.split(/\r?\n\r?\n/)[0]!;
    expect(headerBlock).not.toContain('script');
    expect(headerBlock).not.toContain('Bob');
    expect(mail!.parsed.html).not.toContain('<script>');
    expect(mail!.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;');
    expect(mail!.parsed.text).toContain(evil);
  });
});

forEachBackend('stored data', (backend) => {
  it('keeps the visitor data as sent (trimmed), with the email normalised', async () => {
    const server = await backend.start({ startWorker: false });
    await server.post(PATH, registration('  Erika@Example.ORG ', { firstName: '  Erika ' }));
    const { registrations } = await dumpTables(server);
    expect(registrations).toHaveLength(1);
    const row = registrations![0] as { email: string; fields: string };
    expect(row.email).toBe('erika@example.org');
    expect(JSON.parse(row.fields)).toMatchObject({ firstName: 'Erika', email: 'erika@example.org' });
  });
});

forEachBackend('a known address sent again', (backend) => {
  it('keeps the data and consent the visitor gave, and mails a fresh link', async () => {
    const server = await backend.start({ startWorker: false });
    await server.post(PATH, registration('kept@example.org', { firstName: 'Erika' }));
    const again = await server.post(PATH, {
      ...registration('kept@example.org', { firstName: 'Mallory' }),
      consent: { privacy: true, marketing: true, version: '2026-01' },
    });
    expect(again.status).toBe(202);
    const row = await server.store.findRegistration('musterstrasse-12', 'kept@example.org');
    expect(JSON.parse(row!.fields).firstName).toBe('Erika');
    expect(row!.consent_marketing).toBe(0);
    const mails = await server.store.outbox.list();
    expect(mails.filter((m) => m.recipient === 'kept@example.org' && m.kind === 'unlock')).toHaveLength(2);
  });
});

forEachBackend('client address behind a proxy', (backend) => {
  it('takes the hop the proxy added, not one the client wrote', async () => {
    const server = await backend.start({
      startWorker: false,
      limits: { registrationPerIp: { max: 2, windowMs: 600_000 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.post(PATH, registration(`hop${i}@example.org`), {
        'x-forwarded-for': `10.9.9.${i}, 203.0.113.50`,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 429, 429]);
  });
});

forEachBackend('the same new address twice at once', (backend) => {
  it('answers both with 202 and keeps one registration', async () => {
    const server = await backend.start({ startWorker: false });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => server.post(PATH, registration('twice@example.org'))),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(await countRows(server, 'registrations')).toBe(1);
  });
});
