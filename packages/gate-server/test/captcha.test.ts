/**
 * hCaptcha, against a local endpoint that speaks the siteverify protocol: missing, wrong,
 * foreign-host and timed-out answers are refused and write nothing; a valid one goes through.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HCaptchaVerifier } from '../src/security/captcha.ts';
import { forEachBackend } from './backends.ts';
import { CaptchaStandin, STANDIN_SECRET } from './captcha-standin.ts';
import { TOUR_ORIGIN } from './fixtures.ts';
import { countRows, type TestServer } from './harness.ts';

const PATH = '/v1/tours/captcha-tour/registrations';
const body = (captcha?: string) => ({
  fields: { firstName: 'Eve', lastName: 'Example', email: 'eve@example.org', postalCode: '10115' },
  consent: { privacy: true, version: '1' },
  ...(captcha === undefined ? {} : { captcha }),
});

forEachBackend('hCaptcha', (backend) => {
  const standin = new CaptchaStandin(new URL(TOUR_ORIGIN).hostname);
  let server: TestServer;
  beforeAll(async () => {
    await standin.start();
    server = await backend.start({
      startWorker: false,
      captcha: new HCaptchaVerifier(STANDIN_SECRET, standin.url, 300),
    });
  });
  afterAll(async () => {
    await server.close();
    await standin.stop();
  });

  async function refused(captcha: string | undefined, status: number, code: string) {
    const res = await server.post(PATH, body(captcha), { 'x-forwarded-for': '203.0.113.7' });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await countRows(server, 'registrations')).toBe(0);
    expect(await countRows(server, 'outbox')).toBe(0);
  }

  it('refuses a missing answer without asking hCaptcha', async () => {
    const before = standin.requests.length;
    await refused(undefined, 400, 'CAPTCHA_REQUIRED');
    expect(standin.requests.length).toBe(before);
  });

  it('refuses a wrong answer', () => refused('wrong', 403, 'CAPTCHA_FAILED'));

  it('refuses an answer solved on another host', () => refused('pass-elsewhere', 403, 'CAPTCHA_FAILED'));

  it('refuses when the verifier does not answer in time (fail closed)', () =>
    refused('slow', 503, 'CAPTCHA_UNAVAILABLE'));

  it('accepts a valid answer and sends the protocol fields', async () => {
    const res = await server.post(PATH, body('pass'), { 'x-forwarded-for': '203.0.113.7' });
    expect(res.status).toBe(202);
    expect(await countRows(server, 'registrations')).toBe(1);
    expect(await countRows(server, 'outbox')).toBe(1);
    expect(standin.requests.at(-1)).toEqual({
      secret: STANDIN_SECRET,
      response: 'pass',
      remoteip: '203.0.113.7',
      sitekey: '10000000-ffff-ffff-ffff-000000000001',
    });
  });

  it('publishes the site key in the gate config, never the secret', async () => {
    const res = await server.get('/v1/tours/captcha-tour/gate');
    const text = await res.text();
    expect(JSON.parse(text).captcha).toEqual({ provider: 'hcaptcha', siteKey: '10000000-ffff-ffff-ffff-000000000001' });
    expect(text).not.toContain(STANDIN_SECRET);
  });

  it('refuses everything when the server has no hCaptcha secret', async () => {
    const bare = await backend.start({ startWorker: false });
    const res = await bare.post(PATH, body('pass'));
    expect(res.status).toBe(503);
    expect(await countRows(bare, 'registrations')).toBe(0);
    await bare.close();
  });

  it('is reached through GATE_HCAPTCHA_SECRET and GATE_HCAPTCHA_VERIFY_URL', async () => {
    const viaEnv = await backend.start({
      startWorker: false,
      hcaptchaSecret: STANDIN_SECRET,
      hcaptchaVerifyUrl: standin.url,
    });
    expect((await viaEnv.post(PATH, body('wrong'))).status).toBe(403);
    expect((await viaEnv.post(PATH, body('pass'))).status).toBe(202);
    await viaEnv.close();
  });
});
