/**
 * Every setting a broker edits on a tour's settings page, one entry each: which keys of the
 * shared tour schema (`tourConfigSchema`) it covers, its section, how it shows the tour's value
 * in the form, how it reads the form back into the tour, and which of its inputs a schema
 * problem belongs to. Adding a setting to the schema means adding one entry here (the test
 * `settings-registry.test.ts` fails for a schema key no entry covers and that is not listed in
 * `NOT_BROKER_SETTINGS`). An entry for a key the schema does not have (yet) is left out.
 *
 * Inputs are named by the setting's path in the tour (`consent.privacyUrl`, `fields.phone`),
 * custom fields `cf.<row>.<part>`, viewpoints `vp.…`.
 */
import {
  CUSTOM_FIELD_KEY_PATTERN,
  countryChoices,
  DEFAULT_FIELD_REQUIREMENTS,
  FIELD_LABELS,
  FIELD_REQUIREMENTS,
  type FieldRequirement,
  STANDARD_FIELD_KEYS,
} from '@tour-gate/shared';
import { type TourConfig, tourConfigSchema } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import type { Html } from '../../util/html.ts';
import type { SettingsStrings } from '../settings-strings.ts';
import type { DashLocale } from '../strings.ts';

export type FormValues = Record<string, string>;
/** The tour as the form builds it, before the schema checks it. */
export type Draft = Record<string, unknown>;
export type SectionId = keyof SettingsStrings['sections'];
export const SECTIONS: readonly SectionId[] = ['basics', 'release', 'fields', 'viewpoints', 'consent', 'protection'];

/** Settings whose parts are settings of their own: an entry covers each part (`notifications.digest`). */
const GROUPS = ['notifications', 'consent'] as const;

/** Schema keys that are no broker setting: the tour's identity, and what only the platform sets. */
export const NOT_BROKER_SETTINGS = ['id', 'broker', 'assetsDir', 'postalCodePattern'] as const;

export interface RenderContext {
  s: SettingsStrings;
  locale: DashLocale;
  values: FormValues;
  /** Per input name, the text of what is wrong. */
  errors: Record<string, string>;
  /** Viewpoint ids the widget reported for this tour. */
  seen: readonly string[];
}

/** A schema problem, relative to the tour. */
export interface Issue {
  path: readonly (string | number)[];
  code: string;
  message: string;
  maximum?: number | bigint | undefined;
  minimum?: number | bigint | undefined;
  origin?: string | undefined;
}

interface ReadContext {
  /** The tour as saved now (undefined: a new one). */
  base: TourConfig | undefined;
  /** Problems the form itself shows before the schema (input name → text). */
  problems: Record<string, string>;
  /** The values to show again when the save is refused. */
  echo: FormValues;
  s: SettingsStrings;
}

export interface SettingEntry {
  /** Top-level keys of the tour schema this entry edits. */
  keys: readonly string[];
  section: SectionId;
  toForm(t: TourConfig): FormValues;
  fromForm(f: FormValues, draft: Draft, r: ReadContext): void;
  /** The input a schema problem at `path` belongs to, and its text; undefined: not this entry's. */
  explain(issue: Issue, s: SettingsStrings): { name: string; text: string } | undefined;
  render(c: RenderContext): Html;
}

// ---------------------------------------------------------------------------------------------
// Paths, names, markup

