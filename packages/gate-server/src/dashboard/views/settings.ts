/**
 * A tour's settings page (and the page that sets up a new tour): one form, a card per section,
 * every setting of `settings-registry.ts`. Plain HTML: it works without JavaScript; a refused
 * save shows an error summary at the top that links to each field, and each field its reason
 * (`aria-invalid`, `aria-describedby`). A tour from the config file is shown read-only.
 */
import { html, raw } from 'hono/html';
import type { Html } from '../../util/html.ts';
import { profileEmbedStrings } from '../profile-embed-strings.ts';
import { type SettingsStrings, settingsStrings } from '../settings-strings.ts';
import type { DashLocale } from '../strings.ts';
import { csrfInput } from './format.ts';
import { type FormValues, inputId, type RenderContext, SECTIONS, SETTINGS } from './settings-registry.ts';

/** The page's own rules (the dashboard frame's stylesheet has the rest), under the response's nonce. */
const CSS = `
.settings .field{margin:0 0 14px}.settings .field>label,.settings legend{font-weight:600;color:#17212b;font-size:14px}
.settings .hint{display:block;font-size:13px;color:#5b6875;margin:2px 0 4px}
.settings .field-error{display:block;color:#a3312a;font-weight:600;font-size:13px;margin:2px 0 4px}
.settings .invalid input,.settings .invalid textarea,.settings .invalid select,.settings [aria-invalid=true]{border-color:#a3312a;box-shadow:0 0 0 1px #a3312a}
.settings input[type=text],.settings input[type=url],.settings textarea{width:100%;max-width:40em}
.settings input.short{width:8em}.settings textarea{font:inherit;padding:6px 8px;border:1px solid #c3ccd6;border-radius:5px}
.settings fieldset{border:1px solid #e4e8ee;border-radius:6px;padding:10px 14px;margin:0 0 14px;min-width:0}
.settings fieldset label{display:block;margin:0}.settings label.radio{margin:6px 0}
.settings .check label{font-weight:400;color:#17212b}
.settings .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:0 16px}
.settings .custom-field{background:#f8fafc}.settings .actions{gap:6px}
.settings .settings-table{width:auto;min-width:min(100%,30em)}.settings .settings-table th,.settings .settings-table td{vertical-align:middle}
.settings .settings-table select{min-width:10em}
@media (max-width:480px){.settings .settings-table select{min-width:0}.settings fieldset{padding:8px 10px}}.settings .settings-table td input[type=text]{min-width:8em}
.settings .savebar{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.errors a{color:#7a231e;font-weight:600}.errors ul{margin:6px 0 0;padding-left:20px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.audit-changes{margin:0;padding-left:18px}.audit del{color:#8a4b46}.audit ins{text-decoration:none;color:#1d5e2a}
code{overflow-wrap:anywhere}
.settings .plain-fieldset{border:0;padding:0;margin:0}
`;

export interface SettingsPageInput {
  locale: DashLocale;
  csrf: string;
  nonce: string;
  /** Undefined: a new tour. */
  tour?: { id: string; title: string } | undefined;
  values: FormValues;
  errors: Record<string, string>;
  seen: readonly string[];
  /** The version of the settings the form was filled from (refuses a save over someone else's). */
  base?: string | undefined;
  readOnly?: boolean;
  notice?: string | undefined;
  /** The change log, shown below the form. */
  log?: Html | undefined;
}

function errorSummary(s: SettingsStrings, errors: Record<string, string>, labels: Map<string, string>): Html | string {
  const names = Object.keys(errors);
  if (!names.length) return '';
  return html`<div class="problem errors" role="alert" id="error-summary" tabindex="-1" autofocus>
  <strong>${s.errorSummary(names.length)}</strong> ${s.notSaved}
  <ul>${names.map((n) => {
    // Taken from the escaped markup: put back as it is.
    const label = labels.get(inputId(n));
    return html`<li><a href="#${inputId(n)}">${label ? raw(`${label}: `) : ''}${errors[n]}</a></li>`;
  })}</ul>
</div>`;
}

