/**
 * A broker's profile (issue 9): how the broker appears in the mask and in every mail — name,
 * company, phone, address, website, the contact person's salutation and a logo. Kept in
 * `broker_profiles` and applied over the broker record (`TourDirectory.setAppearance`), for
 * brokers of the config file too: the record (file or admin API) says who the broker is (id,
 * e-mail address, language, retention), the profile how the broker appears. Once saved, the
 * profile's display fields replace the record's.
 *
 * The logo is checked by its content, never by its name or the browser's Content-Type: the
 * magic bytes of PNG, JPEG or WebP and the real image dimensions read from the image's header
 * (1 to 4096 px each way), at most 200 KB. It is served back from the database under a URL
 * with its content hash (`logoPath`), so it can be cached for a year.
 */
import { createHash } from 'node:crypto';
import { GateError } from '@tour-gate/shared';
import { z } from 'zod';
import type { BrokerAppearance, TourDirectory } from '../config/tours.ts';
import { CHANNELS } from '../store/change-feed.ts';
import { type ProfileRow, parseProfileNote } from '../store/profile.ts';
import type { GateStore } from '../store/store.ts';
import type { GateDeps } from './deps.ts';

export const LOGO_MAX_BYTES = 200 * 1024;
const LOGO_MAX_PX = 4096;

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';
const EXTENSION: Record<LogoType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
export const LOGO_TYPES = Object.keys(EXTENSION) as LogoType[];

const trimmed = (max: number) => z.string().trim().max(max);
const httpUrl = z
  .string()
  .trim()
  .max(300)
  .refine((v) => v === '' || (/^https?:\/\//i.test(v) && URL.canParse(v)), 'must be an http(s) URL');

/** The profile's display fields; empty strings mean "none". */
export const profileSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    company: trimmed(120).default(''),
    phone: trimmed(40)
      .refine((v) => v === '' || /^[+0-9][0-9 ()/.-]{3,}$/.test(v), 'digits, spaces, + ( ) / . - only')
      .default(''),
    address: trimmed(300).default(''),
    website: httpUrl.default(''),
    salutation: z.enum(['', 'ms', 'mr']).default(''),
  })
  .strict();
export type Profile = z.output<typeof profileSchema>;

/** Why a logo was refused: not a PNG/JPEG/WebP by content, too large, or no sensible size. */
export type LogoProblem = 'type' | 'size' | 'dimensions' | 'empty';

export interface CheckedLogo {
  type: LogoType;
  width: number;
  height: number;
}

/** PNG: the signature, then IHDR with width and height. */
function pngSize(b: Buffer): [number, number] | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (b.length < 33 || !sig.every((v, i) => b[i] === v)) return undefined;
  if (b.toString('latin1', 12, 16) !== 'IHDR') return [0, 0];
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

/** JPEG: SOI, then segments up to the first start-of-frame, which holds the size. */
function jpegSize(b: Buffer): [number, number] | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return undefined;
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return [0, 0];
    const marker = b[at + 1] ?? 0;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    // SOF0…SOF15 without DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [b.readUInt16BE(at + 7), b.readUInt16BE(at + 5)];
    }
    if (marker === 0xda || length < 2) return [0, 0];
    at += 2 + length;
  }
  return [0, 0];
}

/** WebP: RIFF…WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) header. */
function webpSize(b: Buffer): [number, number] | undefined {
  if (b.length < 30 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') {
    return undefined;
  }
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return [0, 0];
    return [b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff];
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return [0, 0];
    const bits = b.readUInt32LE(21);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') return [b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1];
  return [0, 0];
}

/** What the bytes are, by content alone; or why they are no logo. */
export function checkLogo(bytes: Buffer): CheckedLogo | { problem: LogoProblem } {
  if (!bytes.length) return { problem: 'empty' };
  if (bytes.length > LOGO_MAX_BYTES) return { problem: 'size' };
  const found: [LogoType, [number, number] | undefined][] = [
    ['image/png', pngSize(bytes)],
    ['image/jpeg', jpegSize(bytes)],
    ['image/webp', webpSize(bytes)],
  ];
  const hit = found.find(([, size]) => size !== undefined);
  if (!hit?.[1]) return { problem: 'type' };
  const [type, [width, height]] = hit as [LogoType, [number, number]];
  if (!(width >= 1 && height >= 1 && width <= LOGO_MAX_PX && height <= LOGO_MAX_PX)) return { problem: 'dimensions' };
  return { type, width, height };
}

const logoHash = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64url').slice(0, 22);

