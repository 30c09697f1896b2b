/**
 * A tiny cookie-keeping client over `app.request()` for the dashboard tests, and the login
 * through the (dev) outbox: ask for a link, open it, press the button.
 */
import { expect } from 'vitest';
import type { GateServer } from '../src/server.ts';
import type { TestSmtp } from './smtp.ts';

export class DashClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly server: GateServer) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.server.app.request(path, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair ?? '').split('=') as [string, string];
      if (/max-age=0/i.test(c) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  post(path: string, form: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** GETs a page and posts one of its forms with its CSRF token. */
  async submit(pagePath: string, action: string, form: Record<string, string> = {}): Promise<Response> {
    const page = await this.get(pagePath);
    const csrf = csrfOf(await page.text());
    return this.post(action, { csrf, ...form });
  }
}

export const csrfOf = (html: string): string => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The newest login link mailed to `email`. */
/**
 * The sign-in link mailed to `email`: from the mail server when the test runs one (the outbox's
 * stored copy has its link cut out once the mail is sent), else from the outbox (dev mailbox).
 */
export async function loginLink(server: GateServer, email: string, smtp?: TestSmtp): Promise<string> {
  const LINK = /https?:\/\/\S+\/dashboard\/login\/[A-Za-z0-9_-]+/;
  let text: string | undefined;
  if (smtp) {
    const mail = await smtp.waitForMatch(
      (m) => m.envelopeTo.includes(email) && m.parsed.headers.get('x-tour-gate-mail') === 'login',
      10_000,
      () => `no login mail for ${email}`,
    );
    text = mail.parsed.text;
  } else {
    const mails = await server.store.outbox.list(50);
    text = mails.find((m) => m.kind === 'login' && m.recipient === email)?.text_body;
  }
  const url = text ? LINK.exec(text)?.[0] : undefined;
  if (!url) throw new Error(`no login mail for ${email}`);
  return url;
}

export async function loginAs(server: GateServer, email: string, smtp?: TestSmtp): Promise<DashClient> {
  const client = new DashClient(server);
  const sent = await client.submit('/dashboard/login', '/dashboard/login', { email });
  expect(sent.status).toBe(200);
  const path = new URL(await loginLink(server, email, smtp)).pathname;
  const res = await client.submit(path, path);
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/dashboard');
  return client;
}