function getPath(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function setPath(o: Draft, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Record<string, unknown> = o;
  for (const k of parts.slice(0, -1)) {
    const next = target[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[k] = {};
    target = target[k] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

export const inputId = (name: string): string => `s-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

const pathString = (path: readonly (string | number)[]): string => path.map(String).join('.');

/** Attributes that tie an input to its hint and its error. */
function aria(c: RenderContext, name: string, hint: boolean): Html {
  const id = inputId(name);
  const described = [hint ? `${id}-hint` : '', c.errors[name] ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`id="${id}" name="${name}"${c.errors[name] ? html` aria-invalid="true"` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }`;
}

function hintOf(name: string, hint: string | undefined): Html | string {
  return hint ? html`<span class="hint" id="${inputId(name)}-hint">${hint}</span>` : '';
}

function errorOf(c: RenderContext, name: string): Html | string {
  const e = c.errors[name];
  return e ? html`<span class="field-error" id="${inputId(name)}-error">${e}</span>` : '';
}

function fieldBox(c: RenderContext, name: string, label: string, control: Html, hint?: string): Html {
  return html`<div class="field${c.errors[name] ? ' invalid' : ''}">
  <label for="${inputId(name)}">${label}</label>
  ${hintOf(name, hint)}${errorOf(c, name)}
  ${control}
</div>`;
}

/** The generic text of a schema problem (an entry may know better). */
function issueText(issue: Issue, s: SettingsStrings): string {
  const e = s.errors;
  if (issue.code === 'invalid_type') return e.required;
  if (issue.code === 'too_small') return issue.origin === 'number' ? e.number : e.required;
  if (issue.code === 'too_big' && issue.maximum !== undefined) {
    return issue.origin === 'number' ? e.max(Number(issue.maximum)) : e.tooLong(Number(issue.maximum));
  }
  if (/select needs options/.test(issue.message)) return e.options;
  return e.invalid;
}

// ---------------------------------------------------------------------------------------------
// Simple entries

interface SimpleOptions {
  section: SectionId;
  label: (s: SettingsStrings) => string;
  hint?: (s: SettingsStrings) => string;
  /** The text for a value of the wrong form (e.g. not a web address). */
  invalid?: (s: SettingsStrings) => string;
}

/** The setting an entry for `path` covers: the path within a group, else its top-level key. */
function settingKey(path: string): string {
  const head = path.split('.')[0] as string;
  return (GROUPS as readonly string[]).includes(head) ? path : head;
}

/** One text input for the setting at `path` (e.g. `consent.privacyUrl`); empty and `optional`: not set. */
function textSetting(
  path: string,
  o: SimpleOptions & { optional?: boolean; type?: 'text' | 'url'; maxLength?: number },
): SettingEntry {
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => ({ [path]: String(getPath(t, path) ?? '') }),
    fromForm(f, draft, r) {
      const v = (f[path] ?? '').trim();
      r.echo[path] = f[path] ?? '';
      setPath(draft, path, v === '' && o.optional ? undefined : v);
    },
    explain(issue, s) {
      if (!pathString(issue.path).startsWith(path)) return undefined;
      const text =
        issue.code === 'invalid_format' || issue.code === 'custom'
          ? (o.invalid?.(s) ?? issueText(issue, s))
          : issueText(issue, s);
      return { name: path, text };
    },
    render(c) {
      const input = html`<input type="${o.type ?? 'text'}" ${aria(c, path, Boolean(o.hint))} value="${c.values[path] ?? ''}"${
        o.maxLength ? html` maxlength="${o.maxLength}"` : ''
      }${o.optional ? '' : html` required`}>`;
      return fieldBox(c, path, o.label(c.s), input, o.hint?.(c.s));
    },
  };
}

function numberSetting(path: string, o: SimpleOptions): SettingEntry {
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => ({ [path]: formatNumber(getPath(t, path)) }),
    fromForm(f, draft, r) {
      const raw = (f[path] ?? '').trim();
      r.echo[path] = f[path] ?? '';
      // German pages write decimals with a comma.
      const n = raw === '' ? Number.NaN : Number(raw.replace(',', '.'));
      setPath(draft, path, Number.isFinite(n) ? n : raw);
    },
    explain(issue, s) {
      if (pathString(issue.path) !== path) return undefined;
      return { name: path, text: issue.code === 'too_big' ? issueText(issue, s) : s.errors.number };
    },
    render(c) {
      const input = html`<input type="text" inputmode="decimal" class="short" ${aria(c, path, Boolean(o.hint))} value="${
        c.values[path] ?? ''
      }" required>`;
      return fieldBox(c, path, o.label(c.s), input, o.hint?.(c.s));
    },
  };
}

function formatNumber(v: unknown): string {
  return typeof v === 'number' ? String(v) : '';
}

/** A check box for a boolean at `path`; `on`/`off` map other value pairs (e.g. 'each-lead'/'off'). */
function checkboxSetting<T = boolean>(path: string, o: SimpleOptions & { on?: T; off?: T }): SettingEntry {
  const on = (o.on ?? true) as unknown;
  const off = (o.off ?? false) as unknown;
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => (getPath(t, path) === on ? { [path]: 'on' } : {}),
    fromForm(f, draft, r) {
      if (f[path] === 'on') r.echo[path] = 'on';
      setPath(draft, path, f[path] === 'on' ? on : off);
    },
    explain(issue, s) {
      return pathString(issue.path) === path ? { name: path, text: issueText(issue, s) } : undefined;
    },
    render(c) {
      return html`<div class="field check${c.errors[path] ? ' invalid' : ''}">
  <label><input type="checkbox" ${aria(c, path, Boolean(o.hint))} value="on"${
    c.values[path] === 'on' ? html` checked` : ''
  }> ${o.label(c.s)}</label>${hintOf(path, o.hint?.(c.s))}${errorOf(c, path)}
</div>`;
    },
  };
}

