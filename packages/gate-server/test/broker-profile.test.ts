/**
 * The broker's profile and a tour's embed page (issue 9), on SQLite and PostgreSQL, as a browser
 * without JavaScript uses them: the profile saved through its multipart form is served in the
 * gate config and the mails; the logo is accepted by its content only (real PNG, JPEG and WebP
 * bytes, encoded by Chromium in this test) and served back with its strict type, `nosniff` and a
 * year's cache; a file that merely claims to be a PNG, one over 200 KB and one without pixels
 * change nothing; another broker reaches none of it; the embed page lists a refused origin, and
 * its one-click form allows it through the settings write path, with its change-log entry.
 */
import type { GateConfig } from '@tour-gate/shared';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkLogo } from '../src/core/profile.ts';
import { forEachBackend } from './backends.ts';
import { csrfOf, type DashClient, loginAs } from './dashboard-client.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { formOf } from './form-fill.ts';
import type { TestServer } from './harness.ts';

const MUELLER = 'anna@mueller-immobilien.example';
const SCHMIDT = 'jan@schmidt.example';
const FOREIGN = 'https://fremde-seite.example';

/** Real image bytes of a 48×24 drawing, encoded by Chromium's own encoders. */
const images: Record<'png' | 'jpeg' | 'webp', Buffer> = {
  png: Buffer.alloc(0),
  jpeg: Buffer.alloc(0),
  webp: Buffer.alloc(0),
};
let browser: Browser | undefined;
let webpLossless: Buffer = Buffer.alloc(0);
let webpSimple: Buffer = Buffer.alloc(0);

/**
 * Chromium writes its WebP in the extended layout (VP8X, ICCP, then the VP8 or VP8L chunk); the
 * simple layout is that same chunk right after the RIFF header. This takes the encoder's chunk out.
 */
