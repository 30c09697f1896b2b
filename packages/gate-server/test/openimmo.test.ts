/**
 * OpenImmo-Feedback: a lead as the XML German broker software imports. The document parses back
 * (fast-xml-parser) to the visitor's values with umlauts and XML's special characters in every
 * field; it arrives as an attachment over real SMTP and is dropped from the outbox once
 * delivered; erasure takes it with the visitor; the dashboard (own tours only), the admin API and
 * `tour-gate export --format openimmo` download it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { GateConfigFileInput } from '@tour-gate/shared/config';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseRegistration } from '../src/core/erase.ts';
import { xmlText } from '../src/core/export/openimmo.ts';
import { forEachBackend } from './backends.ts';
import { loginAs } from './dashboard-client.ts';
import { TOUR_ORIGIN, testConfig } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { outboxDrained } from './outbox-wait.ts';
import { registrationId } from './seed.ts';
import { TestSmtp } from './smtp.ts';

const BIN = fileURLToPath(new URL('../bin/tour-gate.js', import.meta.url));
const run = promisify(execFile);
const PLATFORM = 'platform-key-0123456789abcdef0123456789abcdef';

/** Every character XML treats specially, and the end of a CDATA section. */
const EVIL = `<&"']]>`;
const TITLE = `Villa „Sonnenhang“ ${EVIL} Süd`;
const OOBJ_ID = `OBJ-${EVIL}-Ä1`;
const BROKER = 'Müller Immobilien GmbH';

type TourInput = GateConfigFileInput['tours'][number];

const tourBase = {
  broker: 'mueller',
  pageUrl: `${TOUR_ORIGIN}/villa`,
  allowedOrigins: [TOUR_ORIGIN],
  // Every standard field shown, and a postal code that may hold anything, so each element of
  // `<interessent>` gets the special characters.
  fields: {
    salutation: 'optional',
    phone: 'optional',
    street: 'optional',
    city: 'optional',
    company: 'optional',
    message: 'optional',
  },
  postalCodePattern: '^.{1,10}$',
  consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
} satisfies Omit<TourInput, 'id' | 'title'>;

function config() {
  const tours: GateConfigFileInput['tours'] = [
    {
      ...tourBase,
      id: 'villa',
      title: TITLE,
      oobjId: OOBJ_ID,
      mode: 'email',
      notifications: { broker: 'each-lead', openimmoAttachment: true },
    },
    {
      ...tourBase,
      id: 'villa-manual',
      title: TITLE,
      oobjId: OOBJ_ID,
      mode: 'manual',
      notifications: { openimmoAttachment: true, visitorConfirmation: false },
    },
    // The other broker's tour; it tells its broker about each lead, without an attachment.
    {
      ...tourBase,
      id: 'lindenallee',
      broker: 'schmidt',
      title: 'Lindenallee 7',
      mode: 'email',
      notifications: { broker: 'each-lead' },
    },
  ];
  return testConfig({ tours });
}

/** A visitor with umlauts and every special character in every field. */
function visitor(email: string) {
  return {
    fields: {
      salutation: 'ms',
      firstName: `Jürgen ${EVIL}`,
      lastName: `Größe-Weiß ${EVIL}`,
      company: `Müller & Söhne <GmbH> "Ä" 'ö' ]]>`,
      street: `Königsallee 1 ${EVIL}`,
      postalCode: `Ö${EVIL}`,
      city: `Düsseldorf ${EVIL}`,
      phone: `+49 ${EVIL} ü`,
      email,
      message: `Guten Tag,\nich hätte gern ein Exposé. ${EVIL}\n<script>alert("x")</script> & ]]> 'ok'`,
    },
    consent: { privacy: true, marketing: false, version: '1' },
    locale: 'de' as const,
  };
}

/** The `<interessent>` the visitor above must come back as. */
function expectedInteressent(email: string) {
  const f = visitor(email).fields;
  return {
    anrede: 'Frau',
    vorname: f.firstName,
    nachname: f.lastName,
    firma: f.company,
    strasse: f.street,
    plz: f.postalCode,
    ort: f.city,
    tel: f.phone,
    email,
    anfrage: f.message,
  };
}

const objektHead = (tour: string) => ({
  oobj_id: OOBJ_ID,
  zusatz_refnr: tour,
  expose_url: `${TOUR_ORIGIN}/villa`,
  bezeichnung: TITLE,
});

/** Values exactly as written (no trimming, no numbers), the formatting whitespace left out. */
// biome-ignore lint/suspicious/noExplicitAny: the parsed document is walked by the assertions as they read it
function parseXml(xml: string): Record<string, any> {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  // `]]>` may not stand in character data; every `>` of a value is escaped.
  expect(xml.includes(']]>')).toBe(false);
  const parsed = new XMLParser({
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    isArray: (name) => name === 'interessent',
  }).parse(xml);
  return dropLayout(parsed);
}

