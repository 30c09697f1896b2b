/**
 * A tour's change log ("Änderungsprotokoll"): each save with its time, who made it and each
 * changed setting by its name, before and after, in words (never the stored codes), newest first.
 * The settings only the platform sets (a folder on the server, a postal-code pattern) are named
 * as changed by the platform, without their values: they are the server's, not the broker's.
 */
import { countryName, DEFAULT_FIELD_REQUIREMENTS, FIELD_LABELS, isStandardFieldKey } from '@tour-gate/shared';
import { html } from 'hono/html';
import type { AuditEntry } from '../../store/audit.ts';
import type { Html } from '../../util/html.ts';
import { type SettingsStrings, settingsStrings } from '../settings-strings.ts';
import type { DashLocale } from '../strings.ts';
import { when } from './format.ts';

const MAX_TEXT = 300;

/** Settings only the platform sets: their values stay out of the broker's view. */
const PLATFORM_ONLY = new Set(['assetsDir', 'postalCodePattern']);

const byPlatform: Record<DashLocale, { set: string; changed: string }> = {
  de: { set: 'von der Plattform festgelegt', changed: 'von der Plattform geändert' },
  en: { set: 'set by the platform', changed: 'changed by the platform' },
};

/** The name of a setting path as the settings page calls it. */
function settingName(path: string, s: SettingsStrings, l: DashLocale): string {
  const [head, sub] = path.split('.') as [string, string | undefined];
  if (head === 'fields' && sub && isStandardFieldKey(sub)) return s.log.standardField(FIELD_LABELS[l][sub]);
  if (head === 'denyText' && sub) return `${s.denyText} (${sub === 'de' ? s.german : s.english})`;
  const names: Record<string, string> = {
    title: s.title,
    oobjId: s.oobjId,
    pageUrl: s.pageUrl,
    allowedOrigins: s.allowedOrigins,
    embedUrl: s.embedUrl,
    locale: s.locale,
    mode: s.mode,
    linkValidityDays: s.linkValidityDays,
    accessValidityDays: s.accessValidityDays,
    reviewValidityDays: s.reviewValidityDays,
    'notifications.broker': s.brokerNotification,
    'notifications.visitorConfirmation': s.visitorConfirmation,
    'notifications.digest': s.digest,
    defaultCountry: s.defaultCountry,
    'notifications.openimmoAttachment': s.openimmoAttachment,
    allowRepeatRequests: s.allowRepeatRequests,
    denyText: s.denyText,
    customFields: s.customFields,
    viewpoints: s.sections.viewpoints,
    viewpointLabels: s.log.viewpointNames,
    'consent.privacyUrl': s.privacyUrl,
    'consent.termsUrl': s.termsUrl,
    'consent.version': s.consentVersion,
    'consent.marketing': s.marketing,
    'captcha.siteKey': s.captchaSiteKey,
    captcha: s.captchaSiteKey,
    assetsDir: s.log.assetsDir,
    postalCodePattern: s.log.postalCodePattern,
  };
  return names[path] ?? path;
}

const numberFormat = (l: DashLocale) => new Intl.NumberFormat(l === 'de' ? 'de-DE' : 'en-GB');

interface CustomFieldValue {
  label?: { de?: string; en?: string };
  type?: keyof SettingsStrings['types'];
  requirement?: keyof SettingsStrings['requirements'];
  options?: { value: string; label?: { de: string; en: string } }[];
}

