/**
 * The broker's webhooks: the list with the form to add one, and one webhook with its settings,
 * its secret (shown once, after it was made), its deliveries and their resend buttons. Plain
 * forms, no script; every POST carries the session's CSRF token.
 */
import { WEBHOOK_EVENTS } from '@tour-gate/shared/openapi';
import { html } from 'hono/html';
import type { Tour } from '../../config/tours.ts';
import type { Webhook, WebhookDelivery } from '../../store/schema.ts';
import type { Html } from '../../util/html.ts';
import type { DashLocale } from '../strings.ts';
import { csrfInput, when } from './format.ts';

const en = {
  nav: 'Webhooks',
  heading: 'Webhooks',
  intro:
    'A webhook sends each event about your leads to your CRM or automation tool as a signed HTTP request (Standard Webhooks). Your system checks the signature with the secret shown once when the webhook is made.',
  none: 'No webhooks yet.',
  add: 'Add a webhook',
  url: 'URL of your receiver',
  events: 'Events',
  tour: 'Tour',
  allTours: 'all your tours',
  save: 'Save',
  create: 'Add webhook',
  back: 'All webhooks',
  details: 'Settings and deliveries',
  secretOnce:
    'The signing secret of this webhook. It is shown only now: copy it into your receiving system. Should it get lost, make a new one.',
  rotating: (until: string) => `The previous secret signs too until ${until}.`,
  rotate: 'Make a new secret',
  rotateHint:
    'The new secret signs from now on; for 24 hours the previous one signs each request too, so you can switch your receiver without losing an event.',
  retire: 'Stop the previous secret now',
  test: 'Send a test event',
  remove: 'Delete webhook',
  removeConfirm: 'Yes, delete this webhook and its deliveries.',
  deliveries: 'Deliveries',
  noDeliveries: 'Nothing sent yet.',
  col: { event: 'Event', time: 'Time', answer: 'Answer', tries: 'Tries', state: 'State' },
  resend: 'Send again',
  state: { queued: 'being sent', delivered: 'delivered', failed: 'failed' },
  noAnswer: {
    timeout: 'no answer (time-out)',
    network: 'not reachable',
    redirect: 'redirect (not followed)',
    other: 'no answer',
  },
  eventNames: {
    'lead.registered': 'New registration',
    'lead.released': 'Granted automatically',
    'lead.granted': 'Granted manually',
    'lead.denied': 'Request denied',
    'lead.revoked': 'Access revoked',
    'lead.opened': 'Link opened',
    'lead.erased': 'Lead erased',
    'webhook.test': 'Test event',
  } as Record<string, string>,
  errors: {
    required: 'Please enter the URL.',
    invalid: 'This is not a valid web address (https://…).',
    https_required: 'The address must start with https://.',
    private_address: 'The address must be reachable on the internet, not a private or local one.',
    unresolvable: 'The host of this address cannot be found.',
    events: 'Please choose at least one event.',
    tour: 'Please choose one of your tours.',
  },
  done: {
    saved: 'Saved.',
    deleted: 'The webhook was deleted.',
    retired: 'The previous secret no longer signs.',
    test: 'A test event is on its way.',
    resent: 'The event is being sent again.',
  } as Record<string, string>,
};

type WebhookStrings = typeof en;