/** Radio buttons, one per value, each with its label and an optional explanation. */
function radioSetting<V extends string>(
  path: string,
  values: readonly V[],
  o: SimpleOptions & { option: (s: SettingsStrings, v: V) => string; explain?: (s: SettingsStrings, v: V) => string },
): SettingEntry {
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => ({ [path]: String(getPath(t, path) ?? '') }),
    fromForm(f, draft, r) {
      r.echo[path] = f[path] ?? '';
      setPath(draft, path, f[path]);
    },
    explain(issue, s) {
      return pathString(issue.path) === path ? { name: path, text: issueText(issue, s) } : undefined;
    },
    render(c) {
      const id = inputId(path);
      return html`<fieldset class="field radios${c.errors[path] ? ' invalid' : ''}" id="${id}"${
        c.errors[path] ? html` aria-describedby="${id}-error"` : ''
      }>
  <legend>${o.label(c.s)}</legend>${errorOf(c, path)}
  ${values.map(
    (v) =>
      html`<label class="radio"><input type="radio" name="${path}" value="${v}"${c.values[path] === v ? html` checked` : ''}${
        c.errors[path] ? html` aria-invalid="true"` : ''
      }> <strong>${o.option(c.s, v)}</strong>${o.explain ? html`<span class="hint">${o.explain(c.s, v)}</span>` : ''}</label>`,
  )}
</fieldset>`;
    },
  };
}

/** A choice from a list that depends on the page's language (`defaultCountry`). */
function selectSetting(
  path: string,
  o: SimpleOptions & { choices: (l: DashLocale, current: string) => { value: string; name: string }[] },
): SettingEntry {
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => ({ [path]: String(getPath(t, path) ?? '') }),
    fromForm(f, draft, r) {
      r.echo[path] = f[path] ?? '';
      setPath(draft, path, f[path]);
    },
    explain(issue, s) {
      return pathString(issue.path) === path ? { name: path, text: issueText(issue, s) } : undefined;
    },
    render(c) {
      const current = c.values[path] ?? '';
      const input = html`<select ${aria(c, path, Boolean(o.hint))}>${o
        .choices(c.locale, current)
        .map(
          (ch) => html`<option value="${ch.value}"${ch.value === current ? html` selected` : ''}>${ch.name}</option>`,
        )}</select>`;
      return fieldBox(c, path, o.label(c.s), input, o.hint?.(c.s));
    },
  };
}

