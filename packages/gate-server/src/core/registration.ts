/**
 * The registration as the use cases see it: the visitor's name and language, and the
 * addresses mails about them answer to.
 */
import type { Tour } from '../config/tours.ts';
import { decodeFields, type ReplyTo } from '../store/codecs.ts';
import type { Registration } from '../store/schema.ts';
import { plainDisplayName } from '../util/display-name.ts';

export type Locale = 'de' | 'en';

/** "Erika Mustermann": first and last name as typed, whichever the tour asked for. */
export function visitorName(reg: Pick<Registration, 'fields'>): string {
  const f = decodeFields(reg.fields);
  return [f.firstName, f.lastName].filter((v) => typeof v === 'string' && v).join(' ');
}

/** The language the visitor used in the mask; mails to them follow it. */
export function localeOf(reg: Pick<Registration, 'locale'>): Locale {
  return reg.locale === 'en' ? 'en' : 'de';
}

/**
 * Mails to the broker answer to the visitor. The visitor's name goes into a header only here,
 * as the display name of this address object, and only as a plain phrase: encoded words,
 * format characters (bidi controls), control characters, quotes and angle brackets go
 * (`plainDisplayName`, which the transport applies to every name again), and so do the
 * characters that give an address header its structure (`@ , ; : ( ) [ ] \`), so no part of it
 * reads as an address.
 */
export function visitorReplyTo(reg: Pick<Registration, 'fields' | 'email'>): ReplyTo {
  const name = plainDisplayName(visitorName(reg).replace(/[@,;:()[\]\\]/g, ' '));
  return { name, address: reg.email };
}

/** Mails to the visitor answer to the broker. */
export function brokerReplyTo(tour: Tour): ReplyTo | null {
  return tour.broker.email ? { name: tour.broker.name, address: tour.broker.email } : null;
}
