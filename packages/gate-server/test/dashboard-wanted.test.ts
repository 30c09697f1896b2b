/**
 * A broker who opens a lead's link from a mail while signed out signs in and lands on that
 * lead, not on the dashboard's home; only a dashboard page is ever come back to.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { DashClient, loginLink } from './dashboard-client.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';

const ANNA = 'anna@mueller-immobilien.example';

forEachBackend('signing in from a link', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await backend.start({
      startWorker: false,
      // Several sign-ins of one broker in a row.
      limits: {
        linkPerEmail: { max: 1e6, windowMs: 60_000 },
        linkPerIp: { max: 1e6, windowMs: 60_000 },
        mailPerMailbox: { max: 1e6, windowMs: 60_000 },
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  /** Asks for a sign-in mail and follows its link; the answer to confirming it. */
  async function signIn(client: DashClient): Promise<Response> {
    const sent = await client.submit('/dashboard/login', '/dashboard/login', { email: ANNA });
    expect(sent.status).toBe(200);
    const path = new URL(await loginLink(server, ANNA)).pathname;
    return client.submit(path, path);
  }

  it('lands on the lead the mail linked to, once', async () => {
    const email = `wanted-${backend.kind}@example.org`;
    expect(
      (
        await server.post(
          '/v1/tours/gartenweg-3/registrations',
          { ...registration(email), consent: { privacy: true, marketing: false, version: '1' } },
          { origin: TOUR_ORIGIN },
        )
      ).status,
    ).toBe(202);
    const lead = await server.store.raw
      .selectFrom('registrations')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const leadPath = `/dashboard/tours/gartenweg-3/leads/${lead.id}`;

    const client = new DashClient(server);
    const away = await client.get(leadPath);
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/dashboard/login');
    const signedIn = await signIn(client);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(leadPath);
    const page = await client.get(leadPath);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(email);

    // Remembered once: the browser's next sign-in goes home.
    expect(client.cookies.has('tg_wanted')).toBe(false);
    client.cookies.delete('tg_session');
    expect((await signIn(client)).headers.get('location')).toBe('/dashboard');
  });

  it('never comes back to anything but a dashboard page', async () => {
    for (const wanted of ['https://evil.example/', '//evil.example/dashboard/', '/dashboard//evil', '/review/x']) {
      const client = new DashClient(server);
      client.cookies.set('tg_wanted', encodeURIComponent(wanted));
      const res = await signIn(client);
      expect({ wanted, location: res.headers.get('location') }).toEqual({ wanted, location: '/dashboard' });
    }
  });
});
