/**
 * Fills a test server through its public API: registrations in email and manual mode, funnel
 * events, opened unlock links and broker decisions, so the statistics have something to count.
 */

import { decide } from '../src/core/decide.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';

let ipCounter = 1;
// Each visitor from a network of its own: a network may use only a share of a tour's budget.
const ip = () => `10.${Math.floor(ipCounter / 250) % 250}.${(ipCounter++ % 250) + 1}.1`;

export function visitor(tour: string, i: number, extra: Record<string, string> = {}) {
  const email = `${tour}-visitor-${i}@example.org`;
  return {
    fields: {
      firstName: `Vorname${i}`,
      lastName: `Nachname-${tour}`,
      email,
      phone: `+49 170 ${String(1000000 + i)}`,
      postalCode: '50667',
      ...extra,
    },
    consent: {
      privacy: true,
      marketing: tour === 'musterstrasse-12' && i % 2 === 0,
      version: tour === 'musterstrasse-12' ? '2026-01' : '1',
    },
    locale: 'de' as const,
  };
}

export async function register(server: TestServer, tour: string, body: unknown): Promise<void> {
  const res = await server.post(`/v1/tours/${tour}/registrations`, body, {
    origin: TOUR_ORIGIN,
    'x-forwarded-for': ip(),
  });
  if (res.status !== 202) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
}

