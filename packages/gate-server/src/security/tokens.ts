/**
 * Link tokens (unlock, review and login links): 256 random bits, base64url, exactly 43
 * characters. Only their SHA-256 is stored, so a copy of the database holds no usable link.
 * Their shape is checked here and nowhere else.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_CHARS = 'A-Za-z0-9_-';
const LINK_TOKEN = new RegExp(`^[${TOKEN_CHARS}]{43}$`);
/** A token inside a text (a mail body): 43 token characters with none right before or after. */
export const LINK_TOKEN_IN_TEXT = new RegExp(`(?<![${TOKEN_CHARS}])[${TOKEN_CHARS}]{43}(?![${TOKEN_CHARS}])`, 'g');

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `value` has the shape of a link token (a cheap check before any lookup). */
export function isLinkToken(value: unknown): value is string {
  return typeof value === 'string' && LINK_TOKEN.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