function simpleWebp(extended: Buffer, name: 'VP8 ' | 'VP8L'): Buffer {
  let at = 12;
  while (at + 8 <= extended.length) {
    const size = extended.readUInt32LE(at + 4);
    if (extended.toString('latin1', at, at + 4) === name) {
      const chunk = extended.subarray(at, at + 8 + size + (size % 2));
      const head = Buffer.alloc(12);
      head.write('RIFF', 0, 'latin1');
      head.writeUInt32LE(4 + chunk.length, 4);
      head.write('WEBP', 8, 'latin1');
      return Buffer.concat([head, chunk]);
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`no ${name} chunk`);
}

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  // A string, so this file needs no DOM types: it runs in the page.
  const encoded = (await page.evaluate(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 48;
    canvas.height = 24;
    const g = canvas.getContext('2d');
    g.fillStyle = '#1f5f8b';
    g.fillRect(0, 0, 48, 24);
    g.fillStyle = '#ffffff';
    g.fillRect(6, 6, 20, 12);
    const out = ['image/png', 'image/jpeg', 'image/webp'].map((t) => canvas.toDataURL(t, 0.9));
    // Lossless (quality 1).
    out.push(canvas.toDataURL('image/webp', 1));
    return out;
  })()`)) as string[];
  const bytes = encoded.map((url) => Buffer.from(url.split(',')[1] ?? '', 'base64'));
  images.png = bytes[0] as Buffer;
  images.jpeg = bytes[1] as Buffer;
  images.webp = bytes[2] as Buffer;
  webpLossless = bytes[3] as Buffer;
  webpSimple = simpleWebp(images.webp, 'VP8 ');
  webpLossless = simpleWebp(webpLossless, 'VP8L');
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

it('reads the real size from each image layout: PNG, JPEG, and WebP simple lossy (VP8), lossless (VP8L) and extended (VP8X)', () => {
  const cases: [string, Buffer, string, string | undefined][] = [
    ['png', images.png, 'image/png', undefined],
    ['jpeg', images.jpeg, 'image/jpeg', undefined],
    ['webp lossy (as Chromium writes it)', images.webp, 'image/webp', 'VP8X'],
    ['webp lossy, simple layout', webpSimple, 'image/webp', 'VP8 '],
    ['webp lossless', webpLossless, 'image/webp', 'VP8L'],
  ];
  for (const [what, bytes, type, chunk] of cases) {
    if (chunk) expect(bytes.toString('latin1', 12, 16), what).toBe(chunk);
    expect(checkLogo(bytes), what).toEqual({ type, width: 48, height: 24 });
  }
  // Cut short after the signature: no size to read.
  expect(checkLogo(images.jpeg.subarray(0, 20))).toEqual({ problem: 'dimensions' });
  expect(checkLogo(Buffer.from('RIFF\0\0\0\0WEBPVP8 ' + '\0'.repeat(20), 'latin1'))).toEqual({ problem: 'dimensions' });
  expect(checkLogo(Buffer.alloc(0))).toEqual({ problem: 'empty' });
});

async function gateOf(server: TestServer, id: string): Promise<GateConfig> {
  const res = await server.get(`/v1/tours/${id}/gate`);
  expect(res.status).toBe(200);
  return (await res.json()) as GateConfig;
}

const PROFILE = {
  name: 'Anna Müller',
  salutation: 'ms',
  company: 'Müller Immobilien GmbH',
  phone: '+49 221 555 0100',
  address: 'Ringstraße 1, 50667 Köln',
  website: 'https://mueller-immobilien.example',
};

/** Posts the profile form as a browser does (multipart), with a file if given. */
async function postProfile(
  client: DashClient,
  fields: Record<string, string>,
  logo?: { bytes: Buffer; name: string; type: string },
  csrf?: string,
): Promise<Response> {
  const page = await (await client.get('/dashboard/profile')).text();
  const form = new FormData();
  form.set('csrf', csrf ?? csrfOf(page));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('logo', logo ? new File([new Uint8Array(logo.bytes)], logo.name, { type: logo.type }) : new File([], ''));
  return client.request('/dashboard/profile', { method: 'POST', body: form });
}

/** The error shown at a field of the profile form. */
const fieldError = (html: string, field: string) => new RegExp(`id="p-${field}-error">([^<]*)<`).exec(html)?.[1];

forEachBackend('broker profile and embed page', (backend) => {
  it('the profile is saved through its form, served in the gate config and every mail; invalid input changes nothing', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);

    const blank = await (await anna.get('/dashboard/profile?lang=de')).text();
    expect(blank).toContain('Ihr Profil');
    expect(blank).toContain('enctype="multipart/form-data"');
    // Filled from the broker record until a profile is saved.
    expect(formOf(blank, 'class="profile card"')).toMatchObject({
      name: 'Anna Müller',
      company: 'Müller Immobilien GmbH',
    });

    const saved = await postProfile(anna, PROFILE, { bytes: images.png, name: 'logo.png', type: 'image/png' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/dashboard/profile?done=saved');
    expect(await (await anna.get('/dashboard/profile?done=saved')).text()).toContain('Ihr Profil ist gespeichert.');
    // The dashboard's header names the broker as the profile does.
    expect((await postProfile(anna, { ...PROFILE, name: 'Anna Müller-Lüdenscheidt' })).status).toBe(303);
    expect(await (await anna.get('/dashboard')).text()).toContain('Angemeldet als Anna Müller-Lüdenscheidt');
    expect((await postProfile(anna, PROFILE)).status).toBe(303);

    const gate = await gateOf(server, 'musterstrasse-12');
    expect(gate.broker).toMatchObject({ name: 'Anna Müller', address: 'Ringstraße 1, 50667 Köln' });
    const logoUrl = gate.broker.logoUrl ?? '';
    expect(logoUrl).toMatch(/^http:\/\/gate\.test\/logos\/mueller\/[A-Za-z0-9_-]{22}\.png$/);
    // Every tour of the broker, not only one.
    expect((await gateOf(server, 'gartenweg-3')).broker.logoUrl).toBe(logoUrl);

    // Invalid: no name, letters as phone, a javascript: website, an unknown salutation.
    const before = JSON.stringify(await gateOf(server, 'musterstrasse-12'));
    const refused = await postProfile(anna, {
      ...PROFILE,
      name: ' ',
      phone: 'ruf mich an',
      website: 'javascript:alert(1)',
      salutation: 'dr',
    });
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain('Es wurde nichts gespeichert.');
    expect(fieldError(page, 'name')).toBe('Bitte geben Sie einen Namen ein.');
    expect(fieldError(page, 'phone')).toContain('Telefonnummer');
    expect(fieldError(page, 'website')).toContain('https://');
    expect(fieldError(page, 'salutation')).toBe('Bitte wählen Sie eine der Möglichkeiten.');
    expect(page).toContain('value="ruf mich an"'); // what was typed stays
    expect(JSON.stringify(await gateOf(server, 'musterstrasse-12'))).toBe(before);

    // The mails: the logo at the top (absolute URL), "Ihre Ansprechpartnerin" from the salutation.
    const res = await server.post('/v1/tours/musterstrasse-12/registrations', registration('erika@example.org'), {
      origin: TOUR_ORIGIN,
    });
    expect(res.status).toBe(202);
    const mail = (await server.store.outbox.list(50)).find((m) => m.recipient === 'erika@example.org');
    expect(mail?.html_body).toContain(`<img src="${logoUrl}" alt="Müller Immobilien GmbH"`);
    expect(mail?.html_body).toContain('Ihre Ansprechpartnerin');
    expect(mail?.text_body).toContain(
      'Ihre Ansprechpartnerin\nAnna Müller\nMüller Immobilien GmbH\nRingstraße 1, 50667 Köln',
    );

    // "Herr": the contact heading follows.
    expect((await postProfile(anna, { ...PROFILE, salutation: 'mr' })).status).toBe(303);
    await server.post('/v1/tours/musterstrasse-12/registrations', registration('max@example.org'), {
      origin: TOUR_ORIGIN,
    });
    const second = (await server.store.outbox.list(50)).find((m) => m.recipient === 'max@example.org');
    expect(second?.text_body).toContain('Ihr Ansprechpartner\n');
    // Saved without a new file: the logo stays.
    expect((await gateOf(server, 'musterstrasse-12')).broker.logoUrl).toBe(logoUrl);
  });

  it('a logo is taken by its content: PNG, JPEG and WebP whatever their name; text, HTML or SVG named .png, over 200 KB or without pixels are refused', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    for (const [kind, ext, type] of [
      ['png', 'png', 'image/png'],
      ['jpeg', 'jpg', 'image/jpeg'],
      ['webp', 'webp', 'image/webp'],
    ] as const) {
      // A misleading name and type: only the bytes count.
      const res = await postProfile(anna, PROFILE, { bytes: images[kind], name: 'logo.txt', type: 'text/plain' });
      expect(res.status, kind).toBe(303);
      const url = (await gateOf(server, 'musterstrasse-12')).broker.logoUrl ?? '';
      expect(url.endsWith(`.${ext}`), url).toBe(true);
      const served = await server.get(new URL(url).pathname);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(type);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(Buffer.from(await served.arrayBuffer()).equals(images[kind])).toBe(true);
      // The same hash with another extension, or another hash: not found.
      const other = url.replace(/\.\w+$/, ext === 'png' ? '.jpg' : '.png');
      expect((await server.get(new URL(other).pathname)).status).toBe(404);
    }
    const kept = (await gateOf(server, 'musterstrasse-12')).broker.logoUrl;
    expect(
      (await server.get(new URL(kept ?? '').pathname.replace(/\/[^/]+\./, '/AAAAAAAAAAAAAAAAAAAAAA.'))).status,
    ).toBe(404);

    const zeroWidth = Buffer.from(images.png);
    zeroWidth.writeUInt32BE(0, 16); // IHDR width
    const oversized = Buffer.concat([images.png, Buffer.alloc(200 * 1024 + 1 - images.png.length, 0)]);
    const refusals: [string, Buffer, RegExp][] = [
      ['text', Buffer.from('Das ist kein Bild, nur Text.\n'), /kein PNG-, JPEG- oder WebP-Bild/],
      [
        'html',
        Buffer.from('<!doctype html><script>alert(document.cookie)</script>'),
        /kein PNG-, JPEG- oder WebP-Bild/,
      ],
      [
        'svg',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
        /kein PNG-, JPEG- oder WebP-Bild/,
      ],
      ['over 200 KB', oversized, /größer als 200 KB/],
      ['0 pixels wide', zeroWidth, /keine brauchbare Größe/],
    ];
    for (const [what, bytes, message] of refusals) {
      const res = await postProfile(
        anna,
        { ...PROFILE, company: `Geändert (${what})` },
        { bytes, name: 'logo.png', type: 'image/png' },
      );
      expect(res.status, what).toBe(422);
      const page = await res.text();
      expect(fieldError(page, 'logo'), what).toMatch(message);
      expect(page).toContain('aria-invalid="true"');
      // Nothing saved: neither the logo nor the other fields.
      const gate = await gateOf(server, 'musterstrasse-12');
      expect(gate.broker.logoUrl, what).toBe(kept);
      expect(gate.broker.company, what).toBe('Müller Immobilien GmbH');
    }
    // Far over the limit: cut off while reading, the form again with the reason at the logo.
    const huge = await postProfile(anna, PROFILE, {
      bytes: Buffer.alloc(600 * 1024, 1),
      name: 'logo.png',
      type: 'image/png',
    });
    expect(huge.status).toBe(413);
    expect(fieldError(await huge.text(), 'logo')).toMatch(/größer als 200 KB/);

    // Removed: the gate config has no logo any more.
    expect((await postProfile(anna, { ...PROFILE, removeLogo: 'yes' })).status).toBe(303);
    expect((await gateOf(server, 'musterstrasse-12')).broker.logoUrl).toBeUndefined();
    expect((await server.get(new URL(kept ?? '').pathname)).status).toBe(404);
  });

  it('another broker reaches neither the profile, the logo, the embed page nor the origins; forms without their CSRF token change nothing', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const jan = await loginAs(server, SCHMIDT);
    expect((await postProfile(anna, PROFILE, { bytes: images.png, name: 'a.png', type: 'image/png' })).status).toBe(
      303,
    );
    const annaGate = JSON.stringify(await gateOf(server, 'musterstrasse-12'));

    // Jan's profile page is Jan's; there is no broker id to guess, a forged one is ignored.
    const janPage = await (await jan.get('/dashboard/profile')).text();
    expect(janPage).toContain('Jan Schmidt');
    expect(janPage).not.toContain('Müller Immobilien');
    expect(janPage).not.toContain('/logos/mueller/');
    const forged = await postProfile(jan, { name: 'Jan Schmidt', broker: 'mueller', company: 'Übernommen' });
    expect(forged.status).toBe(303);
    expect(JSON.stringify(await gateOf(server, 'musterstrasse-12'))).toBe(annaGate);
    expect((await gateOf(server, 'captcha-tour')).broker.company).toBe('Übernommen');

    // Anna's form posted with Jan's token, or with none: refused, nothing changed.
    const janCsrf = csrfOf(janPage);
    for (const csrf of [janCsrf, '']) {
      const res = await postProfile(anna, { ...PROFILE, company: 'Fremd' }, undefined, csrf);
      expect(res.status).toBe(403);
    }
    expect(JSON.stringify(await gateOf(server, 'musterstrasse-12'))).toBe(annaGate);

    // Anna's tour made in the dashboard, a refused origin counted for it.
    const id = await newTour(anna);
    await refusedLoad(server, id);
    for (const path of [`/dashboard/tours/${id}/embed`, '/dashboard/tours/musterstrasse-12/embed']) {
      expect((await jan.get(path)).status, path).toBe(404);
    }
    const allow = await jan.post(`/dashboard/tours/${id}/embed/allow`, { csrf: janCsrf, origin: FOREIGN });
    expect(allow.status).toBe(404);
    // Anna's own allow form without a token.
    expect((await anna.post(`/dashboard/tours/${id}/embed/allow`, { origin: FOREIGN })).status).toBe(403);
    expect(server.deps.tours.get(id).config.allowedOrigins).toEqual([]);
    expect(await server.store.managed.audit.list(id, 'mueller')).toHaveLength(1); // the creation only
  });

  it('the embed page shows the snippets, a preview of the form and the origins; one click allows a refused one, checked and logged', async () => {
    const server = await backend.start({ startWorker: false });
    const anna = await loginAs(server, MUELLER);
    const id = await newTour(anna);
    await refusedLoad(server, id);

    const path = `/dashboard/tours/${id}/embed`;
    const res = await anna.get(`${path}?lang=de`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    const page = await res.text();
    // Snippets: this server's public URL and the tour id; the copy script under the page's nonce.
    expect(page).toContain(
      '&lt;script type=&quot;module&quot; src=&quot;http://gate.test/widget.js&quot;&gt;&lt;/script&gt;',
    );
    expect(page).toContain(
      `&lt;tour-gate server=&quot;http://gate.test&quot; tour=&quot;${id}&quot; lang=&quot;de&quot;&gt;`,
    );
    expect(page).toContain('cover style=');
    expect(page).toContain('@tour-gate/gate-widget/pannellum');
    expect(page).toContain('@tour-gate/gate-widget/photo-sphere-viewer');
    expect(page).toContain('@tour-gate/gate-widget/marzipano');
    expect(page).toContain(`<script nonce="${nonce}">`);
    // The preview: the tour's fields, disabled, no action.
    expect(page).toContain('<fieldset disabled>');
    expect(page).toMatch(/<label for="pv-email">E-Mail \*<\/label>/);
    expect(page).not.toMatch(/<form[^>]*preview-form[^>]*action=/);
    // The check: the refused origin, with its one-click form.
    expect(page).toContain(`<code>${FOREIGN}</code>`);
    expect(page).toContain('nicht zugelassen');
    expect(page).toContain(`action="/dashboard/tours/${id}/embed/allow"`);
    // Linked from the tour page.
    expect(await (await anna.get(`/dashboard/tours/${id}`)).text()).toContain(`href="${path}"`);

    // An origin no page used can't be slipped in.
    const csrf = csrfOf(page);
    const sneaked = await anna.post(`${path}/allow`, { csrf, origin: 'https://nie-gesehen.example' });
    expect(sneaked.status).toBe(422);
    expect(await sneaked.text()).toContain('nur die hier aufgeführten Adressen');
    expect(server.deps.tours.get(id).config.allowedOrigins).toEqual([]);

    const allowed = await anna.post(`${path}/allow`, { csrf, origin: FOREIGN });
    expect(allowed.status).toBe(303);
    expect(allowed.headers.get('location')).toBe(`${path}?allowed=${encodeURIComponent(FOREIGN)}`);
    expect(server.deps.tours.get(id).config.allowedOrigins).toEqual([FOREIGN]);
    const stored = await server.store.managed.tour(id);
    expect(JSON.parse(stored?.config ?? '{}').allowedOrigins).toEqual([FOREIGN]);
    const log = await server.store.managed.audit.list(id, 'mueller');
    expect(log[0]).toMatchObject({
      actor: MUELLER,
      changes: [{ setting: 'allowedOrigins', before: [], after: [FOREIGN] }],
    });
    // The page on that origin gets the gate config now.
    expect((await server.get(`/v1/tours/${id}/gate`, { origin: FOREIGN })).status).toBe(200);
    const after = await (await anna.get(`${path}?allowed=${encodeURIComponent(FOREIGN)}`)).text();
    expect(after).toContain('ist jetzt zugelassen');
    expect(after).not.toContain(`action="/dashboard/tours/${id}/embed/allow"`);
    // Again: nothing more to do, no second log entry.
    const again = await anna.post(`${path}/allow`, { csrf, origin: FOREIGN });
    expect(again.headers.get('location')).toContain('already=');
    expect(await server.store.managed.audit.list(id, 'mueller')).toHaveLength(2);

    // A tour from the config file: the file must be edited.
    await refusedLoad(server, 'musterstrasse-12');
    const filePage = await (await anna.get('/dashboard/tours/musterstrasse-12/embed')).text();
    expect(filePage).toContain('Konfigurationsdatei');
    expect(filePage).not.toContain('action="/dashboard/tours/musterstrasse-12/embed/allow"');
    const fileAllow = await anna.post('/dashboard/tours/musterstrasse-12/embed/allow', { csrf, origin: FOREIGN });
    expect(fileAllow.status).toBe(409);
    expect(server.deps.tours.get('musterstrasse-12').config.allowedOrigins).not.toContain(FOREIGN);
  });
});

