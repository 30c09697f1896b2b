/**
 * One vocabulary for every screen, mail, export and document: the states a lead passes
 * through and the broker's actions, in German and English. Texts elsewhere take these words
 * (or quote them), so the review page, the dashboard, the mails and the exports never call one
 * thing by two names.
 *
 * The words chosen:
 * - Access given, whether automatically by the email release or by the broker, is
 *   "freigegeben" / "granted"; the two states differ only in how: "automatisch" /
 *   "automatically" (email release) and "manuell" / "manually" (the broker's decision), the
 *   words of the two release modes ("E-Mail-Freigabe", "manuelle Freigabe").
 * - A request the broker turned down is "abgelehnt" / "denied"; access taken back is
 *   "widerrufen" / "revoked".
 * - The visitor is "Interessent" / "visitor"; the mailed link that opens the tour is the
 *   "Freischalt-Link" / "unlock link", the broker's link to a request the "Prüf-Link" /
 *   "review link".
 */
import type { Locale } from './locale.ts';

/**
 * Every code a lead's state or history is told by: the stored states (`released`, `pending`,
 * `granted`, `denied`, `revoked`) and the events around them (`registered`, `opened`,
 * `erased`), as in the webhook events `lead.<code>`.
 */
export const GLOSSARY_STATUS_CODES = [
  'registered',
  'pending',
  'released',
  'granted',
  'denied',
  'revoked',
  'opened',
  'erased',
] as const;
export type GlossaryStatus = (typeof GLOSSARY_STATUS_CODES)[number];

/** The broker's actions on a lead. */
export const GLOSSARY_ACTIONS = ['grant', 'deny', 'revoke', 'grantAfterDeny', 'grantAgain', 'erase'] as const;
export type GlossaryAction = (typeof GLOSSARY_ACTIONS)[number];

export interface StatusTerm {
  /** Short, for a badge, a filter or a spreadsheet cell: "Manuell freigegeben". */
  label: string;
  /** One sentence that says what it means, for documentation and hints. */
  description: string;
}

export interface Glossary {
  status: Record<GlossaryStatus, StatusTerm>;
  /** Button labels of the actions. */
  action: Record<GlossaryAction, string>;
  /** Nouns the texts use. */
  term: {
    visitor: string;
    visitors: string;
    tour: string;
    viewpoint: string;
    unlockLink: string;
    reviewLink: string;
    request: string;
    emailRelease: string;
    manualRelease: string;
    logbook: string;
  };
}

const de: Glossary = {
  status: {
    registered: { label: 'Registriert', description: 'Der Interessent hat die Registrierungsmaske abgeschickt.' },
    pending: {
      label: 'Wartet auf Entscheidung',
      description: 'Die Anfrage wartet auf Ihre Entscheidung (manuelle Freigabe).',
    },
    released: {
      label: 'Automatisch freigegeben',
      description:
        'Der Zugang wurde automatisch freigegeben: Der Interessent hat den Freischalt-Link per E-Mail erhalten.',
    },
    granted: {
      label: 'Manuell freigegeben',
      description: 'Der Makler hat die Anfrage geprüft und den Zugang freigegeben.',
    },
    denied: { label: 'Abgelehnt', description: 'Der Makler hat die Anfrage abgelehnt.' },
    revoked: { label: 'Widerrufen', description: 'Der Makler hat den Zugang widerrufen.' },
    opened: { label: 'Link geöffnet', description: 'Der Interessent hat den Freischalt-Link geöffnet.' },
    erased: { label: 'Gelöscht', description: 'Die Daten des Interessenten wurden gelöscht.' },
  },
  action: {
    grant: 'Zugang freigeben',
    deny: 'Ablehnen',
    revoke: 'Zugang widerrufen',
    grantAfterDeny: 'Doch freigeben',
    grantAgain: 'Wieder freigeben',
    erase: 'Löschen',
  },
  term: {
    visitor: 'Interessent',
    visitors: 'Interessenten',
    tour: 'Rundgang',
    viewpoint: 'Standpunkt',
    unlockLink: 'Freischalt-Link',
    reviewLink: 'Prüf-Link',
    request: 'Anfrage',
    emailRelease: 'E-Mail-Freigabe',
    manualRelease: 'manuelle Freigabe',
    logbook: 'Logbuch',
  },
};

const en: Glossary = {
  status: {
    registered: { label: 'Registered', description: 'The visitor sent the registration form.' },
    pending: {
      label: 'Awaiting decision',
      description: 'The request is waiting for your decision (manual release).',
    },
    released: {
      label: 'Granted automatically',
      description: 'Access was granted automatically: the visitor received the unlock link by email.',
    },
    granted: {
      label: 'Granted manually',
      description: 'The broker checked the request and granted access.',
    },
    denied: { label: 'Denied', description: 'The broker denied the request.' },
    revoked: { label: 'Revoked', description: 'The broker revoked the access.' },
    opened: { label: 'Link opened', description: 'The visitor opened the unlock link.' },
    erased: { label: 'Erased', description: "The visitor's data was erased." },
  },
  action: {
    grant: 'Grant access',
    deny: 'Deny',
    revoke: 'Revoke access',
    grantAfterDeny: 'Grant access after all',
    grantAgain: 'Grant access again',
    erase: 'Erase',
  },
  term: {
    visitor: 'visitor',
    visitors: 'visitors',
    tour: 'tour',
    viewpoint: 'viewpoint',
    unlockLink: 'unlock link',
    reviewLink: 'review link',
    request: 'request',
    emailRelease: 'email release',
    manualRelease: 'manual release',
    logbook: 'logbook',
  },
};

export const GLOSSARY: Record<Locale, Glossary> = { de, en };

/** The short label of a status code, e.g. `statusLabel('granted', 'de')` → "Manuell freigegeben". */
export function statusLabel(code: GlossaryStatus, locale: Locale): string {
  return GLOSSARY[locale].status[code].label;
}

/**
 * Keys present in one nested string table and missing in another, as dotted paths. Functions
 * and strings are leaves; arrays are compared by index. Used by the tests that keep every
 * German and English table complete.
 */
export function missingKeys(a: unknown, b: unknown, path = ''): string[] {
  if (!isTable(a)) return [];
  if (!isTable(b)) return [path || '(root)'];
  const out: string[] = [];
  for (const key of Object.keys(a)) {
    const p = path ? `${path}.${key}` : key;
    const av = (a as Record<string, unknown>)[key];
    const bv = (b as Record<string, unknown>)[key];
    if (bv === undefined || bv === null || bv === '') out.push(p);
    else out.push(...missingKeys(av, bv, p));
  }
  return out;
}

function isTable(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
