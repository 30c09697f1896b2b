/**
 * Link tokens: 256 random bits, base64url. Only their SHA-256 is stored, so a copy of the
 * database holds no usable link.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
