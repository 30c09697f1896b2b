/**
 * Server settings from the environment (names as in PRODUCT.md). In production a missing
 * secret, hCaptcha's public test secret or a missing SMTP URL stop the start.
 */
import { HCAPTCHA_TEST_SECRET, HCAPTCHA_VERIFY_URL } from '../security/captcha.ts';

export interface ServerEnv {
  production: boolean;
  publicUrl: string;
  secret: string;
  databaseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  hcaptchaSecret: string | undefined;
  hcaptchaVerifyUrl: string;
  port: number;
  configPath: string;
  /** `GATE_ADMIN_KEY`: the platform's bearer key for `/v1/admin` (unset: only broker keys work). */
  adminKey?: string | undefined;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot start tour-gate:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

const DEV_SECRET = 'tour-gate-development-secret-do-not-use-in-production';

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number, got "${env.PORT}"`);

  const secret = env.GATE_SECRET ?? '';
  if (production && !secret) problems.push('GATE_SECRET is required in production (at least 32 random characters)');
  if (secret && secret.length < 32) problems.push('GATE_SECRET must be at least 32 characters long');

  const smtpUrl = env.GATE_SMTP_URL || undefined;
  if (production && !smtpUrl)
    problems.push('GATE_SMTP_URL is required in production (the dev mailbox is for development only)');
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('GATE_SMTP_URL must start with smtp:// or smtps://');

  const hcaptchaSecret = env.GATE_HCAPTCHA_SECRET || undefined;
  if (production && hcaptchaSecret === HCAPTCHA_TEST_SECRET) {
    problems.push("GATE_HCAPTCHA_SECRET is hCaptcha's public test secret, which accepts every answer");
  }

  const publicUrl = (env.GATE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(publicUrl)) problems.push(`GATE_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  if (production && !env.GATE_PUBLIC_URL) problems.push('GATE_PUBLIC_URL is required in production');

  const adminKey = env.GATE_ADMIN_KEY || undefined;
  if (adminKey && adminKey.length < 32) problems.push('GATE_ADMIN_KEY must be at least 32 characters long');

  if (problems.length) throw new EnvError(problems);
  return {
    production,
    publicUrl,
    secret: secret || DEV_SECRET,
    databaseUrl: env.GATE_DATABASE_URL || './data/tour-gate.sqlite',
    smtpUrl,
    mailFrom: env.GATE_MAIL_FROM || `tour-gate <no-reply@${new URL(publicUrl).hostname}>`,
    hcaptchaSecret,
    hcaptchaVerifyUrl: env.GATE_HCAPTCHA_VERIFY_URL || HCAPTCHA_VERIFY_URL,
    port,
    configPath: env.GATE_CONFIG || './tour-gate.config.json',
    adminKey,
  };
}
