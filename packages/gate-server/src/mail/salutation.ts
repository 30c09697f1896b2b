/**
 * How a mail addresses someone: "Guten Tag Frau Mustermann," from the chosen salutation and
 * the last name; without a salutation (or with "divers"), the full name: "Guten Tag Erika
 * Mustermann,"; without any name, "Guten Tag,". The broker's contact person is addressed the
 * same way, from whatever the broker record says.
 */
import type { BrokerConfig } from '@tour-gate/shared/config';
import { decodeFields } from '../store/codecs.ts';
import type { Registration } from '../store/schema.ts';
import { mailStrings } from './strings.ts';

type Locale = 'de' | 'en';

/** Salutations that make a title ("Frau", "Ms"); any other value means: use the full name. */
const TITLED = new Set(['ms', 'mr']);

/** The name after "Guten Tag": "Frau Mustermann", "Erika Mustermann" or "". */
export function addressName(
  person: { salutation?: unknown; firstName?: unknown; lastName?: unknown },
  locale: Locale,
): string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const salutation = text(person.salutation);
  const first = text(person.firstName);
  const last = text(person.lastName);
  if (TITLED.has(salutation) && last) return `${mailStrings[locale].salutations[salutation]} ${last}`;
  return [first, last].filter(Boolean).join(' ');
}

/** The visitor's greeting name from the registration's fields. */
export function visitorAddressName(reg: Pick<Registration, 'fields'>, locale: Locale): string {
  return addressName(decodeFields(reg.fields), locale);
}

/**
 * The salutation of the broker's contact person (`ms`/`mr`), as the broker's profile sets it
 * over the broker record (`core/profile.ts`); undefined when unknown.
 */
export function brokerSalutation(broker: BrokerConfig): string | undefined {
  const s = (broker as BrokerConfig & { salutation?: unknown }).salutation;
  return typeof s === 'string' && TITLED.has(s) ? s : undefined;
}

/**
 * How mails greet the broker: with a known salutation "Frau Müller" (the last name: what
 * follows the first name, so "Andre van de Bruck" is "Herr van de Bruck"), else the name as
 * given.
 */
export function brokerAddressName(broker: BrokerConfig, locale: Locale): string {
  const salutation = brokerSalutation(broker);
  const words = broker.name.trim().split(/\s+/);
  if (!salutation || words.length < 2) return broker.name;
  return addressName({ salutation, lastName: words.slice(1).join(' ') }, locale);
}
