/**
 * The widget's answer guards against the shared zod schemas they stand in for: every case is
 * put to both, and both must agree — accepting every well-formed answer and refusing every
 * malformed one. A guard that accepts anything fails the refusals; one that refuses too much
 * fails the acceptances; a case that is not what its name says fails on the schema's side.
 */
import { expect } from '@open-wc/testing';
import {
  accessResponseSchema,
  gateConfigSchema,
  newLinkResponseSchema,
  registrationResponseSchema,
  FIELD_TYPES as SHARED_FIELD_TYPES,
  unlockResponseSchema,
} from '@tour-gate/shared';
import { FIELD_TYPES, type Guard, isAccessResponse, isGateConfig, isUnlockResponse } from './wire.ts';
import { isNewLinkResponse, isRegistrationResponse } from './wire-mask.ts';

interface Schema {
  safeParse(value: unknown): { success: boolean };
}

/** Marks a property to remove in `variant`. */
const REMOVE = Symbol('remove');

/** A deep copy of `value` with the property at `path` set to `to` (or removed). */
function variant(value: unknown, path: (string | number)[], to: unknown): unknown {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (to === REMOVE) delete parent[last];
  else parent[last] = to;
  return copy;
}

/** Checks guard and schema on each case: both accept the `valid` ones and refuse the `invalid` ones. */
function agree(
  guard: Guard<unknown>,
  schema: Schema,
  cases: { valid: Record<string, unknown>; invalid: Record<string, unknown> },
): void {
  for (const [name, value] of Object.entries(cases.valid)) {
    expect(schema.safeParse(value).success, `the schema accepts ${name}`).to.equal(true);
    expect(guard(value), `the guard accepts ${name}`).to.equal(true);
  }
  for (const [name, value] of Object.entries(cases.invalid)) {
    expect(schema.safeParse(value).success, `the schema refuses ${name}`).to.equal(false);
    expect(guard(value), `the guard refuses ${name}`).to.equal(false);
  }
}

/** What is not an object at all. */
const NOT_OBJECTS = { null: null, 'an array': [], 'a string': 'ok', 'a number': 1, nothing: undefined };

/** Every optional part present, so each can be broken too. */
const FULL_CONFIG = {
  tour: 'musterstrasse-12',
  title: 'Musterstraße 12',
  mode: 'email',
  locale: 'de',
  fields: [
    { key: 'email', type: 'email', required: true, maxLength: 254, autocomplete: 'email' },
    { key: 'postalCode', type: 'text', required: true, maxLength: 10, pattern: '^\\d{5}$' },
    {
      key: 'salutation',
      type: 'select',
      required: false,
      maxLength: 20,
      options: [{ value: 'ms' }, { value: 'mr', label: { de: 'Herr', en: 'Mr' } }],
    },
    { key: 'budget', type: 'checkbox', required: false, maxLength: 1, label: { de: 'Budget', en: 'Budget' } },
  ],
  viewpoints: { protect: 'list', ids: ['bedroom', 'kitchen'] },
  broker: {
    name: 'Maria Makler',
    company: 'Makler GmbH',
    email: 'maria@makler.example',
    phone: '+49 30 123',
    website: 'https://makler.example',
    address: 'Hauptstraße 1, 10115 Berlin',
  },
  captcha: { provider: 'hcaptcha', siteKey: '10000000-ffff-ffff-ffff-000000000001' },
  consent: {
    privacyUrl: 'https://makler.example/privacy',
    termsUrl: 'https://makler.example/terms',
    version: '3',
    marketing: true,
  },
  linkValidityDays: 14,
};

const MINIMAL_CONFIG = {
  tour: 'gartenweg-3',
  title: 'Gartenweg 3',
  mode: 'manual',
  locale: 'en',
  fields: [{ key: 'email', type: 'email', required: true, maxLength: 254 }],
  viewpoints: { protect: 'all-except', ids: [] },
  broker: { name: 'Maria Makler' },
  captcha: null,
  consent: { privacyUrl: 'https://makler.example/privacy', version: '1', marketing: false },
  linkValidityDays: 7,
};

