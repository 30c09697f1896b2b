/**
 * Production refuses secrets anyone could know or guess: the development secret, every value
 * written in the repository's docs, examples and tests, and low-entropy strings — for
 * GATE_SECRET and GATE_ADMIN_KEY alike, each problem named. The good secrets here are made at
 * run time, so none of them is written anywhere.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from '../src/config/env.ts';

const REPO = join(import.meta.dirname, '../../..');
const DEV_SECRET = 'tour-gate-development-secret-do-not-use-in-production';
const good = () => randomBytes(36).toString('base64url');

function problemsOf(env: Record<string, string>): string[] {
  try {
    readEnv({
      GATE_SMTP_URL: 'smtp://mail.example:587',
      GATE_PUBLIC_URL: 'https://gate.example.com',
      ...env,
    });
    return [];
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
}

/** Every literal value given to GATE_SECRET or GATE_ADMIN_KEY in the repository's text files. */
function valuesInRepository(): { file: string; value: string }[] {
  const out: { file: string; value: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (/^(node_modules|\.git|dist|\.tsbuild|test-output|data)$/.test(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(md|ts|js|json|ya?ml|env|sh|txt)$|^Dockerfile|^\.env/.test(name)) {
        const text = readFileSync(path, 'utf8');
        const re = /(GATE_SECRET|GATE_ADMIN_KEY)\s*[:=]\s*(?:(['"`])([^'"`\n]+)\2|([^\s'"`$(){},;]+))/g;
        for (const m of text.matchAll(re)) {
          const value = m[3] ?? m[4];
          if (value && value.length >= 32) out.push({ file: relative(REPO, path), value });
        }
      }
    }
  };
  walk(REPO);
  return out;
}

describe('production secrets', () => {
  for (const NODE_ENV of ['production', 'Production', 'PRODUCTION']) {
    it(`NODE_ENV=${NODE_ENV}: refuses the development secret`, () => {
      expect(problemsOf({ NODE_ENV, GATE_SECRET: DEV_SECRET })).toEqual([
        expect.stringMatching(/^GATE_SECRET is a known value/),
      ]);
    });
  }

  it('refuses every secret written in the repository, for GATE_SECRET and GATE_ADMIN_KEY', () => {
    const found = valuesInRepository();
    // The test harness's secret at least is written down.
    expect(found.map((f) => f.file)).toContain('packages/gate-server/test/harness.ts');
    for (const { file, value } of found) {
      for (const name of ['GATE_SECRET', 'GATE_ADMIN_KEY']) {
        const problems = problemsOf({ NODE_ENV: 'production', GATE_SECRET: good(), [name]: value });
        expect({ file, name, value, refused: problems.some((p) => p.startsWith(name)) }).toEqual({
          file,
          name,
          value,
          refused: true,
        });
      }
    }
  });

  it('refuses low-entropy secrets and keys, naming each problem', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      GATE_SECRET: 'a'.repeat(32),
      GATE_ADMIN_KEY: 'abcdabcdabcdabcdabcdabcdabcdabcdabcd',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^GATE_SECRET is too easy to guess: 1 different character/),
      expect.stringMatching(/^GATE_ADMIN_KEY is too easy to guess: 4 different characters/),
    ]);
    // Ten different characters, but one of them 31 times out of 40: about 59 bits.
    expect(problemsOf({ NODE_ENV: 'production', GATE_SECRET: `abcdefghij${'a'.repeat(30)}` })).toEqual([
      expect.stringMatching(/^GATE_SECRET is too easy to guess: 10 different characters, about 59 bits/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', GATE_SECRET: 'passwordpasswordpasswordpassword' })).toHaveLength(1);
  });

  it('starts with random secrets: base64 or hex, as openssl rand makes them', () => {
    for (let i = 0; i < 200; i++) {
      expect(
        problemsOf({
          NODE_ENV: 'production',
          GATE_SECRET: randomBytes(16).toString('hex'),
          GATE_ADMIN_KEY: randomBytes(24).toString('base64'),
        }),
      ).toEqual([]);
    }
  });

  it('development keeps starting with whatever it is given', () => {
    expect(problemsOf({ GATE_SECRET: 'a'.repeat(32) })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'development', GATE_SECRET: DEV_SECRET })).toEqual([]);
  });
});
