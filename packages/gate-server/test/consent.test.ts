/**
 * Marketing consent said as it was asked: "nicht abgefragt" where the tour has no marketing box,
 * and a consent given counts only once the visitor opened a mailed link (double opt-in), with
 * the time of that confirmation in the record.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportColumns, exportValues, leadRecord } from '../src/core/export/columns.ts';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import { linkFrom, TestSmtp } from './smtp.ts';

forEachBackend('marketing consent', (backend) => {
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

  const record = async (email: string) => {
    const row = await server.store.raw
      .selectFrom('registrations')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    return { row, lead: leadRecord(row, server.deps.tours.find(row.tour_id)?.config) };
  };

  it('counts a marketing consent only once the address is confirmed by the mailed link', async () => {
    const res = await server.post(
      '/v1/tours/musterstrasse-12/registrations',
      { ...registration('optin@example.org'), consent: { privacy: true, marketing: true, version: '2026-01' } },
      { origin: TOUR_ORIGIN },
    );
    expect(res.status).toBe(202);
    const before = await record('optin@example.org');
    expect(before.lead.consent).toMatchObject({
      marketing: false,
      marketingState: 'unconfirmed',
      marketingConfirmedAt: null,
    });

    const mail = await smtp.waitForMatch((m) => m.envelopeTo.includes('optin@example.org'));
    server.clock.advance(60_000);
    const clickedAt = server.clock.now;
    const unlock = await server.post('/v1/unlock', { token: linkFrom(mail).token }, { origin: TOUR_ORIGIN });
    expect(unlock.status).toBe(200);

    const after = await record('optin@example.org');
    expect(after.row.consent_marketing_confirmed_at).toBe(clickedAt);
    expect(after.lead.consent).toMatchObject({
      marketing: true,
      marketingState: 'confirmed',
      marketingConfirmedAt: new Date(clickedAt).toISOString(),
    });
    const log = await server.store.raw
      .selectFrom('logbook')
      .select(['kind', 'detail'])
      .where('registration_id', '=', after.row.id)
      .where('kind', '=', 'link-redeemed')
      .execute();
    expect(log.map((l) => JSON.parse(l.detail ?? '{}'))).toEqual([
      expect.objectContaining({ marketingConfirmed: true }),
    ]);

    // A second use of the link confirms nothing again: the first time stays.
    server.clock.advance(60_000);
    expect((await server.post('/v1/unlock', { token: linkFrom(mail).token }, { origin: TOUR_ORIGIN })).status).toBe(
      200,
    );
    expect((await record('optin@example.org')).row.consent_marketing_confirmed_at).toBe(clickedAt);

    // The German export says it in words, with the time of the confirmation as a date.
    const tour = server.deps.tours.find('musterstrasse-12')!.config;
    const columns = exportColumns(tour, 'de');
    const cells = exportValues(columns, after.row);
    const cell = (header: string) => cells[columns.findIndex((c) => c.header === header)];
    expect(cell('Werbeeinwilligung')).toBe('Ja, E-Mail-Adresse bestätigt');
    // A date cell in Berlin time (CET in November: UTC + 1 h), as the export's other dates.
    expect(cell('Werbeeinwilligung bestätigt am')).toEqual(new Date(clickedAt + 3_600_000));
  });

  it('a refusal is "nein", and a tour without the marketing box says it never asked', async () => {
    await server.post('/v1/tours/musterstrasse-12/registrations', registration('no@example.org'), {
      origin: TOUR_ORIGIN,
    });
    expect((await record('no@example.org')).lead.consent).toMatchObject({
      marketing: false,
      marketingState: 'declined',
    });

    const manual = await server.post(
      '/v1/tours/gartenweg-3/registrations',
      { ...registration('manual@example.org'), consent: { privacy: true, marketing: false, version: '1' } },
      { origin: TOUR_ORIGIN },
    );
    expect(manual.status).toBe(202);
    const { row, lead } = await record('manual@example.org');
    expect(lead.consent).toMatchObject({ marketing: false, marketingState: 'not-asked', marketingConfirmedAt: null });

    // The broker's review request says so too, not "nein".
    const review = await smtp.waitForMatch(
      (m) =>
        m.envelopeTo.includes('anna@mueller-immobilien.example') &&
        (m.parsed.text ?? '').includes('manual@example.org'),
    );
    expect(review.parsed.text).toMatch(/nicht abgefragt/);
    expect(review.parsed.text).not.toMatch(/Werbung\s*:?\s*nein/i);
    const columns = exportColumns(server.deps.tours.find('gartenweg-3')!.config, 'en');
    expect(exportValues(columns, row)[columns.findIndex((c) => c.header === 'Marketing consent')]).toBe('Not asked');
  });
});