/** A list of strings, one per line (`allowedOrigins`). */
function linesSetting(path: string, o: SimpleOptions): SettingEntry {
  return {
    keys: [settingKey(path)],
    section: o.section,
    toForm: (t) => ({ [path]: ((getPath(t, path) as string[] | undefined) ?? []).join('\n') }),
    fromForm(f, draft, r) {
      r.echo[path] = f[path] ?? '';
      const lines = (f[path] ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      setPath(draft, path, [...new Set(lines)]);
    },
    explain(issue, s) {
      if (!pathString(issue.path).startsWith(path)) return undefined;
      return { name: path, text: o.invalid?.(s) ?? issueText(issue, s) };
    },
    render(c) {
      const input = html`<textarea rows="3" ${aria(c, path, Boolean(o.hint))}>${c.values[path] ?? ''}</textarea>`;
      return fieldBox(c, path, o.label(c.s), input, o.hint?.(c.s));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Entries with more than one input

/** A text in both languages, optional as a whole (`denyText`). */
function localizedSetting(key: string, o: SimpleOptions & { rows?: number }): SettingEntry {
  const de = `${key}.de`;
  const en = `${key}.en`;
  return {
    keys: [key],
    section: o.section,
    toForm: (t) => {
      const v = getPath(t, key) as { de: string; en: string } | undefined;
      return { [de]: v?.de ?? '', [en]: v?.en ?? '' };
    },
    fromForm(f, draft, r) {
      r.echo[de] = f[de] ?? '';
      r.echo[en] = f[en] ?? '';
      const vd = (f[de] ?? '').trim();
      const ve = (f[en] ?? '').trim();
      if (!vd && !ve) {
        setPath(draft, key, undefined);
        return;
      }
      if (!vd) r.problems[de] = r.s.errors.bothLanguages;
      if (!ve) r.problems[en] = r.s.errors.bothLanguages;
      setPath(draft, key, { de: vd, en: ve });
    },
    explain(issue, s) {
      const p = pathString(issue.path);
      if (!p.startsWith(key)) return undefined;
      return { name: p === en ? en : de, text: issueText(issue, s) };
    },
    render(c) {
      const area = (name: string, lang: string) =>
        html`<textarea rows="${o.rows ?? 3}" lang="${lang}" ${aria(c, name, false)}>${c.values[name] ?? ''}</textarea>`;
      return html`<fieldset class="field">
  <legend>${o.label(c.s)}</legend>${o.hint ? html`<span class="hint">${o.hint(c.s)}</span>` : ''}
  <div class="pair">
    ${fieldBox(c, de, c.s.german, area(de, 'de'))}
    ${fieldBox(c, en, c.s.english, area(en, 'en'))}
  </div>
</fieldset>`;
    },
  };
}

/** Each standard field: required, optional or hidden (email always required). */
const standardFields: SettingEntry = {
  keys: ['fields'],
  section: 'fields',
  toForm(t) {
    const out: FormValues = {};
    for (const k of STANDARD_FIELD_KEYS) {
      if (k !== 'email') out[`fields.${k}`] = t.fields[k] ?? DEFAULT_FIELD_REQUIREMENTS[k];
    }
    return out;
  },
  fromForm(f, draft, r) {
    const fields: Partial<Record<string, FieldRequirement | string>> = {};
    for (const k of STANDARD_FIELD_KEYS) {
      const name = `fields.${k}`;
      if (k === 'email') {
        if (r.base?.fields.email) fields.email = r.base.fields.email;
        continue;
      }
      const v = f[name] ?? '';
      r.echo[name] = v;
      // The default stays unwritten unless the tour said it before: the change log shows only changes.
      if (v === DEFAULT_FIELD_REQUIREMENTS[k] && r.base?.fields[k] === undefined) continue;
      fields[k] = v;
    }
    draft.fields = fields;
  },
  explain(issue, s) {
    const p = pathString(issue.path);
    return p.startsWith('fields.') ? { name: p, text: issueText(issue, s) } : undefined;
  },
  render(c) {
    const rows = STANDARD_FIELD_KEYS.map((k) => {
      const name = `fields.${k}`;
      const label = FIELD_LABELS[c.locale][k];
      const control =
        k === 'email'
          ? html`<span class="muted">${c.s.emailAlways}</span>`
          : html`<select ${aria(c, name, false)} aria-label="${label}">${FIELD_REQUIREMENTS.map(
              (r) =>
                html`<option value="${r}"${c.values[name] === r ? html` selected` : ''}>${c.s.requirements[r]}</option>`,
            )}</select>${errorOf(c, name)}`;
      return html`<tr><th scope="row"><label for="${inputId(name)}">${label}</label></th><td>${control}</td></tr>`;
    });
    return html`<fieldset class="field">
  <legend>${c.s.standardFields}</legend>
  <table class="settings-table"><tr><th>${c.s.field}</th><th>${c.s.requirement}</th></tr>${rows}</table>
</fieldset>`;
  },
};

const CUSTOM_TYPES = ['text', 'textarea', 'tel', 'select', 'checkbox'] as const;
type CustomType = (typeof CUSTOM_TYPES)[number];
type CustomField = TourConfig['customFields'][number];

/** `value`, `Deutsch | English`, or `value | Deutsch | English` per line (see optionsHint). */
function optionLines(options: CustomField['options']): string {
  return (options ?? [])
    .map((o) => {
      if (!o.label) return o.value;
      return o.label.de === o.value ? `${o.label.de} | ${o.label.en}` : `${o.value} | ${o.label.de} | ${o.label.en}`;
    })
    .join('\n');
}

function parseOptionLines(text: string): CustomField['options'] | 'invalid' {
  const out: NonNullable<CustomField['options']> = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const parts = line.split('|').map((p) => p.trim());
    if (parts.some((p) => !p) || parts.length > 3) return 'invalid';
    if (parts.length === 1) out.push({ value: parts[0] as string });
    else if (parts.length === 2)
      out.push({ value: parts[0] as string, label: { de: parts[0] as string, en: parts[1] as string } });
    else out.push({ value: parts[0] as string, label: { de: parts[1] as string, en: parts[2] as string } });
  }
  return out;
}

/** The words of a text in ASCII letters and digits: "Straße 5, Köln" → Strasse, 5, Koeln. */
export function asciiWords(text: string): string[] {
  return text
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae')
    .replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/** A key for a new field from its German label: "Finanzierung geklärt" → `finanzierungGeklaert`. */
function fieldKeyFor(label: string, taken: ReadonlySet<string>): string {
  const words = asciiWords(label);
  let base = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join('')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32);
  if (!CUSTOM_FIELD_KEY_PATTERN.test(base)) base = 'field';
  let key = base;
  for (let n = 2; taken.has(key) || (STANDARD_FIELD_KEYS as readonly string[]).includes(key); n++) key = `${base}${n}`;
  return key;
}

const CF_PARTS = ['key', 'labelDe', 'labelEn', 'type', 'requirement', 'maxLength', 'options'] as const;

function customFieldForm(f: CustomField, prefix: string): FormValues {
  return {
    [`${prefix}.key`]: f.key,
    [`${prefix}.labelDe`]: f.label.de,
    [`${prefix}.labelEn`]: f.label.en,
    [`${prefix}.type`]: f.type,
    [`${prefix}.requirement`]: f.requirement,
    [`${prefix}.maxLength`]: String(f.maxLength),
    [`${prefix}.options`]: optionLines(f.options),
  };
}

/**
 * Custom fields: one block per field with Up, Down and Remove (submit buttons: each saves the
 * form with that change), and an empty block that adds a field when its labels are filled in.
 */
const customFields: SettingEntry = {
  keys: ['customFields'],
  section: 'fields',
  toForm(t) {
    const out: FormValues = { 'cf.count': String(t.customFields.length) };
    t.customFields.forEach((f, i) => {
      Object.assign(out, customFieldForm(f, `cf.${i}`));
    });
    return out;
  },
  fromForm(f, draft, r) {
    const count = Math.min(100, Math.max(0, Number.parseInt(f['cf.count'] ?? '0', 10) || 0));
    const rows: FormValues[] = [];
    for (let i = 0; i < count; i++) {
      const row: FormValues = {};
      for (const part of CF_PARTS) row[part] = f[`cf.${i}.${part}`] ?? '';
      rows.push(row);
    }
    const [op, at] = (f.op ?? '').split(':');
    const i = Number(at);
    if (Number.isInteger(i) && i >= 0 && i < rows.length) {
      if (op === 'remove') rows.splice(i, 1);
      else if (op === 'up' && i > 0) rows.splice(i - 1, 0, ...rows.splice(i, 1));
      else if (op === 'down' && i < rows.length - 1) rows.splice(i + 1, 0, ...rows.splice(i, 1));
    }
    const fresh: FormValues = {};
    for (const part of CF_PARTS) fresh[part] = f[`cf.new.${part}`] ?? '';
    const adding = Boolean(fresh.labelDe?.trim() || fresh.labelEn?.trim());
    const taken = new Set(rows.map((row) => row.key ?? ''));
    if (adding) {
      fresh.key = fieldKeyFor(fresh.labelDe || fresh.labelEn || '', taken);
      rows.push(fresh);
    }
    const fields: unknown[] = [];
    rows.forEach((row, j) => {
      const prefix = `cf.${j}`;
      for (const part of CF_PARTS) r.echo[`${prefix}.${part}`] = row[part] ?? '';
      const type = row.type as CustomType;
      const options = type === 'select' ? parseOptionLines(row.options ?? '') : undefined;
      if (options === 'invalid') r.problems[`${prefix}.options`] = r.s.errors.option;
      // The schema says so too, but only once the rest of the tour is in shape: say it now.
      else if (options && !options.length) r.problems[`${prefix}.options`] = r.s.errors.options;
      const maxLength = Number(row.maxLength);
      fields.push({
        key: row.key,
        label: { de: (row.labelDe ?? '').trim(), en: (row.labelEn ?? '').trim() },
        type,
        requirement: row.requirement,
        ...(row.maxLength?.trim() ? { maxLength: Number.isFinite(maxLength) ? maxLength : row.maxLength } : {}),
        ...(options && options !== 'invalid' ? { options } : {}),
      });
    });
    r.echo['cf.count'] = String(rows.length);
    draft.customFields = fields;
  },
  explain(issue, s) {
    const [head, j, part, sub] = issue.path;
    if (head !== 'customFields') return undefined;
    if (typeof j !== 'number') return { name: 'cf.new.labelDe', text: issueText(issue, s) };
    const target =
      part === 'label'
        ? sub === 'en'
          ? 'labelEn'
          : 'labelDe'
        : part === 'key' || part === undefined
          ? 'labelDe'
          : part;
    const text = part === 'label' ? s.errors.labels : issueText(issue, s);
    return { name: `cf.${j}.${String(target)}`, text };
  },
  render(c) {
    const count = Number.parseInt(c.values['cf.count'] ?? '0', 10) || 0;
    const block = (prefix: string, title: string, actions: Html | string) => {
      const v = (part: string) => c.values[`${prefix}.${part}`] ?? '';
      const n = (part: string) => `${prefix}.${part}`;
      const type = v('type') || 'text';
      return html`<fieldset class="custom-field">
  <legend>${title}</legend>
  ${prefix === 'cf.new' ? '' : html`<input type="hidden" name="${n('key')}" value="${v('key')}">`}
  <div class="pair">
    ${fieldBox(c, n('labelDe'), c.s.labelDe, html`<input type="text" lang="de" ${aria(c, n('labelDe'), false)} value="${v('labelDe')}">`)}
    ${fieldBox(c, n('labelEn'), c.s.labelEn, html`<input type="text" lang="en" ${aria(c, n('labelEn'), false)} value="${v('labelEn')}">`)}
  </div>
  <div class="pair">
    ${fieldBox(
      c,
      n('type'),
      c.s.type,
      html`<select ${aria(c, n('type'), false)}>${CUSTOM_TYPES.map(
        (t) => html`<option value="${t}"${type === t ? html` selected` : ''}>${c.s.types[t]}</option>`,
      )}</select>`,
    )}
    ${fieldBox(
      c,
      n('requirement'),
      c.s.requirement,
      html`<select ${aria(c, n('requirement'), false)}>${FIELD_REQUIREMENTS.map(
        (r) =>
          html`<option value="${r}"${(v('requirement') || 'optional') === r ? html` selected` : ''}>${c.s.requirements[r]}</option>`,
      )}</select>`,
    )}
    ${fieldBox(
      c,
      n('maxLength'),
      c.s.maxLength,
      html`<input type="text" inputmode="numeric" class="short" ${aria(c, n('maxLength'), false)} value="${v('maxLength')}">`,
    )}
  </div>
  ${fieldBox(c, n('options'), c.s.options, html`<textarea rows="3" ${aria(c, n('options'), true)}>${v('options')}</textarea>`, c.s.optionsHint)}
  ${actions}
</fieldset>`;
    };
    const blocks = Array.from({ length: count }, (_, i) => {
      const label = c.values[`cf.${i}.label${c.locale === 'de' ? 'De' : 'En'}`] || c.s.customField(i + 1);
      const actions = html`<p class="row actions">
  ${i > 0 ? html`<button type="submit" class="plain" name="op" value="up:${i}">${c.s.moveUp}<span class="vh">: ${label}</span></button>` : ''}
  ${i < count - 1 ? html`<button type="submit" class="plain" name="op" value="down:${i}">${c.s.moveDown}<span class="vh">: ${label}</span></button>` : ''}
  <button type="submit" class="plain" name="op" value="remove:${i}">${c.s.remove}<span class="vh">: ${label}</span></button>
</p>`;
      return block(`cf.${i}`, c.s.fieldTitle(label), actions);
    });
    return html`<fieldset class="field">
  <legend>${c.s.customFields}</legend>
  <span class="hint">${c.s.customFieldsHint}</span>
  <input type="hidden" name="cf.count" value="${count}">
  ${count ? blocks : html`<p class="muted">${c.s.noCustomFields}</p>`}
  ${block('cf.new', c.s.newCustomField, html`<span class="hint">${c.s.newCustomFieldHint}</span>`)}
</fieldset>`;
  },
};

/**
 * Protected viewpoints and their names: the rule (a list, or all except a list), a row per
 * viewpoint the widget reported (or the list holds) with a tick and names in both languages,
 * and further ids typed in.
 */
const viewpoints: SettingEntry = {
  keys: ['viewpoints', 'viewpointLabels'],
  section: 'viewpoints',
  toForm(t) {
    const out: FormValues = { 'vp.protect': t.viewpoints.protect, 'vp.typed': '' };
    const labels = (t as { viewpointLabels?: Record<string, { de: string; en: string }> }).viewpointLabels ?? {};
    const known = [...new Set([...t.viewpoints.ids, ...Object.keys(labels)])];
    known.forEach((id, i) => {
      out[`vp.${i}.id`] = id;
      if (t.viewpoints.ids.includes(id)) out[`vp.${i}.on`] = 'on';
      out[`vp.${i}.de`] = labels[id]?.de ?? '';
      out[`vp.${i}.en`] = labels[id]?.en ?? '';
    });
    out['vp.count'] = String(known.length);
    return out;
  },
  fromForm(f, draft, r) {
    const count = Math.min(1000, Math.max(0, Number.parseInt(f['vp.count'] ?? '0', 10) || 0));
    const ids: string[] = [];
    const labels: Record<string, { de: string; en: string }> = {};
    let rows = 0;
    const seenIds = new Set<string>();
    const keep = (id: string, on: boolean, de: string, en: string) => {
      if (seenIds.has(id)) return;
      seenIds.add(id);
      const i = rows++;
      r.echo[`vp.${i}.id`] = id;
      if (on) r.echo[`vp.${i}.on`] = 'on';
      r.echo[`vp.${i}.de`] = de;
      r.echo[`vp.${i}.en`] = en;
      if (on) ids.push(id);
      if (de.trim() || en.trim()) {
        if (!de.trim()) r.problems[`vp.${i}.de`] = r.s.errors.bothLanguages;
        if (!en.trim()) r.problems[`vp.${i}.en`] = r.s.errors.bothLanguages;
        labels[id] = { de: de.trim(), en: en.trim() };
      }
    };
    for (let i = 0; i < count; i++) {
      const id = f[`vp.${i}.id`];
      if (id) keep(id, f[`vp.${i}.on`] === 'on', f[`vp.${i}.de`] ?? '', f[`vp.${i}.en`] ?? '');
    }
    // Typed ids are protected-list members; they join the rows above.
    for (const line of (f['vp.typed'] ?? '').split(/\r?\n/)) {
      const id = line.trim();
      if (id) keep(id, true, '', '');
    }
    r.echo['vp.count'] = String(rows);
    r.echo['vp.typed'] = '';
    r.echo['vp.protect'] = f['vp.protect'] ?? '';
    draft.viewpoints = { protect: f['vp.protect'], ids };
    if ('viewpointLabels' in tourConfigSchema.shape) {
      draft.viewpointLabels = Object.keys(labels).length ? labels : undefined;
      if (draft.viewpointLabels === undefined) delete draft.viewpointLabels;
    }
  },
  explain(issue, s) {
    const [head, second, third] = issue.path;
    if (head === 'viewpoints') {
      if (second === 'protect') return { name: 'vp.protect', text: issueText(issue, s) };
      return { name: 'vp.typed', text: s.errors.viewpoint };
    }
    if (head === 'viewpointLabels') {
      return { name: 'vp.typed', text: third === undefined ? s.errors.viewpoint : issueText(issue, s) };
    }
    return undefined;
  },
  render(c) {
    const count = Number.parseInt(c.values['vp.count'] ?? '0', 10) || 0;
    const listed = new Set(Array.from({ length: count }, (_, i) => c.values[`vp.${i}.id`] ?? ''));
    const extra = c.seen.filter((id) => !listed.has(id));
    const rows: Html[] = [];
    const row = (i: number, id: string, on: boolean, de: string, en: string) =>
      html`<tr>
  <td><input type="hidden" name="vp.${i}.id" value="${id}"><label><input type="checkbox" name="vp.${i}.on" value="on" id="${inputId(
    `vp.${i}.on`,
  )}"${on ? html` checked` : ''}> <code>${id}</code></label></td>
  <td><input type="text" lang="de" ${aria(c, `vp.${i}.de`, false)} value="${de}" aria-label="${c.s.nameDe}: ${id}">${errorOf(c, `vp.${i}.de`)}</td>
  <td><input type="text" lang="en" ${aria(c, `vp.${i}.en`, false)} value="${en}" aria-label="${c.s.nameEn}: ${id}">${errorOf(c, `vp.${i}.en`)}</td>
</tr>`;
    for (let i = 0; i < count; i++) {
      rows.push(
        row(
          i,
          c.values[`vp.${i}.id`] ?? '',
          c.values[`vp.${i}.on`] === 'on',
          c.values[`vp.${i}.de`] ?? '',
          c.values[`vp.${i}.en`] ?? '',
        ),
      );
    }
    extra.forEach((id, j) => {
      rows.push(row(count + j, id, false, '', ''));
    });
    const protect = radioSetting('vp.protect', ['list', 'all-except'] as const, {
      section: 'viewpoints',
      label: (s) => s.protect,
      option: (s, v) => s.protects[v],
    });
    return html`${protect.render(c)}
<fieldset class="field">
  <legend>${c.s.seen}</legend>
  <span class="hint">${c.s.seenHint}</span>
  <input type="hidden" name="vp.count" value="${count + extra.length}">
  ${
    rows.length
      ? html`<div class="wide"><table class="settings-table"><tr><th>${c.s.viewpoint}</th><th>${c.s.nameDe}</th><th>${c.s.nameEn}</th></tr>${rows}</table></div>`
      : html`<p class="muted">${c.s.noSeen}</p>`
  }
</fieldset>
${fieldBox(c, 'vp.typed', c.s.typedIds, html`<textarea rows="3" ${aria(c, 'vp.typed', true)}>${c.values['vp.typed'] ?? ''}</textarea>`, c.s.typedIdsHint)}`;
  },
};

/** The hCaptcha site key: empty, no captcha. */
const captcha: SettingEntry = {
  keys: ['captcha'],
  section: 'protection',
  toForm: (t) => ({ 'captcha.siteKey': t.captcha?.siteKey ?? '' }),
  fromForm(f, draft, r) {
    r.echo['captcha.siteKey'] = f['captcha.siteKey'] ?? '';
    const v = (f['captcha.siteKey'] ?? '').trim();
    draft.captcha = v ? { siteKey: v } : undefined;
    if (!v) delete draft.captcha;
  },
  explain(issue, s) {
    return issue.path[0] === 'captcha' ? { name: 'captcha.siteKey', text: issueText(issue, s) } : undefined;
  },
  render(c) {
    return fieldBox(
      c,
      'captcha.siteKey',
      c.s.captchaSiteKey,
      html`<input type="text" ${aria(c, 'captcha.siteKey', true)} value="${c.values['captcha.siteKey'] ?? ''}">`,
      c.s.captchaSiteKeyHint,
    );
  },
};

// ---------------------------------------------------------------------------------------------
// The list: the order here is the order on the page within each section.

const ALL_SETTINGS: SettingEntry[] = [
  textSetting('title', { section: 'basics', label: (s) => s.title, hint: (s) => s.titleHint }),
  textSetting('pageUrl', {
    section: 'basics',
    type: 'url',
    label: (s) => s.pageUrl,
    hint: (s) => s.pageUrlHint,
    invalid: (s) => s.errors.url,
  }),
  linesSetting('allowedOrigins', {
    section: 'basics',
    label: (s) => s.allowedOrigins,
    hint: (s) => s.allowedOriginsHint,
    invalid: (s) => s.errors.origin,
  }),
  textSetting('embedUrl', {
    section: 'basics',
    type: 'url',
    optional: true,
    label: (s) => s.embedUrl,
    hint: (s) => s.embedUrlHint,
    invalid: (s) => s.errors.embedUrl,
  }),
  radioSetting('locale', ['de', 'en'] as const, {
    section: 'basics',
    label: (s) => s.locale,
    option: (s, v) => s.locales[v],
  }),
  textSetting('oobjId', {
    section: 'basics',
    optional: true,
    maxLength: 100,
    label: (s) => s.oobjId,
    hint: (s) => s.oobjIdHint,
  }),
  radioSetting('mode', ['email', 'manual'] as const, {
    section: 'release',
    label: (s) => s.mode,
    option: (s, v) => s.modes[v],
    explain: (s, v) => s.modeHints[v],
  }),
  numberSetting('linkValidityDays', {
    section: 'release',
    label: (s) => s.linkValidityDays,
    hint: (s) => s.validityHint,
  }),
  numberSetting('accessValidityDays', { section: 'release', label: (s) => s.accessValidityDays }),
  numberSetting('reviewValidityDays', { section: 'release', label: (s) => s.reviewValidityDays }),
  checkboxSetting('notifications.broker', {
    section: 'release',
    on: 'each-lead',
    off: 'off',
    label: (s) => s.brokerNotification,
  }),
  checkboxSetting('notifications.digest', { section: 'release', label: (s) => s.digest }),
  checkboxSetting('notifications.visitorConfirmation', { section: 'release', label: (s) => s.visitorConfirmation }),
  checkboxSetting('allowRepeatRequests', { section: 'release', label: (s) => s.allowRepeatRequests }),
  checkboxSetting('notifications.openimmoAttachment', { section: 'release', label: (s) => s.openimmoAttachment }),
  localizedSetting('denyText', { section: 'release', label: (s) => s.denyText, hint: (s) => s.denyTextHint }),
  standardFields,
  selectSetting('defaultCountry', {
    section: 'fields',
    label: (s) => s.defaultCountry,
    hint: (s) => s.defaultCountryHint,
    choices: (l, current) => countryChoices(l, current || undefined).map((ch) => ({ value: ch.code, name: ch.name })),
  }),
  customFields,
  viewpoints,
  textSetting('consent.privacyUrl', {
    section: 'consent',
    type: 'url',
    label: (s) => s.privacyUrl,
    invalid: (s) => s.errors.url,
  }),
  textSetting('consent.termsUrl', {
    section: 'consent',
    type: 'url',
    optional: true,
    label: (s) => s.termsUrl,
    invalid: (s) => s.errors.url,
  }),
  textSetting('consent.version', {
    section: 'consent',
    maxLength: 64,
    label: (s) => s.consentVersion,
    hint: (s) => s.consentVersionHint,
  }),
  checkboxSetting('consent.marketing', { section: 'consent', label: (s) => s.marketing }),
  captcha,
];

interface SchemaLike {
  shape?: Record<string, unknown>;
  unwrap?: () => unknown;
  def?: { innerType?: unknown };
}

/** The object shape inside a schema wrapped in defaults or optionals. */
function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let s = schema as SchemaLike | undefined;
  for (let i = 0; s && i < 5; i++) {
    if (s.shape) return s.shape;
    s = (s.def?.innerType ?? s.unwrap?.()) as SchemaLike | undefined;
  }
  return undefined;
}

const SHAPE = tourConfigSchema.shape as Record<string, unknown>;

/**
 * Every broker setting of the schema, as entries name them: top-level keys, and the parts of the
 * groups (`notifications.broker` …).
 */
export function schemaSettingPaths(): string[] {
  return Object.keys(SHAPE).flatMap((k) => {
    const parts = (GROUPS as readonly string[]).includes(k) ? shapeOf(SHAPE[k]) : undefined;
    return parts ? Object.keys(parts).map((p) => `${k}.${p}`) : [k];
  });
}

const PATHS = new Set(schemaSettingPaths());

/** The entries whose settings the schema has. */
export const SETTINGS: readonly SettingEntry[] = ALL_SETTINGS.filter((e) => e.keys.every((k) => PATHS.has(k)));

/** Every setting path the entries cover. */
export const COVERED_PATHS: ReadonlySet<string> = new Set(SETTINGS.flatMap((e) => e.keys));

/** The form's values for a tour. */
export function formValuesOf(t: TourConfig): FormValues {
  return Object.assign({}, ...SETTINGS.map((e) => e.toForm(t)));
}

/**
 * The tour the form describes (the saved tour's other keys kept as they are), the values to show
 * again, and the problems the form itself found.
 */
export function readSettingsForm(
  f: FormValues,
  base: TourConfig | undefined,
  s: SettingsStrings,
): { draft: Draft; echo: FormValues; problems: Record<string, string> } {
  const draft: Draft = base ? (structuredClone(base) as Draft) : {};
  const r: ReadContext = { base, problems: {}, echo: {}, s };
  for (const e of SETTINGS) e.fromForm(f, draft, r);
  return { draft, echo: r.echo, problems: r.problems };
}

/** Per input, the text of each schema problem (the first per input wins). */
export function explainIssues(issues: readonly Issue[], s: SettingsStrings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    let found: { name: string; text: string } | undefined;
    for (const e of SETTINGS) {
      found = e.explain(issue, s);
      if (found) break;
    }
    const name = found?.name ?? (issue.path[0] === 'id' ? 'id' : 'title');
    out[name] ??= found?.text ?? issueText(issue, s);
  }
  return out;
}
