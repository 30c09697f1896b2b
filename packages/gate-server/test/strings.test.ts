/**
 * Every German and English string table has the same keys (both ways, nested), and mails greet
 * people the way a native speaker would: by the chosen salutation, else the full name.
 */
import { GLOSSARY, GLOSSARY_STATUS_CODES, missingKeys } from '@tour-gate/shared';
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { describe, expect, it } from 'vitest';
import { settingsStrings } from '../src/dashboard/settings-strings.ts';
import { DASH_STRINGS } from '../src/dashboard/strings.ts';
import { webhookStrings } from '../src/dashboard/views/webhooks.ts';
import { renderConfirmationMail } from '../src/mail/confirmation-mail.ts';
import { renderDenyMail } from '../src/mail/deny-mail.ts';
import { renderLoginMail } from '../src/mail/login-mail.ts';
import { renderReviewRequestMail } from '../src/mail/review-request-mail.ts';
import { addressName, brokerAddressName } from '../src/mail/salutation.ts';
import { mailStrings } from '../src/mail/strings.ts';
import { renderUnlockMail } from '../src/mail/unlock-mail.ts';
import { STATUSES } from '../src/store/statistics.ts';

const tables: [string, { de: unknown; en: unknown }][] = [
  ['mail and review page (mail/strings.ts)', mailStrings],
  ['dashboard (dashboard/strings.ts)', DASH_STRINGS],
  ['dashboard settings (dashboard/settings-strings.ts)', { de: settingsStrings('de'), en: settingsStrings('en') }],
  ['webhook pages (dashboard/views/webhooks.ts)', { de: webhookStrings('de'), en: webhookStrings('en') }],
  ['glossary (shared)', GLOSSARY],
];

describe('string tables', () => {
  it.each(tables)('%s: German and English have the same keys', (_name, t) => {
    expect(missingKeys(t.en, t.de), 'missing in German').toEqual([]);
    expect(missingKeys(t.de, t.en), 'missing in English').toEqual([]);
  });

  it('every stored status has a glossary entry, and the review page and dashboard use its words', () => {
    for (const status of STATUSES) {
      expect(GLOSSARY_STATUS_CODES).toContain(status);
      for (const l of ['de', 'en'] as const) {
        expect(mailStrings[l].reviewPage.statuses[status]).toBe(GLOSSARY[l].status[status].label);
        expect(DASH_STRINGS[l].status[status]).toBe(GLOSSARY[l].status[status].label);
      }
    }
  });

  it('German texts say "E-Mail" and "Schaltfläche", never "Knopf" or the other word for granting', () => {
    const de = JSON.stringify(mailStrings.de);
    expect(de).not.toMatch(/Knopf|gewähr|Gewähr|per Mail|Hallo/);
    const en = JSON.stringify(mailStrings.en);
    // The English salutation for "divers" is the English title, not a German word.
    expect(en).not.toMatch(/Diverse/);
    expect(mailStrings.en.salutations.diverse).toBe('Mx');
  });
});

const broker: BrokerConfig = {
  id: 'mueller',
  name: 'Anna Müller',
  company: 'Müller Immobilien',
  email: 'anna@mueller.example',
  locale: 'de',
  retentionDays: 365,
};
const tour = {
  id: 'gartenweg-3',
  title: 'Gartenweg 3',
  customFields: [],
  consent: { privacyUrl: 'https://t.example/privacy', version: '1', marketing: false },
  viewpointLabels: { schlafzimmer: { de: 'Schlafzimmer', en: 'Bedroom' } },
} as unknown as TourConfig;
const fields = (f: Record<string, string>) => JSON.stringify({ email: 'erika@example.org', ...f });

