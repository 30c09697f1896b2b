/**
 * The JSON columns, typed: what goes in is encoded here, what comes out is checked here, so no
 * other module parses a column with a cast.
 */
import * as z from 'zod/mini';

/** `registrations.fields`: the mask's values as the visitor sent them (email included). */
export type FieldValues = Record<string, string | boolean>;
const fieldValues = z.record(z.string(), z.union([z.string(), z.boolean()]));

/** `outbox.reply_to`: the address a mail answers to. */
export interface ReplyTo {
  name: string;
  address: string;
}

const parse = <T>(schema: z.ZodMiniType<T>, json: string): T => schema.parse(JSON.parse(json));

export const encodeFields = (values: FieldValues): string => JSON.stringify(values);
export const decodeFields = (json: string): FieldValues => parse(fieldValues, json);

export const encodeReplyTo = (r: ReplyTo | null): string | null => (r ? JSON.stringify(r) : null);