const de: WebhookStrings = {
  nav: 'Webhooks',
  heading: 'Webhooks',
  intro:
    'Ein Webhook sendet jedes Ereignis zu Ihren Interessenten als signierte HTTP-Anfrage (Standard Webhooks) an Ihr CRM oder Ihr Automatisierungswerkzeug. Ihr System prüft die Signatur mit dem Schlüssel, der beim Anlegen einmal angezeigt wird.',
  none: 'Noch keine Webhooks.',
  add: 'Webhook hinzufügen',
  url: 'URL Ihres Empfängers',
  events: 'Ereignisse',
  tour: 'Rundgang',
  allTours: 'alle Ihre Rundgänge',
  save: 'Speichern',
  create: 'Webhook anlegen',
  back: 'Alle Webhooks',
  details: 'Einstellungen und Zustellungen',
  secretOnce:
    'Der Signaturschlüssel dieses Webhooks. Er wird nur jetzt angezeigt: Übernehmen Sie ihn in Ihr empfangendes System. Sollte er verloren gehen, erzeugen Sie einen neuen.',
  rotating: (until: string) => `Der bisherige Schlüssel signiert noch bis ${until} mit.`,
  rotate: 'Neuen Schlüssel erzeugen',
  rotateHint:
    'Der neue Schlüssel signiert ab sofort; 24 Stunden lang signiert der bisherige jede Anfrage mit, sodass Sie Ihren Empfänger umstellen können, ohne ein Ereignis zu verlieren.',
  retire: 'Bisherigen Schlüssel jetzt stilllegen',
  test: 'Testereignis senden',
  remove: 'Webhook löschen',
  removeConfirm: 'Ja, diesen Webhook und seine Zustellungen löschen.',
  deliveries: 'Zustellungen',
  noDeliveries: 'Noch nichts gesendet.',
  col: { event: 'Ereignis', time: 'Zeitpunkt', answer: 'Antwort', tries: 'Versuche', state: 'Status' },
  resend: 'Erneut senden',
  state: { queued: 'wird zugestellt', delivered: 'zugestellt', failed: 'fehlgeschlagen' },
  noAnswer: {
    timeout: 'keine Antwort (Zeitüberschreitung)',
    network: 'nicht erreichbar',
    redirect: 'Weiterleitung (nicht gefolgt)',
    other: 'keine Antwort',
  },
  eventNames: {
    'lead.registered': 'Neue Registrierung',
    'lead.released': 'Automatisch freigegeben',
    'lead.granted': 'Manuell freigegeben',
    'lead.denied': 'Anfrage abgelehnt',
    'lead.revoked': 'Zugang widerrufen',
    'lead.opened': 'Link geöffnet',
    'lead.erased': 'Interessent gelöscht',
    'webhook.test': 'Testereignis',
  },
  errors: {
    required: 'Bitte geben Sie die URL ein.',
    invalid: 'Das ist keine gültige Webadresse (https://…).',
    https_required: 'Die Adresse muss mit https:// beginnen.',
    private_address: 'Die Adresse muss im Internet erreichbar sein, keine private oder lokale Adresse.',
    unresolvable: 'Der Server dieser Adresse lässt sich nicht finden.',
    events: 'Bitte wählen Sie mindestens ein Ereignis.',
    tour: 'Bitte wählen Sie einen Ihrer Rundgänge.',
  },
  done: {
    saved: 'Gespeichert.',
    deleted: 'Der Webhook wurde gelöscht.',
    retired: 'Der bisherige Schlüssel signiert nicht mehr.',
    test: 'Ein Testereignis ist unterwegs.',
    resent: 'Das Ereignis wird erneut gesendet.',
  },
};

export const webhookStrings = (l: DashLocale): WebhookStrings => (l === 'de' ? de : en);

/** What the form shows: the values sent (after an error) or stored. */
export interface WebhookFormValues {
  url: string;
  events: readonly string[];
  tour: string | null;
}

/** Per field, the text of what was wrong. */
export type WebhookFormErrors = Partial<Record<'url' | 'events' | 'tour', string>>;

interface Common {
  locale: DashLocale;
  csrf: string;
  tours: readonly Tour[];
}

const problem = (text: string | undefined): Html | string =>
  text ? html`<p class="problem" role="alert">${text}</p>` : '';

function form(c: Common, action: string, values: WebhookFormValues, errors: WebhookFormErrors, submit: string): Html {
  const s = webhookStrings(c.locale);
  return html`<form method="post" action="${action}">
    ${csrfInput(c.csrf)}
    <p><label for="wh-url">${s.url}</label>
      <input id="wh-url" name="url" type="url" required value="${values.url}" placeholder="https://"
        ${errors.url ? html`aria-invalid="true" aria-describedby="wh-url-error"` : ''}></p>
    ${errors.url ? html`<p class="problem" id="wh-url-error">${errors.url}</p>` : ''}
    <fieldset><legend>${s.events}</legend>
      ${WEBHOOK_EVENTS.map(
        (e) =>
          html`<label><input type="checkbox" name="event:${e}" value="on" ${values.events.includes(e) ? 'checked' : ''}> ${s.eventNames[e]}</label>`,
      )}
    </fieldset>
    ${errors.events ? html`<p class="problem">${errors.events}</p>` : ''}
    <p><label for="wh-tour">${s.tour}</label>
      <select id="wh-tour" name="tour">
        <option value="">${s.allTours}</option>
        ${c.tours.map(
          (t) =>
            html`<option value="${t.config.id}" ${values.tour === t.config.id ? 'selected' : ''}>${t.config.title}</option>`,
        )}
      </select></p>
    ${errors.tour ? html`<p class="problem">${errors.tour}</p>` : ''}
    <p><button class="primary" type="submit">${submit}</button></p>
  </form>`;
}

function eventList(c: Common, events: readonly string[]): string {
  const s = webhookStrings(c.locale);
  return events.map((e) => s.eventNames[e] ?? e).join(', ');
}