/** The label texts of the inputs, read from the rendered markup (`<label for=…>`). */
function labelsOf(markup: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markup.matchAll(/<label for="([^"]+)">([^<]*)<\/label>/g)) out.set(m[1] as string, m[2] as string);
  for (const m of markup.matchAll(/id="(s-[^"]+)"[^>]*aria-label="([^"]*)"/g)) out.set(m[1] as string, m[2] as string);
  for (const m of markup.matchAll(
    /<fieldset class="field radios[^"]*" id="([^"]+)"[^>]*>\s*<legend>([^<]*)<\/legend>/g,
  )) {
    out.set(m[1] as string, m[2] as string);
  }
  return out;
}

export function settingsView(v: SettingsPageInput): Html {
  const s = settingsStrings(v.locale);
  const c: RenderContext = { s, locale: v.locale, values: v.values, errors: v.errors, seen: v.seen };
  const sections = SECTIONS.map((id) => {
    const entries = SETTINGS.filter((e) => e.section === id);
    if (!entries.length) return '';
    return html`<section class="card" aria-labelledby="sec-${id}">
  <h2 id="sec-${id}">${s.sections[id]}</h2>
  ${entries.map((e) => e.render(c))}
</section>`;
  });
  const idField = v.tour
    ? ''
    : html`<section class="card"><div class="field${v.errors.id ? ' invalid' : ''}">
  <label for="${inputId('id')}">${s.id}</label>
  <span class="hint" id="${inputId('id')}-hint">${s.idHint}</span>
  ${v.errors.id ? html`<span class="field-error" id="${inputId('id')}-error">${v.errors.id}</span>` : ''}
  <input type="text" id="${inputId('id')}" name="id" value="${v.values.id ?? ''}" maxlength="64" pattern="[a-z0-9][a-z0-9_\\-]{0,63}"
    aria-describedby="${inputId('id')}-hint${v.errors.id ? ` ${inputId('id')}-error` : ''}"${v.errors.id ? html` aria-invalid="true"` : ''}>
</div></section>`;
  const submit = v.tour ? s.save : s.create;
  const saveBar = v.readOnly
    ? ''
    : html`<p class="savebar"><button class="primary" type="submit" name="op" value="save">${submit}</button></p>`;
  const body = html`${idField}${sections}`;
  // The labels for the summary's links come from the fields as rendered.
  const labels = labelsOf(String(body));
  const action = v.tour ? `/dashboard/tours/${v.tour.id}/settings` : '/dashboard/new-tour';
  const back = v.tour
    ? html`<a href="/dashboard/tours/${v.tour.id}">← ${s.back}</a>`
    : html`<a href="/dashboard">← ${s.backTours}</a>`;
  return html`<style nonce="${v.nonce}">${raw(CSS)}</style>
<p>${back}${
    v.tour ? html` · <a href="/dashboard/tours/${v.tour.id}/embed">${profileEmbedStrings(v.locale).embed.link}</a>` : ''
  }</p>
<h1>${v.tour ? s.settingsOf(v.tour.title) : s.newHeading}${
    v.readOnly ? html` <span class="badge">${s.fileBadge}</span>` : ''
  }</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.readOnly ? html`<p class="notice">${s.fileManaged}</p>` : ''}
${v.tour ? '' : html`<p class="muted">${s.newIntro}</p>`}
${errorSummary(s, v.errors, labels)}
<form method="post" action="${action}" class="settings" novalidate>
  ${csrfInput(v.csrf)}
  ${v.base ? html`<input type="hidden" name="base" value="${v.base}">` : ''}
  ${saveBar}
  ${v.readOnly ? html`<fieldset disabled class="plain-fieldset">${body}</fieldset>` : body}
  ${saveBar}
</form>
${v.log ?? ''}`;
}
