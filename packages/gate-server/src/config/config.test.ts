import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HCAPTCHA_TEST_SECRET } from '../security/captcha.ts';
import { ConfigFileError, loadConfigFile } from './config-file.ts';
import { EnvError, readEnv } from './env.ts';

function writeConfig(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tg-config-')), 'tour-gate.config.json');
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

const broker = { id: 'b', name: 'B', email: 'b@example.org' };
const tour = {
  id: 't',
  broker: 'b',
  title: 'T',
  pageUrl: 'https://x.example/t',
  consent: { privacyUrl: 'https://x.example/p' },
};

describe('config file', () => {
  it('loads a valid file with defaults filled in', () => {
    const cfg = loadConfigFile(writeConfig({ brokers: [broker], tours: [tour] }));
    expect(cfg.tours[0]).toMatchObject({ mode: 'email', linkValidityDays: 14, reviewValidityDays: 30, locale: 'de' });
  });

  it('names the file, the path inside it and what is wrong', () => {
    const file = writeConfig({ brokers: [broker], tours: [{ ...tour, mode: 'sometimes', broker: 'nobody' }] });
    let error: unknown;
    try {
      loadConfigFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/tours\[0\]\.mode: .*email.*manual/);
    expect(() => loadConfigFile(writeConfig({ brokers: [broker], tours: [{ ...tour, broker: 'nobody' }] }))).toThrow(
      'tours[0].broker: no broker with id "nobody"',
    );
  });

  it('reports broken JSON, a missing file, unknown keys and a non-required email', () => {
    expect(() => loadConfigFile(writeConfig('{ "brokers": ['))).toThrow(/not valid JSON/);
    expect(() => loadConfigFile('/nonexistent/tour-gate.config.json')).toThrow(/file not found/);
    expect(() => loadConfigFile(writeConfig({ brokers: [broker], tours: [{ ...tour, colour: 'red' }] }))).toThrow(
      /tours\[0\]: Unrecognized key: "colour"/,
    );
    expect(() =>
      loadConfigFile(writeConfig({ brokers: [broker], tours: [{ ...tour, fields: { email: 'optional' } }] })),
    ).toThrow(/tours\[0\]\.fields\.email: email is always required/);
  });
});

describe('environment', () => {
  it('runs on embedded defaults in development', () => {
    const env = readEnv({});
    expect(env.databaseUrl).toBe('./data/tour-gate.sqlite');
    expect(env.smtpUrl).toBeUndefined();
    expect(env.production).toBe(false);
  });

  it('refuses to start in production without a secret, with the hCaptcha test secret, or without SMTP', () => {
    let error: unknown;
    try {
      readEnv({ NODE_ENV: 'production', GATE_HCAPTCHA_SECRET: HCAPTCHA_TEST_SECRET });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const problems = (error as EnvError).problems.join('\n');
    expect(problems).toContain('GATE_SECRET is required');
    expect(problems).toContain("hCaptcha's public test secret");
    expect(problems).toContain('GATE_SMTP_URL is required');
  });

  it('starts in production with everything set', () => {
    const env = readEnv({
      NODE_ENV: 'production',
      GATE_SECRET: randomBytes(36).toString('base64url'),
      GATE_SMTP_URL: 'smtp://mail.example:587',
      GATE_PUBLIC_URL: 'https://gate.example.com',
    });
    expect(env.mailFrom).toBe('tour-gate <no-reply@gate.example.com>');
  });
});