function tourTitle(c: Common, id: string | null): string {
  const s = webhookStrings(c.locale);
  if (!id) return s.allTours;
  return c.tours.find((t) => t.config.id === id)?.config.title ?? id;
}

export interface WebhookListInput extends Common {
  hooks: { hook: Webhook; events: readonly string[] }[];
  values: WebhookFormValues;
  errors: WebhookFormErrors;
  notice?: string | undefined;
}

export function webhookListView(v: WebhookListInput): Html {
  const s = webhookStrings(v.locale);
  const rows = v.hooks.map(
    ({ hook, events }) => html`<tr>
      <td><a href="/dashboard/webhooks/${hook.id}">${hook.url}</a></td>
      <td>${tourTitle(v, hook.tour_id)}</td>
      <td>${eventList(v, events)}</td>
    </tr>`,
  );
  return html`<h1>${s.heading}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<p class="muted">${s.intro}</p>
<div class="card">
  ${
    v.hooks.length
      ? html`<div class="wide"><table><tr><th>${s.url}</th><th>${s.tour}</th><th>${s.events}</th></tr>${rows}</table></div>`
      : html`<p>${s.none}</p>`
  }
</div>
<div class="card">
  <h2>${s.add}</h2>
  ${problem(Object.keys(v.errors).length ? Object.values(v.errors)[0] : undefined)}
  ${form(v, '/dashboard/webhooks', v.values, v.errors, s.create)}
</div>`;
}

export interface WebhookViewInput extends Common {
  hook: Webhook;
  values: WebhookFormValues;
  errors: WebhookFormErrors;
  deliveries: WebhookDelivery[];
  now: number;
  /** A secret just made: shown this once. */
  secret?: string | undefined;
  notice?: string | undefined;
}

function answer(s: WebhookStrings, d: WebhookDelivery): string {
  if (d.last_status !== null) return String(d.last_status);
  if (d.attempts === 0 || d.last_error === null) return '–';
  const key = d.last_error as keyof WebhookStrings['noAnswer'];
  return s.noAnswer[key] ?? s.noAnswer.other;
}

export function webhookView(v: WebhookViewInput): Html {
  const s = webhookStrings(v.locale);
  const h = v.hook;
  const action = `/dashboard/webhooks/${h.id}`;
  const rotating = h.previous_secret !== null && h.previous_until !== null && Number(h.previous_until) > v.now;
  const post = (path: string, label: string, cls = 'plain', extra: Html | string = '') =>
    html`<form class="inline" method="post" action="${action}${path}">${csrfInput(v.csrf)}${extra}<button class="${cls}" type="submit">${label}</button></form> `;
  const rows = v.deliveries.map(
    (d) => html`<tr>
      <td>${s.eventNames[d.event] ?? d.event}</td>
      <td>${when(d.created_at, v.locale)}</td>
      <td>${answer(s, d)}</td>
      <td class="n">${Number(d.attempts)}</td>
      <td>${s.state[d.status]}</td>
      <td>${d.status === 'queued' ? '' : post(`/deliveries/${d.id}/resend`, s.resend)}</td>
    </tr>`,
  );
  return html`<p><a href="/dashboard/webhooks">← ${s.back}</a></p>
<h1>${h.url}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${
  v.secret
    ? html`<div class="card"><p class="notice" role="status">${s.secretOnce}</p><pre><code id="wh-secret">${v.secret}</code></pre></div>`
    : ''
}
<div class="card">
  <h2>${s.details}</h2>
  ${problem(Object.keys(v.errors).length ? Object.values(v.errors)[0] : undefined)}
  ${form(v, action, v.values, v.errors, s.save)}
</div>
<div class="card">
  <p class="muted">${s.rotateHint}</p>
  ${rotating ? html`<p>${s.rotating(when(h.previous_until, v.locale))}</p>` : ''}
  <p>${post('/rotate', s.rotate)}${rotating ? post('/retire', s.retire) : ''}${post('/test', s.test, 'primary')}</p>
</div>
<div class="card">
  <h2>${s.deliveries}</h2>
  ${
    v.deliveries.length
      ? html`<div class="wide"><table><tr><th>${s.col.event}</th><th>${s.col.time}</th><th>${s.col.answer}</th><th class="n">${s.col.tries}</th><th>${s.col.state}</th><th></th></tr>${rows}</table></div>`
      : html`<p>${s.noDeliveries}</p>`
  }
</div>
<div class="card">
  <h2>${s.remove}</h2>
  <form method="post" action="${action}/delete">
    ${csrfInput(v.csrf)}
    <label><input type="checkbox" name="confirm" value="yes" required> ${s.removeConfirm}</label>
    <p><button class="danger" type="submit">${s.remove}</button></p>
  </form>
</div>`;
}
