/**
 * Reads a JSON body: the right media type, a size limit, valid JSON, and the shared schema.
 * Anything else is a clear 4xx with a stable code; nothing is written before this passes.
 */
import { type FieldErrorCode, GateError } from '@tour-gate/shared';
import type { Context } from 'hono';
import type * as z from 'zod/mini';

export const MAX_BODY_BYTES = 16 * 1024;

export async function readJson<S extends z.ZodMiniType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new GateError('UNSUPPORTED_MEDIA_TYPE');
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new GateError('PAYLOAD_TOO_LARGE');
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw new GateError('PAYLOAD_TOO_LARGE');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf));
  } catch (cause) {
    throw new GateError('INVALID_JSON', { cause });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields: Record<string, FieldErrorCode> = {};
    for (const issue of result.error.issues) {
      // `fields.email` → `email`: the mask's fields are addressed by their own key.
      const path = issue.path[0] === 'fields' && issue.path.length > 1 ? issue.path.slice(1) : issue.path;
      const key = path.map(String).join('.') || '(body)';
      fields[key] ??=
        issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined ? 'required' : 'invalid';
    }
    throw new GateError('VALIDATION_FAILED', { fields });
  }
  return result.data as z.infer<S>;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
