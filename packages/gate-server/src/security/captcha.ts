/**
 * hCaptcha verification (siteverify protocol): a form-encoded POST of `secret`, `response`,
 * `remoteip` and `sitekey`, through the server's HTTP client (no redirects, no retries). Only
 * `success: true` from an allowed hostname passes; a timeout, an unreachable verifier, a redirect,
 * an error status or an answer that is not JSON refuses (fail closed).
 */

import { GateError } from '@tour-gate/shared';
import { createHttpClient, type HttpClient } from '../util/http-client.ts';

export const HCAPTCHA_VERIFY_URL = 'https://api.hcaptcha.com/siteverify';
/** hCaptcha's public test secret: accepts every answer, so it must never run in production. */
export const HCAPTCHA_TEST_SECRET = '0x0000000000000000000000000000000000000000';

export interface CaptchaCheck {
  token: string | undefined;
  siteKey: string;
  remoteIp: string | undefined;
  /** Hostnames the challenge may have been solved on (from the tour's allowed origins). */
  hostnames: readonly string[];
}

/** The fields of a check that come from the tour; callers add only the answer and the IP. */
export function tourCaptchaCheck(
  tour: { gate: { captcha: { siteKey: string } | null }; hostnames: readonly string[] },
  token: string | undefined,
  ip: string,
): CaptchaCheck | undefined {
  if (!tour.gate.captcha) return undefined;
  return {
    token,
    siteKey: tour.gate.captcha.siteKey,
    remoteIp: ip === 'unknown' ? undefined : ip,
    hostnames: tour.hostnames,
  };
}

export interface CaptchaVerifier {
  verify(check: CaptchaCheck): Promise<void>;
}

export class HCaptchaVerifier implements CaptchaVerifier {
  constructor(
    private readonly secret: string | undefined,
    private readonly verifyUrl = HCAPTCHA_VERIFY_URL,
    private readonly timeoutMs = 5000,
    private readonly http: HttpClient = createHttpClient(),
  ) {}

  async verify(check: CaptchaCheck): Promise<void> {
    if (!check.token) throw new GateError('CAPTCHA_REQUIRED', { fields: { captcha: 'required' } });
    if (!this.secret) {
      // A tour with a site key but a server without a secret can't check anything.
      throw new GateError('CAPTCHA_UNAVAILABLE', { message: 'GATE_HCAPTCHA_SECRET is not set.' });
    }
    const body = new URLSearchParams({ secret: this.secret, response: check.token, sitekey: check.siteKey });
    if (check.remoteIp) body.set('remoteip', check.remoteIp);
    let answer: unknown;
    try {
      answer = await this.http.json(this.verifyUrl, { method: 'POST', body, timeoutMs: this.timeoutMs });
    } catch (cause) {
      throw new GateError('CAPTCHA_UNAVAILABLE', { cause });
    }
    // Read field by field: only `success: true` and a string `hostname` count.
    const { success, hostname } =
      typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
    if (success !== true) throw new GateError('CAPTCHA_FAILED', { fields: { captcha: 'invalid' } });
    if (check.hostnames.length > 0 && (typeof hostname !== 'string' || !check.hostnames.includes(hostname))) {
      throw new GateError('CAPTCHA_FAILED', { fields: { captcha: 'invalid' } });
    }
  }
}
