import type { GateConfigFileInput } from '@tour-gate/shared/config';
import { parseConfig } from '../src/config/config-file.ts';

export const TOUR_ORIGIN = 'https://tour.example.com';

/** Two brokers, tours in both modes, one with hCaptcha. */
export function testConfig(overrides: { tours?: GateConfigFileInput['tours'] } = {}) {
  const input: GateConfigFileInput = {
    brokers: [
      {
        id: 'mueller',
        name: 'Anna Müller',
        company: 'Müller Immobilien GmbH',
        email: 'anna@mueller-immobilien.example',
        phone: '+49 221 555 0100',
        website: 'https://mueller-immobilien.example',
      },
      { id: 'schmidt', name: 'Jan Schmidt', email: 'jan@schmidt.example', locale: 'en' },
    ],
    tours: overrides.tours ?? [
      {
        id: 'musterstrasse-12',
        broker: 'mueller',
        title: 'Musterstraße 12, Köln',
        pageUrl: `${TOUR_ORIGIN}/musterstrasse-12`,
        allowedOrigins: [TOUR_ORIGIN],
        mode: 'email',
        fields: { phone: 'required', company: 'hidden' },
        customFields: [
          {
            key: 'budget',
            label: { de: 'Budget', en: 'Budget' },
            type: 'text',
            maxLength: 40,
            requirement: 'optional',
          },
        ],
        viewpoints: { protect: 'list', ids: ['schlafzimmer', 'bad'] },
        // The broker's mail per lead (the default, each-lead) is tested with the manual-release
        // tours (manual-helpers.ts); these tests count the visitor's mails only.
        notifications: { broker: 'off' },
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz', version: '2026-01', marketing: true },
      },
      {
        id: 'gartenweg-3',
        broker: 'mueller',
        title: 'Gartenweg 3',
        pageUrl: `${TOUR_ORIGIN}/gartenweg-3`,
        mode: 'manual',
        consent: { privacyUrl: 'https://mueller-immobilien.example/datenschutz' },
      },
      {
        id: 'captcha-tour',
        broker: 'schmidt',
        title: 'Lindenallee 7',
        pageUrl: `${TOUR_ORIGIN}/lindenallee-7`,
        locale: 'en',
        captcha: { siteKey: '10000000-ffff-ffff-ffff-000000000001' },
        notifications: { broker: 'off' },
        consent: { privacyUrl: 'https://schmidt.example/privacy' },
      },
    ],
  };
  return parseConfig(input);
}

/** A valid registration for `musterstrasse-12`. */
export function registration(email = 'erika@example.org', extra: Record<string, string | boolean> = {}) {
  return {
    fields: {
      firstName: 'Erika',
      lastName: 'Mustermann',
      email,
      phone: '+49 170 1234567',
      postalCode: '50667',
      ...extra,
    },
    consent: { privacy: true, marketing: false, version: '2026-01' },
    locale: 'de' as const,
    viewpoint: 'schlafzimmer',
  };
}
