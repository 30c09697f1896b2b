/**
 * Leads as OpenImmo-Feedback (version 1.2.7), the XML that German broker software (onOffice,
 * FlowFact, Propstack…) imports inquiries from: `<openimmo_feedback>` with `version`, `sender`
 * and one `<objekt>` (the tour's object number `oobj_id`) holding one `<interessent>` per lead.
 * The standard allows several `interessent` in an `objekt`, so a period's leads are one valid
 * document, written page by page like the CSV export.
 *
 * Every element is built by fast-xml-parser's XMLBuilder, which escapes each value; only the
 * two wrapper tags of the streamed document are written as constants. Characters XML 1.0 does
 * not allow (control characters other than tab and line feed) are dropped, and line ends become
 * `\n`, which is what any XML parser reads them as anyway.
 */
import { SALUTATION_LABELS } from '@tour-gate/shared';
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import { XMLBuilder } from 'fast-xml-parser';
import { decodeFields, type MailAttachment } from '../../store/codecs.ts';
import type { LeadFilter, LeadStore } from '../../store/leads.ts';
import type { Registration } from '../../store/schema.ts';
import { dayOf } from '../../util/time.ts';

const OPENIMMO_FEEDBACK_VERSION = '1.2.7';
export const OPENIMMO_CONTENT_TYPE = 'application/xml';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

const NOT_IN_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 forbids
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A value as it can stand in XML 1.0: forbidden characters dropped, line ends as `\n`. */
export function xmlText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(NOT_IN_XML, '');
}

type Elements = Record<string, string>;

/** Only the values that are there, in the standard's element order. */
function present(pairs: [string, unknown][]): Elements {
  const out: Elements = {};
  for (const [k, v] of pairs) {
    if (typeof v === 'string' && v.trim() !== '') out[k] = xmlText(v);
  }
  return out;
}

/** 24.12.2025: the date form the standard's examples and the CRMs use, in the brokers' time zone. */
function germanDate(ms: number): string {
  const [y, m, d] = dayOf(Number(ms)).split('-');
  return `${d}.${m}.${y}`;
}

/** `<interessent>`: the visitor's data; the salutation as the word a CRM expects (Frau, Herr, Divers). */
function interessent(reg: Pick<Registration, 'fields' | 'email'>): Elements {
  const f = decodeFields(reg.fields);
  const salutation = typeof f.salutation === 'string' ? f.salutation : undefined;
  const anrede =
    salutation && salutation in SALUTATION_LABELS.de
      ? SALUTATION_LABELS.de[salutation as keyof typeof SALUTATION_LABELS.de]
      : salutation;
  return present([
    ['anrede', anrede],
    ['vorname', f.firstName],
    ['nachname', f.lastName],
    ['firma', f.company],
    ['strasse', f.street],
    ['plz', f.postalCode],
    ['ort', f.city],
    ['tel', f.phone],
    ['email', typeof f.email === 'string' && f.email ? f.email : reg.email],
    ['anfrage', f.message],
  ]);
}

/** `<sender>`: the broker (company, else name), the date, and the broker's id at this gate. */
function sender(broker: BrokerConfig, at: number): Elements {
  return present([
    ['name', broker.company || broker.name],
    ['datum', germanDate(at)],
    ['makler_id', broker.id],
  ]);
}

/** The head of `<objekt>`: object number, the tour's id as extra reference, page and title. */
function objektHead(tour: TourConfig): Elements {
  return present([
    ['oobj_id', tour.oobjId],
    ['zusatz_refnr', tour.id],
    ['expose_url', tour.pageUrl],
    ['bezeichnung', tour.title],
  ]);
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** One lead's document: what the broker's mail carries and the lead page offers. */
export function openImmoFeedbackDocument(tour: TourConfig, broker: BrokerConfig, reg: Registration): string {
  return (
    DECLARATION +
    builder.build({
      openimmo_feedback: {
        version: OPENIMMO_FEEDBACK_VERSION,
        sender: sender(broker, reg.created_at),
        objekt: { ...objektHead(tour), interessent: interessent(reg) },
      },
    })
  );
}

/** `anfrage-<tour>-<yyyy-mm-dd>.xml`, the day the visitor registered. */
export function openImmoFilename(tourId: string, reg: Pick<Registration, 'created_at'>): string {
  return `anfrage-${tourId}-${dayOf(Number(reg.created_at))}.xml`;
}

/** The lead as a mail attachment. */
export function openImmoAttachment(tour: TourConfig, broker: BrokerConfig, reg: Registration): MailAttachment {
  return {
    filename: openImmoFilename(tour.id, reg),
    contentType: OPENIMMO_CONTENT_TYPE,
    content: openImmoFeedbackDocument(tour, broker, reg),
  };
}

/**
 * A period's leads as one document, page by page: `<sender>` dated `now`, then one `<objekt>`
 * with an `<interessent>` per lead (none when the period has no lead: the standard requires
 * an `interessent` in every `objekt`).
 */
export async function* openImmoChunks(
  leads: LeadStore,
  tour: TourConfig,
  broker: BrokerConfig,
  o: { filter?: LeadFilter; pageSize?: number; now: number; onProgress?: (done: number) => void },
): AsyncGenerator<string> {
  yield `${DECLARATION}<openimmo_feedback>\n${builder.build({
    version: OPENIMMO_FEEDBACK_VERSION,
    sender: sender(broker, o.now),
  })}`;
  let done = 0;
  for await (const page of leads.pages(tour.id, o.filter, o.pageSize)) {
    if (page.length === 0) continue;
    const head = done === 0 ? `<objekt>\n${builder.build(objektHead(tour))}` : '';
    yield head + builder.build({ interessent: page.map(interessent) });
    done += page.length;
    o.onProgress?.(done);
  }
  yield `${done > 0 ? '</objekt>\n' : ''}</openimmo_feedback>\n`;
}