// biome-ignore lint/suspicious/noExplicitAny: see parseXml
function dropLayout(v: unknown): any {
  if (Array.isArray(v)) return v.map(dropLayout);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (k === '#text' && typeof val === 'string' && val.trim() === '') continue;
      out[k] = dropLayout(val);
    }
    return out;
  }
  return v;
}

async function registerVisitor(server: TestServer, tour: string, email: string): Promise<string> {
  const res = await server.post(`/v1/tours/${tour}/registrations`, visitor(email), { origin: TOUR_ORIGIN });
  expect(res.status, await res.clone().text()).toBe(202);
  return registrationId(server, tour, email);
}

describe('XML text', () => {
  it('drops what XML 1.0 forbids and writes line ends as \\n', () => {
    expect(xmlText('a\u0000b\u0008c\u000bd\u001fe\ufffff\ud800g')).toBe('abcdefg');
    expect(xmlText('tab\there\r\nline\rend\n😀')).toBe('tab\there\nline\nend\n😀');
  });
});

forEachBackend('OpenImmo-Feedback attachments over real SMTP', (backend) => {
  const smtp = new TestSmtp();
  let server: TestServer;

  beforeAll(async () => {
    await smtp.start();
    server = await backend.start({ smtpUrl: smtp.url, config: config(), startWorker: false });
  });
  afterAll(async () => {
    await server.close();
    await smtp.stop();
  });

  const rows = (id: string) =>
    server.store.raw
      .selectFrom('outbox')
      .select(['kind', 'status', 'attachments'])
      .where('registration_id', '=', id)
      .execute();

  it('attaches the lead to the broker mail (email release), sealed until delivered, dropped after', async () => {
    const email = "o'brien&co@example.org";
    const id = await registerVisitor(server, 'villa', email);
    const queued = await rows(id);
    const brokerRow = queued.find((r) => r.kind === 'broker-notification');
    expect(brokerRow?.attachments?.startsWith('sealed:v1:')).toBe(true);
    expect(brokerRow?.attachments).not.toContain('Jürgen');
    // The visitor's own mail has none.
    expect(queued.find((r) => r.kind === 'unlock')?.attachments).toBeNull();

    await outboxDrained(server);
    const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes('anna@mueller-immobilien.example'));
    expect(mail.parsed.attachments).toHaveLength(1);
    const [att] = mail.parsed.attachments;
    expect(att!.filename).toBe('anfrage-villa-2026-11-21.xml');
    expect(att!.contentType).toBe('application/xml');
    const doc = parseXml(att!.content.toString('utf8'));
    expect(doc).toEqual({
      openimmo_feedback: {
        version: '1.2.7',
        sender: { name: BROKER, datum: '21.11.2026', makler_id: 'mueller' },
        objekt: { ...objektHead('villa'), interessent: [expectedInteressent(email)] },
      },
    });
    const unlock = await smtp.waitForMatch((m) => m.envelopeTo.includes(email));
    expect(unlock.parsed.attachments).toHaveLength(0);

    // Delivered: no copy of the attachment stays, sealed or not.
    const sent = await rows(id);
    expect(sent.every((r) => r.status === 'sent' && r.attachments === null)).toBe(true);
  });

  it('attaches the request to the review mail (manual release)', async () => {
    const email = 'anfrage@example.org';
    const id = await registerVisitor(server, 'villa-manual', email);
    await outboxDrained(server);
    const mail = await smtp.waitForMatch(
      (m) => m.envelopeTo.includes('anna@mueller-immobilien.example') && /Zugangsanfrage/.test(m.parsed.subject ?? ''),
    );
    const [att] = mail.parsed.attachments;
    expect(att!.filename).toBe('anfrage-villa-manual-2026-11-21.xml');
    expect(att!.contentType).toBe('application/xml');
    expect(parseXml(att!.content.toString('utf8')).openimmo_feedback.objekt).toEqual({
      ...objektHead('villa-manual'),
      interessent: [expectedInteressent(email)],
    });
    expect((await rows(id)).every((r) => r.attachments === null)).toBe(true);
  });

  it('sends no attachment where the tour did not turn it on', async () => {
    await registerVisitor(server, 'lindenallee', 'linde@example.org');
    await outboxDrained(server);
    const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes('jan@schmidt.example'));
    expect(mail.parsed.attachments).toHaveLength(0);
  });

  it('erasure removes a queued attachment with the visitor', async () => {
    const id = await registerVisitor(server, 'villa', 'vergessen@example.org');
    expect((await rows(id)).some((r) => r.attachments !== null)).toBe(true);
    expect(await eraseRegistration(server.store, id, 'villa')).toBe(true);
    expect(await rows(id)).toEqual([]);
    const left = await server.store.raw
      .selectFrom('outbox')
      .select('id')
      .where('attachments', 'is not', null)
      .execute();
    expect(left).toEqual([]);
  });
});

