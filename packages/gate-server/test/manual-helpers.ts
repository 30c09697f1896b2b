/**
 * Helpers for the manual-release tests: a config with manual and email-release tours, the
 * registration body for them, and the pieces a broker's browser would read off the review page.
 */
import { expect } from 'vitest';
import { TOUR_ORIGIN, testConfig } from './fixtures.ts';
import type { TestServer } from './harness.ts';
import type { ReceivedMail, TestSmtp } from './smtp.ts';

export const BROKER = 'anna@mueller-immobilien.example';
export const BROKER_EN = 'jan@schmidt.example';

/** Manual tours in German (gartenweg-3) and English with a custom deny text; email tours with and without lead mails. */
export function manualConfig() {
  return testConfig({
    tours: [
      {
        id: 'gartenweg-3',
        broker: 'mueller',
        title: 'Gartenweg 3',
        pageUrl: `${TOUR_ORIGIN}/gartenweg-3`,
        mode: 'manual',
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
      },
      {
        id: 'seeweg-5',
        broker: 'schmidt',
        title: 'Seeweg 5',
        pageUrl: `${TOUR_ORIGIN}/seeweg-5`,
        mode: 'manual',
        locale: 'en',
        reviewValidityDays: 7,
        notifications: { visitorConfirmation: false },
        denyText: {
          de: 'Das Objekt ist bereits reserviert.\n\nWir melden uns, sobald es wieder frei ist.',
          en: 'This property is already reserved.\n\nWe will get back to you as soon as it is available again.',
        },
        consent: { privacyUrl: 'https://schmidt.example/privacy' },
      },
      {
        id: 'lindenweg-8',
        broker: 'mueller',
        title: 'Lindenweg 8',
        pageUrl: `${TOUR_ORIGIN}/lindenweg-8`,
        mode: 'email',
        // Leaving notifications.broker out: each-lead is the default.
        viewpointLabels: { schlafzimmer: { de: 'Schlafzimmer', en: 'Bedroom' } },
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
      },
      {
        id: 'birkenweg-1',
        broker: 'mueller',
        title: 'Birkenweg 1',
        pageUrl: `${TOUR_ORIGIN}/birkenweg-1`,
        mode: 'email',
        notifications: { broker: 'off' },
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
      },
    ],
  });
}

/** Registrations in these tests come from one address; the per-IP limits are not under test here. */
export const GENEROUS_LIMITS = {
  registrationPerIp: { max: 1000, windowMs: 60_000 },
  registrationPerEmail: { max: 1000, windowMs: 60_000 },
  mailPerMailbox: { max: 1000, windowMs: 60_000 },
  unlockPerIp: { max: 1000, windowMs: 60_000 },
  linkPerIp: { max: 1000, windowMs: 60_000 },
};

/** A valid registration for the tours above (default fields, consent version '1'). */
export function manualRegistration(email: string, fields: Record<string, string> = {}, locale: 'de' | 'en' = 'de') {
  return {
    fields: { firstName: 'Erika', lastName: 'Mustermann', email, postalCode: '50667', ...fields },
    consent: { privacy: true, marketing: false, version: '1' },
    locale,
  };
}

export async function register(
  server: TestServer,
  tour: string,
  email: string,
  fields: Record<string, string> = {},
  locale: 'de' | 'en' = 'de',
): Promise<Response> {
  return server.post(`/v1/tours/${tour}/registrations`, manualRegistration(email, fields, locale));
}

/** The review token in a mail's or outbox row's plain text. */
export function reviewTokenIn(text: string): string {
  const m = /http:\/\/gate\.test\/review\/([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no review link in: ${text}`);
  return m[1]!;
}

/** The review token of a visitor's request, read from the outbox (works without SMTP). */
export async function reviewTokenFromOutbox(server: TestServer, visitor: string): Promise<string> {
  const mails = await server.store.outbox.list(500);
  const mail = mails.find((m) => m.kind === 'review-request' && m.reply_to?.includes(`"address":"${visitor}"`));
  if (!mail) throw new Error(`no review mail for ${visitor}`);
  return reviewTokenIn(mail.text_body);
}

export function nonceIn(page: string): string {
  const m = /name="nonce" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no nonce on the page');
  return m[1]!;
}

export function statusIn(page: string): string | undefined {
  return /data-status="([a-z]+)"/.exec(page)?.[1];
}

export function codeIn(page: string): string | undefined {
  return /data-code="([A-Z_]+)"/.exec(page)?.[1];
}

/** Opens the review page like the broker's browser and returns its HTML and nonce. */
export async function openReview(
  server: TestServer,
  token: string,
  query = '',
): Promise<{ html: string; nonce: string }> {
  const res = await server.get(`/review/${token}${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, nonce: nonceIn(html) };
}

/** Submits one of the page's forms. */
export async function postDecision(
  server: TestServer,
  token: string,
  form: Record<string, string>,
  query = '',
): Promise<{ status: number; html: string; res: Response }> {
  const res = await server.app.request(`/review/${token}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, html: await res.text(), res };
}

/** Waits for a mail that matches, e.g. by kind and reply-to. */
export async function waitForMail(
  smtp: TestSmtp,
  match: (m: ReceivedMail) => boolean,
  timeoutMs = 10_000,
): Promise<ReceivedMail> {
  return smtp.waitForMatch(
    match,
    timeoutMs,
    () => `mail not received; got: ${smtp.mails.map((m) => `${mailKind(m)}→${m.envelopeTo}`).join(', ')}`,
  );
}

export function mailKind(m: ReceivedMail): string | undefined {
  const v = m.parsed.headers.get('x-tour-gate-mail');
  return typeof v === 'string' ? v : undefined;
}

export const isMail = (kind: string, to: string, replyTo?: string) => (m: ReceivedMail) =>
  mailKind(m) === kind &&
  m.envelopeTo.includes(to) &&
  (replyTo === undefined || m.parsed.replyTo?.value[0]?.address === replyTo);

/** The raw header block of a received mail (everything before the first empty line). */
export function rawHeaders(m: ReceivedMail): string {
  return m.raw.split(/\r?\n\r?\n/)[0] ?? '';
}
