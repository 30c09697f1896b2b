/**
 * The tours a server knows, resolved once from the config: each with its broker, its field
 * list and its public gate config (pre-serialised, with an ETag).
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_FIELD_REQUIREMENTS,
  type GateConfig,
  GateError,
  type GateField,
  STANDARD_FIELD_KEYS,
  STANDARD_FIELDS,
} from '@tour-gate/shared';
import type { BrokerConfig, GateConfigFile, TourConfig } from '@tour-gate/shared/config';

/**
 * How a broker appears, from the profile the broker keeps in the dashboard (issue 9): these
 * fields replace the broker record's display fields (the record keeps id, e-mail address,
 * language and retention), for brokers of the config file too.
 */
export interface BrokerAppearance {
  name: string;
  company?: string;
  phone?: string;
  address?: string;
  website?: string;
  /** The contact person: `ms` ("Ihre Ansprechpartnerin"), `mr` ("Ihr Ansprechpartner"). */
  salutation?: 'ms' | 'mr';
  /** Absolute URL of the logo (the public logo route, with the content hash). */
  logoUrl?: string;
}

/** A broker record with its profile applied: what the mask and the mails show. */
export type ShownBroker = BrokerConfig & { salutation?: 'ms' | 'mr'; logoUrl?: string };

function applyAppearance(broker: BrokerConfig, a: BrokerAppearance | undefined): ShownBroker {
  if (!a) return broker;
  const shown: ShownBroker = { ...broker, name: a.name };
  for (const key of ['company', 'phone', 'address', 'website', 'salutation', 'logoUrl'] as const) {
    if (a[key]) Object.assign(shown, { [key]: a[key] });
    else delete shown[key];
  }
  return shown;
}

export interface Tour {
  config: TourConfig;
  /** The tour's broker as shown (the profile applied). */
  broker: ShownBroker;
  fields: GateField[];
  gate: GateConfig;
  gateJson: string;
  gateEtag: string;
  /** Origins that may embed the gate: the allowed origins and the tour page's own. */
  origins: string[];
  /** Hostnames of those origins (for the captcha's hostname check). */
  hostnames: string[];
}

function tourFields(tour: TourConfig): GateField[] {
  const out: GateField[] = [];
  for (const key of STANDARD_FIELD_KEYS) {
    const requirement = key === 'email' ? 'required' : (tour.fields[key] ?? DEFAULT_FIELD_REQUIREMENTS[key]);
    if (requirement === 'hidden') continue;
    const spec = STANDARD_FIELDS[key];
    out.push({
      key,
      type: spec.type,
      required: requirement === 'required',
      maxLength: spec.maxLength,
      autocomplete: spec.autocomplete,
      ...(spec.options ? { options: spec.options.map((value) => ({ value })) } : {}),
      ...(key === 'postalCode' && tour.postalCodePattern ? { pattern: tour.postalCodePattern } : {}),
      ...(key === 'postalCode' || key === 'country' ? { defaultCountry: tour.defaultCountry } : {}),
    });
  }
  for (const f of tour.customFields) {
    if (f.requirement === 'hidden') continue;
    out.push({
      key: f.key,
      type: f.type,
      required: f.requirement === 'required',
      maxLength: f.type === 'checkbox' ? 5 : f.maxLength,
      label: f.label,
      ...(f.options ? { options: f.options } : {}),
    });
  }
  return out;
}

function resolveTour(tour: TourConfig, broker: ShownBroker): Tour {
  const fields = tourFields(tour);
  const origins = [...new Set([new URL(tour.pageUrl).origin, ...tour.allowedOrigins])];
  const gate: GateConfig = {
    tour: tour.id,
    title: tour.title,
    mode: tour.mode,
    locale: tour.locale,
    fields,
    viewpoints: tour.viewpoints,
    broker: {
      name: broker.name,
      ...(broker.company ? { company: broker.company } : {}),
      email: broker.email,
      ...(broker.phone ? { phone: broker.phone } : {}),
      ...(broker.website ? { website: broker.website } : {}),
      ...(broker.address ? { address: broker.address } : {}),
      ...(broker.logoUrl ? { logoUrl: broker.logoUrl } : {}),
    },
    captcha: tour.captcha ? { provider: 'hcaptcha', siteKey: tour.captcha.siteKey } : null,
    consent: {
      privacyUrl: tour.consent.privacyUrl,
      ...(tour.consent.termsUrl ? { termsUrl: tour.consent.termsUrl } : {}),
      version: tour.consent.version,
      marketing: tour.consent.marketing,
    },
    linkValidityDays: tour.linkValidityDays,
    // Returning visitors (issue 10): the denied screen's text and its "erneut anfragen".
    repeatRequests: tour.allowRepeatRequests,
    ...(tour.denyText ? { denyText: tour.denyText } : {}),
  };
  const gateJson = JSON.stringify(gate);
  return {
    config: tour,
    broker,
    fields,
    gate,
    gateJson,
    gateEtag: `"${createHash('sha256').update(gateJson).digest('base64url').slice(0, 27)}"`,
    origins,
    hostnames: [...new Set(origins.map((o) => new URL(o).hostname))],
  };
}

/** A change in the directory: the tour or broker, and the ids of the tours it touched. */
export interface TourChange {
  kind: 'tour' | 'broker';
  id: string;
  tours: string[];
}