/** A setting's value in words. */
function valueText(path: string, value: unknown, s: SettingsStrings, l: DashLocale): string {
  const text = rawValueText(path, value, s, l);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function rawValueText(path: string, value: unknown, s: SettingsStrings, l: DashLocale): string {
  // A standard field the tour says nothing about has its default requirement.
  const [head, sub] = path.split('.');
  if ((value === null || value === undefined) && head === 'fields' && sub && isStandardFieldKey(sub)) {
    return s.requirements[DEFAULT_FIELD_REQUIREMENTS[sub]];
  }
  if (value === null || value === undefined || value === '') return s.log.unset;
  if (path === 'mode' && (value === 'email' || value === 'manual')) return s.modes[value];
  if (path === 'locale' && (value === 'de' || value === 'en')) return s.locales[value];
  if (path === 'defaultCountry' && typeof value === 'string') return countryName(value, l);
  if (path === 'notifications.broker') return value === 'each-lead' ? s.yes : s.no;
  if (path.startsWith('fields.') && typeof value === 'string' && value in s.requirements) {
    return s.requirements[value as keyof SettingsStrings['requirements']];
  }
  if (typeof value === 'boolean') return value ? s.yes : s.no;
  if (typeof value === 'number') return numberFormat(l).format(value);
  if (typeof value === 'string') return value;
  if (path === 'viewpoints' && typeof value === 'object') {
    const v = value as { protect?: string; ids?: string[] };
    if (!v.ids?.length) return v.protect === 'list' ? s.log.noViewpoint : s.log.allViewpoints;
    return `${v.protect === 'list' ? s.log.only : s.log.allExcept}: ${v.ids.join(', ')}`;
  }
  if (path === 'customFields' && Array.isArray(value)) {
    if (!value.length) return s.none;
    return (value as CustomFieldValue[])
      .map((f) => {
        const parts = [f.type ? s.types[f.type] : undefined, f.requirement ? s.requirements[f.requirement] : undefined];
        const options = f.options?.length ? f.options.map((o) => o.label?.[l] ?? o.value).join(', ') : undefined;
        return `${f.label?.[l] ?? ''} (${[...parts, options].filter(Boolean).join(', ')})`;
      })
      .join('; ');
  }
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : s.none;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.de === 'string' && typeof o.en === 'string') return `${o.de} / ${o.en}`;
    if (typeof o.siteKey === 'string') return o.siteKey;
    // viewpointLabels: id → names
    return Object.entries(o)
      .map(([k, v]) => {
        const names = v as { de?: string; en?: string };
        return typeof names === 'object' && names
          ? `${k}: ${names.de ?? ''} / ${names.en ?? ''}`
          : `${k}: ${String(v)}`;
      })
      .join('; ');
  }
  return String(value);
}

function who(e: AuditEntry, s: SettingsStrings): string {
  if (e.actorKind === 'platform') return s.log.platform;
  if (e.actorKind === 'broker-key') return s.log.brokerKey;
  return e.actor;
}

/** The change log section of a tour's page. */
export function auditSection(entries: readonly AuditEntry[], l: DashLocale): Html {
  const s = settingsStrings(l);
  const list = (e: AuditEntry, created: boolean) =>
    html`<ul class="audit-changes">${e.changes.map((c) => {
      const name = settingName(c.setting, s, l);
      if (PLATFORM_ONLY.has(c.setting)) {
        return html`<li><strong>${name}</strong>: ${created ? byPlatform[l].set : byPlatform[l].changed}</li>`;
      }
      const after = valueText(c.setting, c.after, s, l);
      return created
        ? html`<li><strong>${name}</strong>: ${after}</li>`
        : html`<li><strong>${name}</strong>: <del>${valueText(c.setting, c.before, s, l)}</del> → <ins>${after}</ins></li>`;
    })}</ul>`;
  const rows = entries.map((e) => {
    // A new tour's entry lists every setting it started with: folded away, there to read.
    const created = e.changes.length > 3 && e.changes.every((c) => c.before === null);
    return html`<tr>
  <td>${when(e.at, l)}</td>
  <td>${who(e, s)}</td>
  <td>${
    created
      ? html`<details><summary class="audit-created">${s.log.created}</summary>${list(e, true)}</details>`
      : list(e, false)
  }</td>
</tr>`;
  });
  return html`<div class="card" id="change-log">
  <h2>${s.log.heading}</h2>
  <p class="muted">${s.log.intro}</p>
  ${
    entries.length
      ? html`<div class="wide"><table class="audit"><tr><th>${s.log.when}</th><th>${s.log.who}</th><th>${s.log.what}</th></tr>${rows}</table></div>`
      : html`<p>${s.log.none}</p>`
  }
</div>`;
}
