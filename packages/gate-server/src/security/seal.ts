/**
 * Mail bodies at rest. A queued mail carries live link tokens, and the database must never
 * hold a usable token: bodies are sealed with AES-256-GCM (key derived from GATE_SECRET), and
 * once a mail is delivered its tokens are cut out for good. The logbook keeps the rest.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LINK_TOKEN_IN_TEXT } from './tokens.ts';

const PREFIX = 'sealed:v1:';

export class Sealer {
  constructor(private readonly key: Buffer) {}

  /** A sealer with a fresh random key: for stores that live only as long as the process (tests, benchmarks). */
  static random(): Sealer {
    return new Sealer(randomBytes(32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /**
   * Plain text stays as it is (mails written before sealing, or already redacted); a body
   * sealed with another key stays sealed, for the outbox worker to give up on.
   */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    try {
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return stored;
    }
  }
}

export const isSealed = (body: string): boolean => body.startsWith(PREFIX);

/** The body with every link token replaced: what stays after delivery. */
export function redactTokens(body: string): string {
  return body.replace(LINK_TOKEN_IN_TEXT, '[…]');
}