/**
 * Tours and brokers come from the config file and, since the admin API, from the database
 * (`managed_tours`, `managed_brokers`, loaded at start by admin/managed.ts). The config file
 * wins: its ids are read-only through the API, so what an operator wrote in the file is never
 * changed behind their back.
 */
export class TourDirectory {
  private readonly tours = new Map<string, Tour>();
  private readonly brokerMap = new Map<string, BrokerConfig>();
  /** Brokers' profiles (issue 9), applied to their tours. */
  private readonly appearances = new Map<string, BrokerAppearance>();
  /** Ids defined in the config file (read-only through the admin API). */
  private readonly fromFile = { tours: new Set<string>(), brokers: new Set<string>() };
  private origins = new Set<string>();
  private changes = 0;
  private readonly listeners = new Set<(change: TourChange) => void>();

  constructor(config: GateConfigFile) {
    for (const b of config.brokers) {
      this.brokerMap.set(b.id, b);
      this.fromFile.brokers.add(b.id);
    }
    for (const t of config.tours) {
      const broker = this.brokerMap.get(t.broker);
      if (!broker) continue; // the schema already refuses this
      this.tours.set(t.id, resolveTour(t, broker));
      this.fromFile.tours.add(t.id);
    }
    this.indexOrigins();
  }

  private indexOrigins(): void {
    this.origins = new Set([...this.tours.values()].flatMap((t) => t.origins));
  }

  find(id: string): Tour | undefined {
    return this.tours.get(id);
  }

  /** The tour, or TOUR_NOT_FOUND. */
  get(id: string): Tour {
    const tour = this.tours.get(id);
    if (!tour) throw new GateError('TOUR_NOT_FOUND');
    return tour;
  }

  all(): Tour[] {
    return [...this.tours.values()];
  }

  /** Whether any tour lets `origin` embed its gate (for routes without a tour in the path). */
  anyAllows(origin: string): boolean {
    return this.origins.has(origin);
  }

  /** The broker record as the config file or the admin API has it (no profile applied). */
  broker(id: string): BrokerConfig | undefined {
    return this.brokerMap.get(id);
  }

  /** The broker as the mask and the mails show it: the record with the broker's profile applied. */
  shownBroker(id: string): ShownBroker | undefined {
    const b = this.brokerMap.get(id);
    return b && applyAppearance(b, this.appearances.get(id));
  }

  /**
   * Sets (or, with undefined, removes) a broker's profile; the broker's tours serve it at once.
   * Works for brokers of the config file too: a profile is how the broker appears, not who it is.
   */
  setAppearance(brokerId: string, appearance: BrokerAppearance | undefined): void {
    if (appearance) this.appearances.set(brokerId, appearance);
    else this.appearances.delete(brokerId);
    const broker = this.shownBroker(brokerId);
    if (!broker) return;
    const touched: string[] = [];
    for (const t of this.tours.values()) {
      if (t.config.broker === brokerId) {
        this.tours.set(t.config.id, resolveTour(t.config, broker));
        touched.push(t.config.id);
      }
    }
    this.changed({ kind: 'broker', id: brokerId, tours: touched });
  }

  brokers(): BrokerConfig[] {
    return [...this.brokerMap.values()];
  }

  /** Whether the config file defines this tour or broker (then the admin API may not change it). */
  inConfigFile(kind: 'tour' | 'broker', id: string): boolean {
    return (kind === 'tour' ? this.fromFile.tours : this.fromFile.brokers).has(id);
  }

  /**
   * Goes up with every change of a tour or broker here (a save on this instance, or one another
   * instance announced): a cache of anything derived from the tours is stale when it differs.
   */
  get version(): number {
    return this.changes;
  }

  /** Calls `fn` after each change of a tour (or of a broker, with each of its tours); returns the unsubscribe. */
  onChange(fn: (change: TourChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(change: TourChange): void {
    this.changes++;
    for (const fn of this.listeners) {
      try {
        fn(change);
      } catch {
        // a listener's fault is not the directory's
      }
    }
  }

  /** Adds or replaces a broker from the database; its tours pick up the new contact data. */
  upsertBroker(broker: BrokerConfig): void {
    if (this.fromFile.brokers.has(broker.id)) throw new GateError('CONFLICT');
    this.brokerMap.set(broker.id, broker);
    const shown = applyAppearance(broker, this.appearances.get(broker.id));
    const touched: string[] = [];
    for (const t of this.tours.values()) {
      if (t.config.broker === broker.id) {
        this.tours.set(t.config.id, resolveTour(t.config, shown));
        touched.push(t.config.id);
      }
    }
    this.changed({ kind: 'broker', id: broker.id, tours: touched });
  }

  /** Adds or replaces a tour from the database; its broker must be known. */
  upsert(tour: TourConfig): Tour {
    if (this.fromFile.tours.has(tour.id)) throw new GateError('CONFLICT');
    const broker = this.shownBroker(tour.broker);
    if (!broker) throw new GateError('VALIDATION_FAILED', { fields: { broker: 'unknown' } });
    const resolved = resolveTour(tour, broker);
    this.tours.set(tour.id, resolved);
    this.indexOrigins();
    this.changed({ kind: 'tour', id: tour.id, tours: [tour.id] });
    return resolved;
  }
}
