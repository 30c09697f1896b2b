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
 * The broker's contact person as the broker record knows them: a `salutation` (`ms`/`mr`) and
 * `lastName` if the record has them (a broker profile may add them), else the name as given.
 */
export function brokerSalutation(broker: BrokerConfig): string | undefined {
  const s = (broker as BrokerConfig & { salutation?: unknown }).salutation;
  return typeof s === 'string' ? s : undefined;
}

export function brokerAddressName(broker: BrokerConfig, locale: Locale): string {
  const b = broker as BrokerConfig & { salutation?: unknown; firstName?: unknown; lastName?: unknown };
  if (TITLED.has(String(b.salutation)) && typeof b.lastName === 'string' && b.lastName.trim()) {
    return addressName(b, locale);
  }
  return broker.name;
}