/** The public path of a logo: `/logos/<broker>/<hash>.<ext>`. */
export function logoPath(brokerId: string, hash: string, type: string): string {
  return `/logos/${encodeURIComponent(brokerId)}/${hash}.${EXTENSION[type as LogoType] ?? 'img'}`;
}

/** A stored profile as the directory applies it (undefined: a document that fails today's checks). */
function appearanceOf(row: ProfileRow, publicUrl: string): BrokerAppearance | undefined {
  let p: Profile;
  try {
    p = profileSchema.parse(JSON.parse(row.profile));
  } catch {
    return undefined;
  }
  return {
    name: p.name,
    ...(p.company ? { company: p.company } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.address ? { address: p.address } : {}),
    ...(p.website ? { website: p.website } : {}),
    ...(p.salutation ? { salutation: p.salutation } : {}),
    ...(row.logoHash && row.logoType
      ? { logoUrl: `${publicUrl.replace(/\/$/, '')}${logoPath(row.brokerId, row.logoHash, row.logoType)}` }
      : {}),
  };
}

/** Reads every stored profile into the directory (at start, and after the feed was cut off). */
export async function loadProfiles(store: GateStore, tours: TourDirectory, publicUrl: string): Promise<void> {
  for (const row of await store.profiles.all()) {
    if (tours.broker(row.brokerId)) tours.setAppearance(row.brokerId, appearanceOf(row, publicUrl));
  }
}

/** Takes other instances' profile saves as they are announced (PostgreSQL LISTEN/NOTIFY). */
export function followProfiles(
  store: GateStore,
  tours: TourDirectory,
  publicUrl: string,
  onError: (err: unknown) => void,
): () => void {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch(onError);
  };
  const unsubscribe = store.changes.subscribe(CHANNELS.managed, (payload) => {
    const note = parseProfileNote(payload);
    if (!note || note.from === store.profiles.instance) return;
    enqueue(async () => {
      const row = await store.profiles.get(note.id);
      if (row && tours.broker(row.brokerId)) tours.setAppearance(row.brokerId, appearanceOf(row, publicUrl));
    });
  });
  const unresync = store.changes.onResync(() => enqueue(() => loadProfiles(store, tours, publicUrl)));
  return () => {
    unsubscribe();
    unresync();
  };
}

/** The profile form as the broker last saved it, or the broker record's own fields. */
export async function currentProfile(
  deps: GateDeps,
  brokerId: string,
): Promise<{ profile: Profile; logo?: { url: string } }> {
  const row = await deps.store.profiles.get(brokerId);
  if (row) {
    const a = appearanceOf(row, deps.env.publicUrl);
    if (a) {
      return {
        profile: profileForm(a, a.salutation ?? ''),
        ...(a.logoUrl ? { logo: { url: a.logoUrl } } : {}),
      };
    }
  }
  const b = deps.tours.broker(brokerId);
  if (!b) throw new GateError('NOT_FOUND');
  return { profile: profileForm(b, '') };
}

/** The profile form's values from a saved appearance or a broker record (absent fields empty). */
function profileForm(
  from: Pick<BrokerAppearance, 'name' | 'company' | 'phone' | 'address' | 'website'>,
  salutation: Profile['salutation'],
): Profile {
  return {
    name: from.name,
    company: from.company ?? '',
    phone: from.phone ?? '',
    address: from.address ?? '',
    website: from.website ?? '',
    salutation,
  };
}

/**
 * Saves the signed-in broker's profile (already checked with `profileSchema`) and, with
 * `logo`, a new logo (checked here again) or `null` to remove it; serves it here at once and
 * tells the other instances.
 */
export async function saveProfile(
  deps: GateDeps,
  brokerId: string,
  profile: Profile,
  logo?: Buffer | null,
): Promise<void> {
  if (!deps.tours.broker(brokerId)) throw new GateError('NOT_FOUND');
  let stored: { bytes: Buffer; type: string; hash: string } | null | undefined;
  if (logo) {
    const checked = checkLogo(logo);
    if ('problem' in checked) throw new GateError('VALIDATION_FAILED', { fields: { logo: 'invalid' } });
    stored = { bytes: logo, type: checked.type, hash: logoHash(logo) };
  } else stored = logo;
  await deps.store.profiles.save(brokerId, JSON.stringify(profile), deps.clock(), stored);
  const row = await deps.store.profiles.get(brokerId);
  if (row) deps.tours.setAppearance(brokerId, appearanceOf(row, deps.env.publicUrl));
}
