/**
 * The broker's profile page: one plain form (works without JavaScript), the logo as a file
 * input in the same multipart form. A refused save shows an error summary that links to each
 * field, and each field its reason.
 */
import { html, raw } from 'hono/html';
import type { Html } from '../../util/html.ts';
import { profileEmbedStrings } from '../profile-embed-strings.ts';
import type { DashLocale } from '../strings.ts';
import { csrfInput } from './format.ts';

const CSS = `
.profile .field{margin:0 0 14px}.profile .field>label,.profile legend{font-weight:600;color:#17212b;font-size:14px}
.profile .hint{display:block;font-size:13px;color:#5b6875;margin:2px 0 4px}
.profile .field-error{display:block;color:#a3312a;font-weight:600;font-size:13px;margin:2px 0 4px}
.profile [aria-invalid=true]{border-color:#a3312a;box-shadow:0 0 0 1px #a3312a}
.profile input[type=text],.profile input[type=url],.profile input[type=tel],.profile textarea{width:100%;max-width:32em}
.profile textarea{font:inherit;padding:6px 8px;border:1px solid #c3ccd6;border-radius:5px}
.profile fieldset{border:1px solid #e4e8ee;border-radius:6px;padding:8px 12px;margin:0 0 14px;min-width:0}
.profile fieldset.field>label{display:inline-block;margin:4px 16px 4px 0;font-size:15px;color:#17212b;font-weight:400}
.profile .logo-now{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin:6px 0 8px}
.profile .logo-now img{max-height:56px;max-width:200px;border:1px solid #e4e8ee;border-radius:4px;background:#fff;padding:4px}
.profile input[type=file]{max-width:100%}
.errors a{color:#7a231e;font-weight:600}.errors ul{margin:6px 0 0;padding-left:20px}
`;

export interface ProfileValues {
  name: string;
  company: string;
  phone: string;
  address: string;
  website: string;
  salutation: string;
}

export interface ProfilePageInput {
  locale: DashLocale;
  csrf: string;
  nonce: string;
  values: ProfileValues;
  errors: Record<string, string>;
  logoUrl?: string | undefined;
  email: string;
  notice?: string | undefined;
}

const id = (name: string) => `p-${name}`;

function describedBy(name: string, hint: boolean, error: boolean): string {
  return [hint ? `${id(name)}-hint` : '', error ? `${id(name)}-error` : ''].filter(Boolean).join(' ');
}

function textField(
  v: ProfilePageInput,
  name: keyof ProfileValues,
  label: string,
  o: { type?: string; hint?: string; max: number; autocomplete?: string; multiline?: boolean },
): Html {
  const error = v.errors[name];
  const by = describedBy(name, Boolean(o.hint), Boolean(error));
  const attrs = html`id="${id(name)}" name="${name}" maxlength="${o.max}"${
    by ? html` aria-describedby="${by}"` : ''
  }${error ? html` aria-invalid="true"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}`;
  return html`<div class="field">
  <label for="${id(name)}">${label}</label>
  ${o.hint ? html`<span class="hint" id="${id(name)}-hint">${o.hint}</span>` : ''}
  ${error ? html`<span class="field-error" id="${id(name)}-error">${error}</span>` : ''}
  ${
    o.multiline
      ? html`<textarea ${attrs} rows="3">${v.values[name]}</textarea>`
      : html`<input type="${o.type ?? 'text'}" ${attrs} value="${v.values[name]}">`
  }
</div>`;
}

export function profileView(v: ProfilePageInput): Html {
  const s = profileEmbedStrings(v.locale).profile;
  const names = Object.keys(v.errors);
  const labels: Record<string, string> = {
    name: s.name,
    salutation: s.salutation,
    company: s.company,
    phone: s.phone,
    address: s.address,
    website: s.website,
    logo: s.logo,
  };
  const summary = names.length
    ? html`<div class="problem errors" role="alert" id="error-summary" tabindex="-1" autofocus>
  <strong>${s.errorSummary(names.length)}</strong> ${s.notSaved}
  <ul>${names.map((n) => html`<li><a href="#${id(n)}">${labels[n] ?? n}: ${v.errors[n]}</a></li>`)}</ul>
</div>`
    : '';
  const salutationError = v.errors.salutation;
  const logoError = v.errors.logo;
  return html`<style nonce="${v.nonce}">${raw(CSS)}</style>
<p><a href="/dashboard">← ${s.back}</a></p>
<h1>${s.heading}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<p class="muted">${s.intro}</p>
${summary}
<form method="post" action="/dashboard/profile" enctype="multipart/form-data" class="profile card" novalidate>
  ${csrfInput(v.csrf)}
  ${textField(v, 'name', s.name, { hint: s.nameHint, max: 120, autocomplete: 'name' })}
  <fieldset class="field" id="${id('salutation')}"${
    salutationError ? html` aria-describedby="${id('salutation')}-error"` : ''
  }>
    <legend>${s.salutation}</legend>
    <span class="hint">${s.salutationHint}</span>
    ${salutationError ? html`<span class="field-error" id="${id('salutation')}-error">${salutationError}</span>` : ''}
    ${(['ms', 'mr', ''] as const).map(
      (value) =>
        html`<label><input type="radio" name="salutation" value="${value}"${
          v.values.salutation === value ? ' checked' : ''
        }> ${s.salutations[value]}</label>`,
    )}
  </fieldset>
  ${textField(v, 'company', s.company, { max: 120, autocomplete: 'organization' })}
  ${textField(v, 'phone', s.phone, { type: 'tel', hint: s.phoneHint, max: 40, autocomplete: 'tel' })}
  ${textField(v, 'address', s.address, { max: 300, multiline: true, autocomplete: 'street-address' })}
  ${textField(v, 'website', s.website, { type: 'url', hint: s.websiteHint, max: 300, autocomplete: 'url' })}
  <div class="field">
    <label for="${id('logo')}">${s.logo}</label>
    <span class="hint" id="${id('logo')}-hint">${s.logoHint}</span>
    ${logoError ? html`<span class="field-error" id="${id('logo')}-error">${logoError}</span>` : ''}
    <div class="logo-now">${
      v.logoUrl
        ? html`<img src="${v.logoUrl}" alt="${s.logoCurrent}">
      <label><input type="checkbox" name="removeLogo" value="yes"> ${s.logoRemove}</label>`
        : html`<span class="muted">${s.logoNone}</span>`
    }</div>
    <input type="file" id="${id('logo')}" name="logo" accept="image/png,image/jpeg,image/webp"
      aria-describedby="${describedBy('logo', true, Boolean(logoError))}"${logoError ? html` aria-invalid="true"` : ''}>
  </div>
  <p class="small muted">${v.email} · ${s.fromFile}</p>
  <p><button class="primary" type="submit">${s.save}</button></p>
</form>`;
}
