import type { Context } from 'hono';

/**
 * The string fields of a submitted HTML form. Anything that isn't a readable form — another
 * media type, a broken multipart body — reads as an empty form, which every caller refuses
 * with its own clear answer (a missing nonce, a missing field), never a 500.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  try {
    const body = await c.req.parseBody();
    return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  } catch {
    return {};
  }
}
