/** One lead: the mask's values, the consent record, the logbook, decisions and erasure. */
import { countryName, marketingConsentText } from '@tour-gate/shared';
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import { visitorLabel } from '../../mail/review-request-mail.ts';
import { mailStrings } from '../../mail/strings.ts';
import { decodeDetail, decodeFields, marketingOf } from '../../store/codecs.ts';
import type { LogEntry, Registration } from '../../store/schema.ts';
import type { Html } from '../../util/html.ts';
import type { DashLocale, DashStrings } from '../strings.ts';
import { badge, csrfInput, logText, nameOf, salutationName, viewpointName, when } from './format.ts';

export interface LeadViewInput {
  s: DashStrings;
  locale: DashLocale;
  tour: Tour;
  lead: Registration;
  log: LogEntry[];
  csrf: string;
  notice?: string | undefined;
  /** Deny or revoke asked for: show the confirmation step instead of the buttons. */
  confirm?: 'deny' | 'revoke' | undefined;
}

/** Mails about a lead that go to the broker, not to the visitor. */
const BROKER_MAILS = ['review-request', 'broker-notification', 'visitor-message'];

function label(v: LeadViewInput, key: string): string {
  const custom = v.tour.config.customFields.find((f) => f.key === key);
  return custom ? custom.label[v.locale] : (v.s.fields[key] ?? key);
}

/**
 * The decisions that apply to the lead's state, in the glossary's words. Deny and revoke are a
 * two-step affair: their button asks, and the second step (`confirm`, a form of its own, no
 * JavaScript) says what will happen before anything does.
 */
function decisionButtons(v: LeadViewInput, action: string): Html {
  const p = mailStrings[v.locale].reviewPage;
  const visitor = visitorLabel(v.lead);
  // The space after each inline form keeps the buttons apart.
  const button = (decision: string, text: string, cls: string, confirm = false) =>
    html`<form class="inline" method="post" action="${action}/decide">
      ${csrfInput(v.csrf)}
      <input type="hidden" name="decision" value="${decision}">
      ${confirm ? html`<input type="hidden" name="confirm" value="yes">` : ''}
      <button class="${cls}" type="submit">${text}</button>
    </form> `;
  if (v.confirm) {
    const c = p.confirm;
    const [heading, text, label] =
      v.confirm === 'deny'
        ? [c.denyHeading(visitor), c.denyText(visitor), c.denyButton]
        : [c.revokeHeading(visitor), c.revokeText(visitor), c.revokeButton];
    return html`<div class="card confirm-step" data-confirm="${v.confirm}">
      <h2>${heading}</h2>
      <p>${text}</p>
      <p>${button(v.confirm, label, 'danger', true)}<a href="${action}">${c.cancel}</a></p>
    </div>`;
  }
  switch (v.lead.status) {
    case 'pending':
      return html`<p>${button('grant', p.grant, 'primary')}${button('deny', p.deny, 'danger')}</p>`;
    // An email-release visitor's access can be revoked too.
    case 'granted':
    case 'released':
      return html`<p>${button('revoke', p.revoke, 'danger')}</p>`;
    case 'denied':
      return html`<p>${button('regrant', p.grantAfterDeny, 'primary')}</p>`;
    case 'revoked':
      return html`<p>${button('regrant', p.grantAgain, 'primary')}</p>`;
  }
}

/** A definition list from label/value pairs; values are escaped like everything else. */
function facts(pairs: [string, string | number][]): Html {
  return html`<dl>${pairs.map(([dt, dd]) => html`<dt>${dt}</dt><dd>${dd}</dd>`)}</dl>`;
}

export function leadView(v: LeadViewInput): Html {
  const { s, lead: r } = v;
  const fields = decodeFields(r.fields);
  const action = `/dashboard/tours/${v.tour.config.id}/leads/${r.id}`;
  const yn = (b: unknown) => (Number(b) ? s.yes : s.no);
  // Mail kinds and events in words ("Mail versandt: Freischalt-Link an den Interessenten").
  const logRows = v.log.map((e) => html`<tr><td>${when(e.at, v.locale)}</td><td>${logText(e, s)}</td></tr>`);
  // <pre>: a multi-line value (a message) keeps its lines, so nothing may pad it.
  const values = Object.entries(fields).map(([k, val]) => {
    const text =
      typeof val === 'boolean'
        ? yn(val)
        : k === 'salutation'
          ? salutationName(val, v.locale)
          : k === 'country' && typeof val === 'string'
            ? countryName(val, v.locale)
            : String(val ?? '');
    return html`<dt>${label(v, k)}</dt><dd><pre>${text}</pre></dd>`;
  });
  // A mail to the visitor refused for good: the broker should know the address is dead.
  const undeliverable = v.log.some(
    (e) => e.kind === 'mail-refused' && !BROKER_MAILS.includes(String(decodeDetail(e.detail).mail)),
  );
  return html`<p><a href="/dashboard/tours/${v.tour.config.id}/leads">← ${s.lead.back}</a></p>
<h1>${nameOf(r) || r.email} ${badge(r.status, s)}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${undeliverable ? html`<p class="problem" role="alert" data-undeliverable>${s.lead.undeliverable}</p>` : ''}
${decisionButtons(v, action)}
<p><a href="${action}/openimmo" download>${s.lead.openimmo}</a></p>
<div class="grid">
  <div class="card"><h2>${s.lead.fields}</h2><dl>${values}</dl></div>
  <div>
    <div class="card">
      <h2>${s.lead.facts}</h2>
      ${facts([
        [s.lead.status, s.status[r.status]],
        [s.lead.created, when(r.created_at, v.locale)],
        [s.lead.released, when(r.released_at, v.locale)],
        [s.lead.decided, `${when(r.decided_at, v.locale)}${r.decided_by ? ` (${r.decided_by})` : ''}`],
        [s.lead.opened, when(r.first_opened_at, v.locale)],
        [s.lead.viewpoint, viewpointName(v.tour, r.viewpoint, v.locale)],
      ])}
    </div>
    <div class="card">
      <h2>${s.lead.consent}</h2>
      ${facts([
        [s.lead.consentAt, when(r.consent_at, v.locale)],
        [s.lead.consentVersion, r.consent_version],
        [s.lead.consentPrivacy, yn(r.consent_privacy)],
        [
          s.lead.consentMarketing,
          marketingConsentText(
            marketingOf(r, Boolean(v.tour.config.consent.marketing)),
            v.locale,
            r.consent_marketing_confirmed_at === null ? undefined : when(r.consent_marketing_confirmed_at, v.locale),
          ),
        ],
      ])}
    </div>
  </div>
</div>
<div class="card"><h2>${s.lead.logbook}</h2><table>${logRows}</table></div>
<div class="card">
  <h2>${s.lead.erase}</h2>
  <p class="muted">${s.lead.eraseHint}</p>
  <form method="post" action="${action}/erase">
    ${csrfInput(v.csrf)}
    <label><input type="checkbox" name="confirm" value="yes" required> ${s.lead.eraseConfirm}</label>
    <p><button class="danger" type="submit">${s.lead.erase}</button></p>
  </form>
</div>`;
}