describe('answer guards agree with the shared schemas', () => {
  it('know the same field types as the shared field catalogue', () => {
    expect([...FIELD_TYPES]).to.deep.equal([...SHARED_FIELD_TYPES]);
  });

  it('gate config', () => {
    const without = (path: (string | number)[]) => variant(FULL_CONFIG, path, REMOVE);
    const set = (path: (string | number)[], to: unknown) => variant(FULL_CONFIG, path, to);
    const missing = Object.fromEntries(
      [
        ['tour'],
        ['title'],
        ['mode'],
        ['locale'],
        ['fields'],
        ['viewpoints'],
        ['viewpoints', 'protect'],
        ['viewpoints', 'ids'],
        ['broker'],
        ['broker', 'name'],
        ['captcha'],
        ['captcha', 'provider'],
        ['captcha', 'siteKey'],
        ['consent'],
        ['consent', 'privacyUrl'],
        ['consent', 'version'],
        ['consent', 'marketing'],
        ['linkValidityDays'],
        ['fields', 0, 'key'],
        ['fields', 0, 'type'],
        ['fields', 0, 'required'],
        ['fields', 0, 'maxLength'],
        ['fields', 2, 'options', 0, 'value'],
        ['fields', 2, 'options', 1, 'label', 'en'],
        ['fields', 3, 'label', 'de'],
      ].map((path) => [`without ${path.join('.')}`, without(path)]),
    );
    agree(isGateConfig, gateConfigSchema, {
      valid: {
        'a config with every optional part': FULL_CONFIG,
        'a config with no optional part': MINIMAL_CONFIG,
        'no fields': set(['fields'], []),
        'manual release': set(['mode'], 'manual'),
        'every viewpoint but a list': set(['viewpoints', 'protect'], 'all-except'),
        'a key from a newer server': set(['since'], '2030'),
        ...Object.fromEntries(SHARED_FIELD_TYPES.map((type) => [`a ${type} field`, set(['fields', 0, 'type'], type)])),
      },
      invalid: {
        ...NOT_OBJECTS,
        ...missing,
        'a numeric tour': set(['tour'], 12),
        'a null title': set(['title'], null),
        'an unknown mode': set(['mode'], 'auto'),
        'a mode in capitals': set(['mode'], 'EMAIL'),
        'an unknown locale': set(['locale'], 'fr'),
        'fields as an object': set(['fields'], { email: {} }),
        'a field that is null': set(['fields', 1], null),
        'a field that is a string': set(['fields', 1], 'email'),
        'an unknown field type': set(['fields', 0, 'type'], 'date'),
        'a numeric field key': set(['fields', 0, 'key'], 1),
        '"required" as a string': set(['fields', 0, 'required'], 'true'),
        'maxLength as a string': set(['fields', 0, 'maxLength'], '254'),
        'a label as a string': set(['fields', 3, 'label'], 'Budget'),
        'a null label': set(['fields', 3, 'label'], null),
        'options as a string': set(['fields', 2, 'options'], 'ms,mr'),
        'an option that is a string': set(['fields', 2, 'options', 0], 'ms'),
        'a numeric option value': set(['fields', 2, 'options', 0, 'value'], 1),
        'an option label as a string': set(['fields', 2, 'options', 1, 'label'], 'Herr'),
        'a numeric pattern': set(['fields', 1, 'pattern'], 5),
        'a boolean autocomplete': set(['fields', 0, 'autocomplete'], false),
        'viewpoints as a list': set(['viewpoints'], ['bedroom']),
        'an unknown protect rule': set(['viewpoints', 'protect'], 'some'),
        'ids as a string': set(['viewpoints', 'ids'], 'bedroom'),
        'a numeric viewpoint id': set(['viewpoints', 'ids', 1], 7),
        'a broker as a string': set(['broker'], 'Maria Makler'),
        'a numeric broker phone': set(['broker', 'phone'], 4930123),
        'a null broker email': set(['broker', 'email'], null),
        'captcha as a string': set(['captcha'], 'hcaptcha'),
        'another captcha provider': set(['captcha', 'provider'], 'recaptcha'),
        'a numeric site key': set(['captcha', 'siteKey'], 1),
        'consent as true': set(['consent'], true),
        'a null terms URL': set(['consent', 'termsUrl'], null),
        'a numeric consent version': set(['consent', 'version'], 3),
        'marketing as a string': set(['consent', 'marketing'], 'yes'),
        'link validity as a string': set(['linkValidityDays'], '14'),
      },
    });
  });

  it('registration answer', () => {
    agree(isRegistrationResponse, registrationResponseSchema, {
      valid: {
        'check-email': { status: 'check-email' },
        'awaiting-approval': { status: 'awaiting-approval' },
      },
      invalid: {
        ...NOT_OBJECTS,
        'no status': {},
        'an unknown status': { status: 'accepted' },
        'a numeric status': { status: 202 },
      },
    });
  });

  it('unlock answer', () => {
    const full = {
      accessToken: 'a.b.c',
      expiresAt: '2030-01-01T00:00:00.000Z',
      tour: 'musterstrasse-12',
      assets: { query: 't=1&sig=x', expiresAt: '2030-01-01T00:10:00.000Z' },
    };
    agree(isUnlockResponse, unlockResponseSchema, {
      valid: { 'with an asset grant': full, 'without an asset grant': variant(full, ['assets'], REMOVE) },
      invalid: {
        ...NOT_OBJECTS,
        'without accessToken': variant(full, ['accessToken'], REMOVE),
        'without expiresAt': variant(full, ['expiresAt'], REMOVE),
        'without tour': variant(full, ['tour'], REMOVE),
        'a numeric accessToken': variant(full, ['accessToken'], 1),
        'a numeric expiresAt': variant(full, ['expiresAt'], 1893456000),
        'a null asset grant': variant(full, ['assets'], null),
        'an asset grant as a string': variant(full, ['assets'], 't=1'),
        'an asset grant without query': variant(full, ['assets', 'query'], REMOVE),
        'an asset grant without expiresAt': variant(full, ['assets', 'expiresAt'], REMOVE),
      },
    });
  });

  it('new-link answer', () => {
    agree(isNewLinkResponse, newLinkResponseSchema, {
      valid: { 'check-email': { status: 'check-email' } },
      invalid: {
        ...NOT_OBJECTS,
        'no status': {},
        'a registration status only': { status: 'awaiting-approval' },
      },
    });
  });

  it('access answer', () => {
    const full = {
      valid: true,
      tour: 'musterstrasse-12',
      expiresAt: '2030-01-01T00:00:00.000Z',
      assets: { query: 't=1&sig=x', expiresAt: '2030-01-01T00:10:00.000Z' },
    };
    agree(isAccessResponse, accessResponseSchema, {
      valid: { 'with an asset grant': full, 'without an asset grant': variant(full, ['assets'], REMOVE) },
      invalid: {
        ...NOT_OBJECTS,
        'valid: false': variant(full, ['valid'], false),
        'valid as a string': variant(full, ['valid'], 'true'),
        'without valid': variant(full, ['valid'], REMOVE),
        'without tour': variant(full, ['tour'], REMOVE),
        'without expiresAt': variant(full, ['expiresAt'], REMOVE),
        'an asset grant with a numeric query': variant(full, ['assets', 'query'], 1),
      },
    });
  });
});
