/**
 * Email release end to end: a real SMTP server, the visitor registers over HTTP, the unlock
 * mail arrives, its link is redeemed, and the access token verifies with the tour as audience.
 */
import { createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { linkFrom, TestSmtp } from './smtp.ts';

forEachBackend('email release over HTTP with a real SMTP server', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  it('registers, mails the unlock link, and redeems it for a JWT bound to the tour', async () => {
    const res = await fetch(`${base}/v1/tours/musterstrasse-12/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TOUR_ORIGIN },
      body: JSON.stringify(registration('erika@example.org')),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'check-email', request: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(res.headers.get('access-control-allow-origin')).toBe(TOUR_ORIGIN);

    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['erika@example.org']);
    expect(mail!.parsed.from?.value[0]).toMatchObject({ address: 'no-reply@gate.test', name: 'tour-gate' });
    expect(mail!.parsed.replyTo?.value[0]).toMatchObject({
      address: 'anna@mueller-immobilien.example',
      name: 'Anna Müller',
    });
    expect(mail!.parsed.subject).toBe('Ihr Zugang zum virtuellen Rundgang: Musterstraße 12, Köln');
    // Both parts, the broker's contact data, the validity.
    expect(mail!.parsed.text).toContain('Müller Immobilien GmbH');
    expect(mail!.parsed.text).toContain('+49 221 555 0100');
    expect(mail!.parsed.text).toMatch(/gültig/);
    expect(mail!.parsed.html).toContain('Rundgang öffnen');

    const { url, token } = linkFrom(mail!);
    expect(url.startsWith(`${TOUR_ORIGIN}/musterstrasse-12#tour-gate-unlock=`)).toBe(true);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(mail!.parsed.html).toContain(url);

    const unlock = await fetch(`${base}/v1/unlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TOUR_ORIGIN },
      body: JSON.stringify({ token }),
    });
    expect(unlock.status).toBe(200);
    const body = (await unlock.json()) as { accessToken: string; expiresAt: string; tour: string };
    expect(body.tour).toBe('musterstrasse-12');

    // The JWT verifies with the server's key and the tour as audience; it holds no personal data.
    const key = createHmac('sha256', server.deps.env.secret).update('tour-gate:access-token').digest();
    const { payload } = await jwtVerify(body.accessToken, key, {
      audience: 'musterstrasse-12',
      issuer: 'http://gate.test',
      currentDate: new Date(server.clock.now),
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(payload)).not.toMatch(/erika|Mustermann|example\.org/i);
    expect(new Date(body.expiresAt).getTime()).toBe((payload.exp as number) * 1000);
    await expect(
      jwtVerify(body.accessToken, key, { audience: 'gartenweg-3', currentDate: new Date(server.clock.now) }),
    ).rejects.toThrow();

    // The access check agrees.
    const access = await fetch(`${base}/v1/tours/musterstrasse-12/access`, {
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(access.status).toBe(200);
    expect(await access.json()).toMatchObject({ valid: true, tour: 'musterstrasse-12' });

    // A second device redeems the same link; both uses are in the logbook.
    const again = await fetch(`${base}/v1/unlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(again.status).toBe(200);
    const reg = await server.store.findRegistration('musterstrasse-12', 'erika@example.org');
    const kinds = (await server.store.logbook(reg!.id)).map((e) => e.kind);
    expect(kinds).toEqual(['registered', 'mail-queued', 'mail-sent', 'link-redeemed', 'link-redeemed']);
  });

  it('sends the English mail to a visitor who registered in English', async () => {
    const res = await fetch(`${base}/v1/tours/musterstrasse-12/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...registration('john@example.org'), locale: 'en' }),
    });
    expect(res.status).toBe(202);
    await smtp.waitFor(2);
    const mail = smtp.to('john@example.org')[0]!;
    expect(mail.parsed.subject).toBe('Your access to the virtual tour: Musterstraße 12, Köln');
    expect(mail.parsed.text).toContain('This link opens the complete tour, including all protected viewpoints:');
    expect(mail.parsed.html).toContain('Open the tour');
  });
});
