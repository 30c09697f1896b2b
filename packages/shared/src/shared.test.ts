import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registrationRequestSchema } from './api.ts';
import { configJsonSchema, parseConfigFile } from './config.ts';
import { ERROR_CODES, GateError } from './errors.ts';
import type { GateField } from './fields.ts';
import { matchLocale } from './locale.ts';
import { checkFields } from './validate.ts';
import { isProtected } from './viewpoints.ts';

const fields: GateField[] = [
  { key: 'email', type: 'email', required: true, maxLength: 254 },
  { key: 'firstName', type: 'text', required: true, maxLength: 5 },
  { key: 'postalCode', type: 'text', required: false, maxLength: 10, pattern: '^[0-9]{4,5}$' },
  { key: 'message', type: 'textarea', required: false, maxLength: 100 },
  { key: 'newsletter', type: 'checkbox', required: false, maxLength: 5 },
  { key: 'salutation', type: 'select', required: false, maxLength: 16, options: [{ value: 'ms' }, { value: 'mr' }] },
];

describe('checkFields', () => {
  it('accepts valid values and trims them', () => {
    const r = checkFields(fields, { email: ' a@b.de ', firstName: 'Ann', message: 'line 1\nline 2', newsletter: true });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({ email: 'a@b.de', firstName: 'Ann', message: 'line 1\nline 2', newsletter: true });
  });

  it('names each problem by field', () => {
    const r = checkFields(fields, {
      email: 'nope',
      firstName: 'Annabelle',
      postalCode: '1',
      newsletter: 'yes',
      salutation: 'dr',
      extra: 'x',
    });
    expect(r.errors).toEqual({
      email: 'invalid_email',
      firstName: 'too_long',
      postalCode: 'invalid_postal_code',
      newsletter: 'invalid',
      salutation: 'invalid',
      extra: 'unknown',
    });
  });

  it('requires required fields and refuses line breaks in one-line fields', () => {
    expect(checkFields(fields, { firstName: '  ' }).errors).toEqual({ email: 'required', firstName: 'required' });
    expect(checkFields(fields, { email: 'a@b.de', firstName: 'A\rB' }).errors).toEqual({ firstName: 'invalid' });
  });
});

describe('contract', () => {
  it('gives every error code an HTTP status and message', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.message.length, code).toBeGreaterThan(5);
    }
    const e = new GateError('RATE_LIMITED', { retryAfter: 30 });
    expect(e.toBody()).toEqual({ error: { code: 'RATE_LIMITED', message: ERROR_CODES.RATE_LIMITED.message } });
    expect(e.status).toBe(429);
  });

  it('parses the registration request and refuses a wrong shape', () => {
    const ok = registrationRequestSchema.safeParse({
      fields: { email: 'a@b.de' },
      consent: { privacy: true, version: '1' },
    });
    expect(ok.success).toBe(true);
    expect(registrationRequestSchema.safeParse({ fields: { email: 3 }, consent: {} }).success).toBe(false);
  });

  it('matches locales and protected viewpoints', () => {
    expect(matchLocale('de-AT')).toBe('de');
    expect(matchLocale('fr')).toBeUndefined();
    expect(isProtected({ protect: 'list', ids: ['a'] }, 'a')).toBe(true);
    expect(isProtected({ protect: 'list', ids: ['a'] }, 'b')).toBe(false);
    expect(isProtected({ protect: 'all-except', ids: ['a'] }, 'a')).toBe(false);
    expect(isProtected({ protect: 'all-except', ids: [] }, 'z')).toBe(true);
  });

  it('accepts the sample config, and the committed JSON Schema is current', () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../../examples/tour-gate.config.json', import.meta.url), 'utf8'),
    );
    const parsed = parseConfigFile(sample);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    const committed = JSON.parse(readFileSync(new URL('../tour-gate.config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual({ title: 'tour-gate config', ...configJsonSchema() });
  });
});
