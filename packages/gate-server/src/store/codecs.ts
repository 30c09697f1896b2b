/**
 * The JSON columns, typed: what goes in is encoded here, what comes out is checked here, so no
 * other module parses a column with a cast.
 */
import { type MarketingConsent, marketingConsent } from '@tour-gate/shared';
import * as z from 'zod/mini';
import type { Registration } from './schema.ts';

/** `registrations.fields`: the mask's values as the visitor sent them (email included). */
export type FieldValues = Record<string, string | boolean>;
const fieldValues = z.record(z.string(), z.union([z.string(), z.boolean()]));

/** `logbook.detail`: what an entry adds (the mail, the reason, counts…). */
export type LogDetail = Record<string, unknown>;
const logDetail = z.record(z.string(), z.unknown());

/** `outbox.reply_to`: the address a mail answers to. */
export interface ReplyTo {
  name: string;
  address: string;
}
const replyTo = z.object({ name: z.string(), address: z.string() });

/**
 * `outbox.attachments`: files sent with a mail. Text only (an XML document), kept as the
 * string it is; the transport sends it UTF-8 encoded.
 */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}
const attachments = z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() }));

const parse = <T>(schema: z.ZodMiniType<T>, json: string): T => schema.parse(JSON.parse(json));

export const encodeFields = (values: FieldValues): string => JSON.stringify(values);
export const decodeFields = (json: string): FieldValues => parse(fieldValues, json);

export const encodeReplyTo = (r: ReplyTo | null): string | null => (r ? JSON.stringify(r) : null);
export const decodeReplyTo = (json: string | null): ReplyTo | null => (json ? parse(replyTo, json) : null);

export const decodeDetail = (json: string | null): LogDetail => (json ? parse(logDetail, json) : {});

export const encodeAttachments = (a: readonly MailAttachment[] | undefined): string | null =>
  a?.length ? JSON.stringify(a) : null;
export const decodeAttachments = (json: string | null): MailAttachment[] => (json ? parse(attachments, json) : []);

/** The consent columns of a registration, read as the consent was asked (see shared `marketingConsent`). */
export function marketingOf(
  reg: Pick<Registration, 'consent_marketing' | 'consent_marketing_offered' | 'consent_marketing_confirmed_at'>,
  tourOffersMarketing: boolean,
): MarketingConsent {
  const offered = reg.consent_marketing_offered;
  return marketingConsent(
    {
      offered: offered === null || offered === undefined ? null : Number(offered) === 1,
      given: Number(reg.consent_marketing) === 1,
      confirmedAt: reg.consent_marketing_confirmed_at === null ? null : Number(reg.consent_marketing_confirmed_at),
    },
    tourOffersMarketing,
  );
}