describe('salutations', () => {
  it.each([
    [{ salutation: 'ms', firstName: 'Erika', lastName: 'Mustermann' }, 'de', 'Frau Mustermann'],
    [{ salutation: 'mr', firstName: 'Max', lastName: 'Mustermann' }, 'de', 'Herr Mustermann'],
    [{ salutation: 'ms', firstName: 'Erika', lastName: 'Mustermann' }, 'en', 'Ms Mustermann'],
    [{ salutation: 'mr', firstName: 'Max', lastName: 'Mustermann' }, 'en', 'Mr Mustermann'],
    // "divers": no title, the full name.
    [{ salutation: 'diverse', firstName: 'Kim', lastName: 'Mustermann' }, 'de', 'Kim Mustermann'],
    [{ firstName: 'Erika', lastName: 'Mustermann' }, 'de', 'Erika Mustermann'],
    // A salutation without a last name: what there is.
    [{ salutation: 'ms', firstName: 'Erika' }, 'de', 'Erika'],
    [{}, 'de', ''],
  ] as const)('%j in %s → "%s"', (person, locale, expected) => {
    expect(addressName(person, locale)).toBe(expected);
  });

  it('greets the visitor by the chosen salutation in every mail, in one style', () => {
    const name = addressName({ salutation: 'ms', firstName: 'Erika', lastName: 'Mustermann' }, 'de');
    const mails = [
      renderConfirmationMail({ tour, broker, locale: 'de', name }),
      renderDenyMail({ tour, broker, locale: 'de', name }),
      renderUnlockMail({ tour, broker, locale: 'de', name, link: 'https://t.example/#x', expiresAt: 0 }),
    ];
    for (const m of mails) {
      expect(m.text.startsWith('Guten Tag Frau Mustermann,\n\n')).toBe(true);
      expect(m.html).toContain('Guten Tag Frau Mustermann,');
    }
    const en = renderUnlockMail({
      tour,
      broker,
      locale: 'en',
      name: addressName({ salutation: 'mr', lastName: 'Smith' }, 'en'),
      link: 'https://t.example/#x',
      expiresAt: 0,
    });
    expect(en.text.startsWith('Hello Mr Smith,\n\nThank you for your interest')).toBe(true);
    expect(renderUnlockMail({ tour, broker, locale: 'de', name: '', link: 'x', expiresAt: 0 }).text).toMatch(
      /^Guten Tag,\n/,
    );
  });

  it('addresses the broker by name, in the same style, and names the contact by salutation when known', () => {
    const login = renderLoginMail(broker, 'https://gate.example/dashboard/login/abc');
    expect(login.text).toMatch(/^Guten Tag Anna Müller,\n\nmit dem folgenden Link melden Sie sich/);
    expect(login.text).toContain('Der Link ist 15 Minuten gültig und kann einmal verwendet werden.');
    expect(login.text).not.toMatch(/Schaltfläche|Knopf/);
    expect(login.html).toContain('mit der Schaltfläche unten');
    // The broker record has no salutation: a neutral heading, never "Ihr Ansprechpartner" for Anna.
    const unlock = renderUnlockMail({ tour, broker, locale: 'de', name: '', link: 'x', expiresAt: 0 });
    expect(unlock.text).toContain('Ihr Kontakt\nAnna Müller');
    // With the profile's salutation: the fitting word and greeting.
    const withProfile = { ...broker, salutation: 'ms' } as BrokerConfig;
    expect(
      renderUnlockMail({ tour, broker: withProfile, locale: 'de', name: '', link: 'x', expiresAt: 0 }).text,
    ).toContain('Ihre Ansprechpartnerin\nAnna Müller');
    expect(brokerAddressName(withProfile, 'de')).toBe('Frau Müller');
    expect(renderLoginMail(withProfile, 'https://g/x').text).toMatch(/^Guten Tag Frau Müller,\n/);
    const particle = { ...broker, name: 'Andre van de Bruck', salutation: 'mr' } as BrokerConfig;
    expect(brokerAddressName(particle, 'de')).toBe('Herr van de Bruck');
    expect(brokerAddressName({ ...particle, locale: 'en' }, 'en')).toBe('Mr van de Bruck');
    const asMr = { ...broker, name: 'Jan Schmidt', salutation: 'mr' } as BrokerConfig;
    expect(renderUnlockMail({ tour, broker: asMr, locale: 'de', name: '', link: 'x', expiresAt: 0 }).text).toContain(
      'Ihr Ansprechpartner\nJan Schmidt',
    );
  });

  it('writes plain-text parts for plain text, and keeps "E-Mail" in one piece in HTML', () => {
    const review = renderReviewRequestMail({
      tour,
      broker,
      registration: {
        fields: fields({ salutation: 'ms', firstName: 'Erika', lastName: 'Mustermann' }),
        email: 'erika@example.org',
        viewpoint: 'schlafzimmer',
        consent_at: 0,
        consent_version: '1',
        consent_marketing: 0,
        consent_marketing_offered: 0,
        consent_marketing_confirmed_at: null,
      } as Parameters<typeof renderReviewRequestMail>[0]['registration'],
      requestedAt: 0,
      link: 'https://gate.example/review/abc',
      expiresAt: 0,
      leadLink: 'https://gate.example/dashboard/tours/gartenweg-3/leads/r1',
    });
    expect(review.text).toContain(
      'Erika Mustermann bittet um Zugang zum Rundgang „Gartenweg 3“ und wollte den Standpunkt „Schlafzimmer“ sehen.',
    );
    expect(review.text).toContain('Anfrage prüfen und entscheiden:\nhttps://gate.example/review/abc');
    expect(review.text).toContain(
      'Dieser Interessent in Ihrem Dashboard:\nhttps://gate.example/dashboard/tours/gartenweg-3/leads/r1',
    );
    expect(review.text).not.toMatch(/Schaltfläche|Knopf|klicken/);
    expect(review.text).toContain('Anrede: Frau');
    expect(review.html).toContain('<span style="white-space:nowrap">E-Mail</span>');
    const body = review.html.slice(review.html.indexOf('<body'));
    const all = body.split('E-Mail').length - 1;
    expect(all).toBeGreaterThan(1);
    expect(body.split('<span style="white-space:nowrap">E-Mail</span>').length - 1).toBe(all);
    const unlock = renderUnlockMail({
      tour,
      broker,
      locale: 'de',
      name: '',
      link: 'https://t.example/#x',
      expiresAt: 0,
    });
    expect(unlock.text).toContain(
      'Mit diesem Link öffnen Sie den vollständigen Rundgang mit allen geschützten Standpunkten:\nhttps://t.example/#x',
    );
    expect(unlock.text).not.toMatch(/Schaltfläche/);
  });

  it('the grant mail says the broker approved, and how', () => {
    const base = { tour, broker, locale: 'de' as const, name: 'Frau Mustermann', link: 'x', expiresAt: 0 };
    expect(renderUnlockMail({ ...base, occasion: 'granted' }).subject).toBe(
      'Ihre Anfrage wurde freigegeben: Gartenweg 3',
    );
    expect(renderUnlockMail({ ...base, occasion: 'granted' }).text).toContain('wurde freigegeben');
    expect(renderUnlockMail({ ...base, occasion: 'granted-after-deny' }).text).toContain('nun doch freigegeben');
    expect(renderUnlockMail({ ...base, occasion: 'granted-again' }).subject).toBe(
      'Ihr Zugang wurde wieder freigegeben: Gartenweg 3',
    );
    expect(renderUnlockMail(base).subject).toBe('Ihr Zugang zum virtuellen Rundgang: Gartenweg 3');
  });
});