/** Anna sets up a tour through the new-tour form; its id. */
async function newTour(anna: DashClient): Promise<string> {
  const blank = await (await anna.get('/dashboard/new-tour')).text();
  const created = await anna.post('/dashboard/new-tour', {
    ...formOf(blank),
    id: '',
    title: 'Lindenstraße 5, Köln',
    pageUrl: `${TOUR_ORIGIN}/lindenstrasse-5`,
    'consent.privacyUrl': 'https://mueller-immobilien.example/datenschutz',
  });
  expect(created.status).toBe(303);
  return 'lindenstrasse-5-koeln';
}

/** A page on a foreign origin asks for the tour's gate config and is refused (and counted). */
async function refusedLoad(server: TestServer, id: string): Promise<void> {
  const res = await server.get(`/v1/tours/${id}/gate`, { origin: FOREIGN });
  expect(res.status).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
}

forEachBackend('broker profile across instances on one database', (backend) => {
  it('a profile saved on one instance is served by the other within 5 seconds, and by one started later', async () => {
    const databaseUrl = await backend.database({ shared: true });
    const a = await backend.start({ databaseUrl, startWorker: false });
    const b = await backend.start({ databaseUrl, startWorker: false });
    const anna = await loginAs(a, MUELLER);
    const started = performance.now();
    expect(
      (await postProfile(anna, PROFILE, { bytes: images.webp, name: 'logo.webp', type: 'image/webp' })).status,
    ).toBe(303);
    const logoUrl = (await gateOf(a, 'musterstrasse-12')).broker.logoUrl;
    expect(logoUrl).toMatch(/\.webp$/);
    let served = 0;
    await expect
      .poll(
        async () => {
          const gate = await gateOf(b, 'musterstrasse-12');
          served = performance.now();
          return [gate.broker.address, gate.broker.logoUrl];
        },
        { timeout: 5_000, interval: 5 },
      )
      .toEqual([PROFILE.address, logoUrl]);
    console.log(`[profile feed] ${backend.label}: saved on A, served by B after ${(served - started).toFixed(0)} ms`);
    expect(served - started).toBeLessThan(5_000);
    // The other instance serves the logo from the database too.
    const res = await b.get(new URL(logoUrl ?? '').pathname);
    expect(res.headers.get('content-type')).toBe('image/webp');
    // An instance started afterwards reads the profile at start.
    const c = await backend.start({ databaseUrl, startWorker: false });
    expect((await gateOf(c, 'musterstrasse-12')).broker).toMatchObject({ address: PROFILE.address, logoUrl });
  });
});
