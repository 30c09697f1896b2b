/**
 * The columns of a lead export: the registration's facts, the mask's fields (standard ones the
 * tour does not hide, then its custom fields), and the consent record. Fixed before the first
 * row, so a streamed CSV has one header for every page.
 */
import { STANDARD_FIELD_KEYS } from '@tour-gate/shared';
import type { TourConfig } from '@tour-gate/shared/config';
import { decodeFields } from '../../store/codecs.ts';
import type { Registration } from '../../store/schema.ts';

const iso = (ms: number | null): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export interface LeadRecord {
  id: string;
  tour: string;
  status: string;
  createdAt: string;
  releasedAt: string | null;
  decidedAt: string | null;
  firstOpenedAt: string | null;
  locale: string;
  viewpoint: string | null;
  fields: Record<string, unknown>;
  consent: { at: string; version: string; privacy: boolean; marketing: boolean };
}

export function leadRecord(r: Registration): LeadRecord {
  return {
    id: r.id,
    tour: r.tour_id,
    status: r.status,
    createdAt: iso(r.created_at) as string,
    releasedAt: iso(r.released_at),
    decidedAt: iso(r.decided_at),
    firstOpenedAt: iso(r.first_opened_at),
    locale: r.locale,
    viewpoint: r.viewpoint,
    fields: decodeFields(r.fields),
    consent: {
      at: iso(r.consent_at) as string,
      version: r.consent_version,
      privacy: Boolean(Number(r.consent_privacy)),
      marketing: Boolean(Number(r.consent_marketing)),
    },
  };
}

/** Field keys of a tour (all standard keys when the tour is unknown, e.g. deleted). */
export function fieldKeys(tour: TourConfig | undefined): string[] {
  if (!tour) return [...STANDARD_FIELD_KEYS];
  const standard = STANDARD_FIELD_KEYS.filter((k) => k === 'email' || tour.fields[k] !== 'hidden');
  return [...standard, ...tour.customFields.map((f) => f.key)];
}

const FACTS = [
  'id',
  'tour',
  'status',
  'createdAt',
  'releasedAt',
  'decidedAt',
  'firstOpenedAt',
  'locale',
  'viewpoint',
] as const;
const CONSENT = ['consentAt', 'consentVersion', 'consentPrivacy', 'consentMarketing'] as const;

export function csvHeader(keys: readonly string[]): string[] {
  return [...FACTS, ...keys, ...CONSENT];
}

export function csvValues(rec: LeadRecord, keys: readonly string[]): unknown[] {
  return [
    ...FACTS.map((k) => rec[k]),
    ...keys.map((k) => rec.fields[k]),
    rec.consent.at,
    rec.consent.version,
    rec.consent.privacy ? 'yes' : 'no',
    rec.consent.marketing ? 'yes' : 'no',
  ];
}