forEachBackend('OpenImmo-Feedback downloads', (backend) => {
  let server: TestServer;
  let first: string;

  beforeAll(async () => {
    server = await backend.start({ config: config(), startWorker: false });
    server.deps.env.adminKey = PLATFORM;
    first = await registerVisitor(server, 'villa', 'erste@example.org');
    server.clock.advance(86_400_000);
    await registerVisitor(server, 'villa', 'zweite@example.org');
  });
  afterAll(async () => {
    await server.close();
  });

  it('dashboard: one lead from its page, the period from the export, own tours only', async () => {
    const anna = await loginAs(server, 'anna@mueller-immobilien.example');
    const page = await anna.get(`/dashboard/tours/villa/leads/${first}`);
    expect(await page.text()).toContain(`/dashboard/tours/villa/leads/${first}/openimmo`);

    const one = await anna.get(`/dashboard/tours/villa/leads/${first}/openimmo`);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(one.headers.get('content-disposition')).toBe('attachment; filename="anfrage-villa-2026-11-21.xml"');
    expect(parseXml(await one.text()).openimmo_feedback.objekt.interessent).toEqual([
      expectedInteressent('erste@example.org'),
    ]);

    const all = await anna.get('/dashboard/tours/villa/export?format=openimmo');
    expect(all.headers.get('content-disposition')).toBe('attachment; filename="villa-leads.xml"');
    const doc = parseXml(await all.text()).openimmo_feedback;
    expect(doc.sender).toEqual({ name: BROKER, datum: '22.11.2026', makler_id: 'mueller' });
    expect(doc.objekt.interessent).toEqual([
      expectedInteressent('erste@example.org'),
      expectedInteressent('zweite@example.org'),
    ]);
    const period = await anna.get('/dashboard/tours/villa/export?format=openimmo&from=2026-11-22&to=2026-11-22');
    expect(parseXml(await period.text()).openimmo_feedback.objekt.interessent).toEqual([
      expectedInteressent('zweite@example.org'),
    ]);

    // Another broker: the lead is not found, through their own tour or through Anna's.
    const jan = await loginAs(server, 'jan@schmidt.example');
    expect((await jan.get(`/dashboard/tours/lindenallee/leads/${first}/openimmo`)).status).toBe(404);
    expect((await jan.get(`/dashboard/tours/villa/leads/${first}/openimmo`)).status).toBe(404);
    expect((await jan.get('/dashboard/tours/villa/export?format=openimmo')).status).toBe(404);
  });

  it('admin API: ?format=openimmo, an empty period still a valid document, a wrong format refused', async () => {
    const as = { authorization: `Bearer ${PLATFORM}` };
    const res = await server.get('/v1/admin/tours/villa/leads?format=openimmo', as);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(parseXml(await res.text()).openimmo_feedback.objekt.interessent).toHaveLength(2);

    const empty = await server.get('/v1/admin/tours/villa/leads?format=openimmo&from=2027-01-01', as);
    const doc = parseXml(await empty.text()).openimmo_feedback;
    expect(doc.objekt).toBeUndefined();
    expect(doc.sender.makler_id).toBe('mueller');

    const wrong = await server.get('/v1/admin/tours/villa/leads?format=xml', as);
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { format: 'invalid' } } });
  });
});

forEachBackend('tour-gate export --format openimmo', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'tour-gate-openimmo-'));
  const configPath = join(dir, 'tour-gate.config.json');
  let databaseUrl: string;
  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], {
      env: { ...process.env, GATE_DATABASE_URL: databaseUrl, GATE_CONFIG: configPath, NODE_ENV: 'development' },
    });

  beforeAll(async () => {
    writeFileSync(configPath, JSON.stringify(config()));
    databaseUrl = await backend.database({ shared: true });
    const server = await backend.start({ databaseUrl, config: config(), startWorker: false });
    await registerVisitor(server, 'villa', 'cli@example.org');
    await server.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the document to stdout; an unknown format is a usage error', async () => {
    const { stdout } = await cli('export', 'villa', '--format', 'openimmo');
    const doc = parseXml(stdout).openimmo_feedback;
    expect(doc.objekt).toEqual({ ...objektHead('villa'), interessent: [expectedInteressent('cli@example.org')] });
    const wrong = await cli('export', 'villa', '--format', 'xml').catch((e: { code: number; stderr: string }) => e);
    expect(wrong).toMatchObject({ code: 2 });
  });
});