/** Opens the newest unlock link mailed to `email`. */
export async function openLink(server: TestServer, email: string): Promise<void> {
  const mails = await server.store.outbox.list(500);
  const mail = mails.find((m) => m.kind === 'unlock' && m.recipient === email);
  const token = mail && /tour-gate-unlock=([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
  if (!token) throw new Error(`no unlock mail for ${email}`);
  const res = await server.post('/v1/unlock', { token }, { origin: TOUR_ORIGIN, 'x-forwarded-for': ip() });
  if (res.status !== 200) throw new Error(`unlock failed: ${res.status} ${await res.text()}`);
}

/** Funnel events: a type, or `type@viewpoint` for one that names its viewpoint. */
export async function events(server: TestServer, tour: string, types: string[]): Promise<void> {
  // The widget sends small batches; so does this.
  for (let i = 10; i < types.length; i += 10) await events(server, tour, types.slice(i, i + 10));
  if (types.length > 10) types = types.slice(0, 10);
  const res = await server.post(
    `/v1/tours/${tour}/events`,
    {
      events: types.map((t) => {
        const [type, viewpoint] = t.split('@');
        return viewpoint ? { type, viewpoint } : { type };
      }),
    },
    {
      origin: TOUR_ORIGIN,
      'x-forwarded-for': ip(),
    },
  );
  if (res.status >= 300) throw new Error(`events failed: ${res.status} ${await res.text()}`);
}

export async function registrationId(server: TestServer, tour: string, email: string): Promise<string> {
  const row = await server.store.findRegistration(tour, email);
  if (!row) throw new Error(`no registration ${email}`);
  return row.id;
}

/**
 * Three tours, both modes: musterstrasse-12 (email, 7 visitors, 4 open their link),
 * gartenweg-3 (manual, 6 requests: 3 granted of which 1 opened and 1 revoked, 2 denied,
 * 1 pending), captcha-tour (email, other broker, 3 visitors, 1 opened). Days differ.
 */
export async function seedThreeTours(server: TestServer): Promise<void> {
  const DAY = 86_400_000;
  for (let i = 0; i < 7; i++) {
    await register(server, 'musterstrasse-12', { ...visitor('musterstrasse-12', i), viewpoint: 'schlafzimmer' });
    if (i < 4) await openLink(server, `musterstrasse-12-visitor-${i}@example.org`);
    if (i % 3 === 2) server.clock.advance(DAY + 3_600_000);
  }
  await events(server, 'musterstrasse-12', ['locked-click', 'locked-click', 'mask-shown', 'viewpoint-view']);
  await events(server, 'musterstrasse-12', ['locked-click', 'mask-shown', 'mask-shown']);
  for (let i = 0; i < 6; i++) await register(server, 'gartenweg-3', visitor('gartenweg-3', i));
  const by = 'anna@mueller-immobilien.example';
  for (const [i, decision] of [
    [0, 'grant'],
    [1, 'grant'],
    [2, 'grant'],
    [3, 'deny'],
    [4, 'deny'],
  ] as const) {
    server.clock.advance(3 * 3_600_000 + i * 600_000);
    await decide(server.deps, {
      registrationId: await registrationId(server, 'gartenweg-3', `gartenweg-3-visitor-${i}@example.org`),
      decision,
      by,
    });
  }
  await openLink(server, 'gartenweg-3-visitor-0@example.org');
  await decide(server.deps, {
    registrationId: await registrationId(server, 'gartenweg-3', 'gartenweg-3-visitor-2@example.org'),
    decision: 'revoke',
    by,
  });
  await events(server, 'gartenweg-3', ['locked-click', 'mask-shown']);
  server.clock.advance(DAY);
  for (let i = 0; i < 3; i++) await register(server, 'captcha-tour', { ...visitor('captcha-tour', i), captcha: 'ok' });
  await openLink(server, 'captcha-tour-visitor-0@example.org');
  await events(server, 'captcha-tour', ['locked-click']);
}

const FIRST = ['Lena', 'Jonas', 'Mia', 'Felix', 'Hannah', 'Paul', 'Emma', 'Lukas', 'Sophie', 'Leon', 'Marie', 'Finn'];
const LAST = ['Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter'];

/**
 * Six weeks of traffic on musterstrasse-12 and a few requests on gartenweg-3, with names that
 * read like real leads: for the README screenshots.
 */
export async function seedHistory(server: TestServer, days = 42): Promise<void> {
  const DAY = 86_400_000;
  const requests: string[] = [];
  const person = (n: number) => {
    const first = FIRST[n % FIRST.length]!;
    const last = LAST[(n * 7) % LAST.length]!;
    return { first, last, email: `${first}.${last}.${n}@example.org`.toLowerCase().replace('ä', 'ae') };
  };
  let n = 0;
  for (let d = 0; d < days; d++) {
    const weekday = (d + 6) % 7;
    const count = 1 + ((d * 7 + 3) % 5) + (weekday >= 5 ? 3 : 0);
    for (let k = 0; k < count; k++, n++) {
      const p = person(n);
      await register(server, 'musterstrasse-12', {
        ...visitor('musterstrasse-12', n, { firstName: p.first, lastName: p.last, email: p.email }),
        viewpoint: 'schlafzimmer',
      });
      if (n % 5 !== 0) await openLink(server, p.email);
      server.clock.advance(37 * 60_000);
    }
    if (d % 6 === 1) {
      const p = person(n++);
      await register(
        server,
        'gartenweg-3',
        visitor('gartenweg-3', n, { firstName: p.first, lastName: p.last, email: p.email }),
      );
      requests.push(p.email);
    }
    // Rooms as the widget names them: most clicks on the bedroom, some on the bath.
    const room = (k: number) => (k % 3 === 2 ? 'bad' : 'schlafzimmer');
    await events(server, 'musterstrasse-12', [
      ...Array.from({ length: count * 8 }, () => 'tour-view'),
      ...Array.from({ length: count * 3 }, (_, k) => `locked-click@${room(k)}`),
      ...Array.from({ length: count * 2 }, (_, k) => `mask-shown@${room(k)}`),
      ...Array.from({ length: count * 4 }, (_, k) => `viewpoint-view@${k % 2 ? 'wohnzimmer' : 'kueche'}`),
    ]);
    // The broker decides on the older requests a few hours after they came in.
    if (d % 6 === 2 && requests.length <= 4) {
      const email = requests[requests.length - 1]!;
      const id = await registrationId(server, 'gartenweg-3', email);
      await decide(server.deps, {
        registrationId: id,
        decision: requests.length === 2 ? 'deny' : 'grant',
        by: 'anna@mueller-immobilien.example',
      });
      if (requests.length !== 2) await openLink(server, email);
    }
    server.clock.advance(DAY - count * 37 * 60_000);
  }
}
