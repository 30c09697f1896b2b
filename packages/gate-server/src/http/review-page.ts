/**
 * The broker's review page, rendered on the server: German or English, no JavaScript, one
 * stylesheet whose hash is the only style the Content-Security-Policy allows. Everything the
 * visitor typed goes through the escaping `html` template.
 */
import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { Tour } from '../config/tours.ts';
import type { Decision } from '../core/decide.ts';
import { keepWordsTogether } from '../mail/layout.ts';
import { type DetailRow, roomOf, visitorDetails, visitorLabel } from '../mail/review-request-mail.ts';
import { type MailStrings, mailStrings } from '../mail/strings.ts';
import { decodeDetail, type LogDetail } from '../store/codecs.ts';
import type { LogEntry, MailKind, Registration, RegistrationStatus } from '../store/schema.ts';
import { type Html, htmlString } from '../util/html.ts';
import { formatDate } from '../util/time.ts';

export type PageLocale = 'de' | 'en';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f3f5f8;color:#17212b;font:16px/1.5 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif}
header{background:#17212b;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center;
gap:12px}
header nav a{color:#b8c4d0;margin-left:10px}
header nav a[aria-current]{color:#fff;font-weight:600;text-decoration:none}
main{max-width:760px;margin:24px auto;padding:0 16px}
section{background:#fff;border-radius:10px;padding:20px 24px;margin:0 0 16px;box-shadow:0 1px 2px #0001}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}
.sub{color:#41505e;margin:0}
table{border-collapse:collapse;width:100%}
th{text-align:left;vertical-align:top;padding:6px 16px 6px 0;color:#41505e;font-weight:600;white-space:nowrap;width:1%}
td{padding:6px 0;white-space:pre-wrap;overflow-wrap:break-word}
@media (max-width:520px){th,td{display:block;width:auto;white-space:normal}th{padding:8px 0 0;font-size:14px}
td{padding:0 0 6px;white-space:pre-wrap}section{padding:16px}}
.status{font-size:18px;font-weight:600;margin:0 0 4px}
.pending{color:#8a5a00}.granted{color:#1e6b34}.denied,.revoked{color:#9b1c1c}
.notice{border-left:4px solid #1f5f8b;padding:10px 14px;background:#eef4f9;margin:0 0 16px;border-radius:4px}
.actions{display:flex;flex-wrap:wrap;gap:16px}
.actions form{flex:1 1 240px;margin:0}
button{font:inherit;font-weight:600;border:0;border-radius:6px;padding:12px 20px;cursor:pointer;color:#fff;
background:#1e6b34}
button.deny,button.revoke{background:#9b1c1c}
.confirm{border:2px solid #9b1c1c}
.confirm .actions{align-items:center;gap:24px}
.confirm .actions form{flex:0 0 auto}
.confirm a{font-weight:600}
.nw{white-space:nowrap}
.hint{color:#41505e;font-size:14px;margin:8px 0 0}
ol{list-style:none;margin:0;padding:0}
li{padding:6px 0;border-top:1px solid #e4e8ee;display:flex;gap:12px;flex-wrap:wrap}
li:first-child{border-top:0}time{color:#6b7785;min-width:190px;font-variant-numeric:tabular-nums}
`;

/**
 * The CSP source of the one stylesheet: its hash, so the page needs neither `unsafe-inline`
 * nor a nonce. The policy that uses it is in http/security-headers.ts.
 */
export const REVIEW_STYLE_SRC = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function document(locale: PageLocale, title: string, strings: MailStrings, body: Html): string {
  const p = strings.reviewPage;
  // The space before each link separates the language links in the running text of the header.
  const switcher = (['de', 'en'] as const).map(
    (l) => html` <a
        href="?lang=${l}"
        lang="${l}"
        hreflang="${l}"
        ${l === locale ? html`aria-current="true"` : ''}>${l.toUpperCase()}</a>`,
  );
  return keepWordsTogether(
    htmlString(html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex,nofollow">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><strong>tour-gate</strong><nav aria-label="${p.language}">${p.language}:${switcher}</nav></header>
<main>${body}</main>
</body>
</html>`),
    '<span class="nw">',
  );
}

export interface ReviewView {
  locale: PageLocale;
  tour: Tour;
  reg: Registration;
  logbook: LogEntry[];
  /** The per-page nonce of the forms. */
  nonce: string;
  /** After a POST: what happened (`from`: the state the decision changed). */
  notice?: { kind: 'decided'; decision: Decision; from: RegistrationStatus } | { kind: 'already-decided' };
  /** Deny or revoke asked for: the second step that says what will happen, instead of the buttons. */
  confirm?: 'deny' | 'revoke';
}

function who(tour: Tour, by: string | null): string {
  if (!by) return '–';
  return by === tour.broker.email ? `${tour.broker.name} (${by})` : by;
}

function logDetail(s: MailStrings, entry: LogEntry): string {
  if (!entry.detail) return '';
  let d: LogDetail;
  try {
    d = decodeDetail(entry.detail);
  } catch {
    return '';
  }
  const parts: string[] = [];
  const mail = d.mail as MailKind | undefined;
  if (mail && Object.hasOwn(s.reviewPage.mailKinds, mail)) {
    parts.push((s.reviewPage.mailKinds as Record<string, string>)[mail] ?? mail);
  }
  if (typeof d.by === 'string') parts.push(d.by);
  return parts.join(' · ');
}

// The cells are pre-wrap (a visitor's message keeps its lines): nothing may pad a value.
function detailRows(rows: DetailRow[]): Html {
  return html`<table>
    ${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td>${r.value}</td></tr>`)}
  </table>`;
}

function decisionForm(nonce: string, decision: Decision, label: string, hint: string, cls = decision): Html {
  return html`<form method="post">
    <input type="hidden" name="nonce" value="${nonce}">
    <input type="hidden" name="decision" value="${decision}">
    <button type="submit" class="${cls}">${label}</button>
    <p class="hint">${hint}</p>
  </form>`;
}

/** What a decision did, to whom: "Erika Mustermann hat jetzt Zugang zum Rundgang …". */
export function decidedText(
  s: MailStrings,
  decision: Decision,
  from: RegistrationStatus,
  visitor: string,
  title: string,
): string {
  const d = s.reviewPage.justDecided;
  if (decision === 'regrant') return (from === 'revoked' ? d['grant-again'] : d['grant-after-deny'])(visitor, title);
  return d[decision](visitor, title);
}

/** The buttons that apply to a request in this state. */
function actionsFor(v: ReviewView, s: MailStrings, visitor: string): Html | string {
  const p = s.reviewPage;
  const { reg, nonce } = v;
  if (v.confirm) {
    const c = p.confirm;
    const [heading, text, button] =
      v.confirm === 'deny'
        ? [c.denyHeading(visitor), c.denyText(visitor), c.denyButton]
        : [c.revokeHeading(visitor), c.revokeText(visitor), c.revokeButton];
    return html`<div class="confirm-step" data-confirm="${v.confirm}">
      <h2>${heading}</h2>
      <p>${text}</p>
      <div class="actions">
        <form method="post">
          <input type="hidden" name="nonce" value="${nonce}">
          <input type="hidden" name="decision" value="${v.confirm}">
          <input type="hidden" name="confirm" value="yes">
          <button type="submit" class="${v.confirm}">${button}</button>
        </form>
        <a href="?lang=${v.locale}">${c.cancel}</a>
      </div>
    </div>`;
  }
  switch (reg.status) {
    case 'pending':
      return html`<h2>${p.decideHeading}</h2>
        <div class="actions">
          ${decisionForm(nonce, 'grant', p.grant, p.grantHint(visitor))}
          ${decisionForm(nonce, 'deny', p.deny, p.denyHint(visitor))}
        </div>`;
    case 'granted':
    case 'released':
      return html`<div class="actions">${decisionForm(nonce, 'revoke', p.revoke, p.revokeHint)}</div>`;
    case 'denied':
      return html`<div class="actions">
        ${decisionForm(nonce, 'regrant', p.grantAfterDeny, p.grantAfterDenyHint(visitor), 'grant')}
      </div>`;
    case 'revoked':
      return html`<div class="actions">
        ${decisionForm(nonce, 'regrant', p.grantAgain, p.grantAgainHint(visitor), 'grant')}
      </div>`;
  }
}

/** The request: status and decision, the buttons that apply, the visitor's data, the logbook. */
export function renderReviewPage(v: ReviewView): string {
  const s = mailStrings[v.locale];
  const p = s.reviewPage;
  const { reg, tour } = v;
  const at = (ms: number) => formatDate(ms, v.locale, true);
  const visitor = visitorLabel(reg);

  const decided =
    reg.status === 'granted' || reg.status === 'denied' || reg.status === 'revoked' ? reg.status : undefined;
  const notice = v.notice
    ? html`<p class="notice" role="status">${
        v.notice.kind === 'decided'
          ? decidedText(s, v.notice.decision, v.notice.from, visitor, tour.config.title)
          : p.alreadyDecided
      }</p>`
    : '';
  const decision = decided
    ? html`<p class="sub" data-decided-by="${reg.decided_by ?? ''}">
        ${p.decidedBy(who(tour, reg.decided_by), reg.decided_at ? at(reg.decided_at) : '–')}
      </p>`
    : '';
  const actions = actionsFor(v, s, visitor);

  const room = roomOf(tour.config, reg, v.locale);
  const facts: DetailRow[] = [
    { label: p.tour, value: tour.config.title },
    ...(room ? [{ label: s.viewpointLabel, value: room }] : []),
    { label: p.requestedAt, value: at(reg.created_at) },
    ...(reg.updated_at !== reg.created_at && !reg.decided_at
      ? [{ label: p.updatedAt, value: at(reg.updated_at) }]
      : []),
  ];
  const log = v.logbook.length
    ? html`<ol>
        ${v.logbook.map((e) => {
          const detail = logDetail(s, e);
          return html`<li>
            <time datetime="${new Date(e.at).toISOString()}">${at(e.at)}</time>
            <span>${logLabel(s, e)}${detail ? html` · ${detail}` : ''}</span>
          </li>`;
        })}
      </ol>`
    : html`<p class="sub">${p.logEmpty}</p>`;

  const body = html`<div data-status="${reg.status}" data-registration="${reg.id}">
  ${notice}
  <section><h1>${p.heading}</h1>${detailRows(facts)}</section>
  <section${v.confirm ? html` class="confirm"` : ''}>
    <p class="status ${reg.status}">${p.statuses[reg.status]}</p>
    ${decision}
    ${actions}
  </section>
  <section><h2>${p.visitor}</h2>${detailRows(visitorDetails(tour.config, reg, v.locale))}</section>
  <section><h2>${p.logbook}</h2>${log}</section>
</div>`;
  return document(v.locale, p.title(tour.config.title), s, body);
}

/** A logbook entry's name; a grant after a denial or a revocation says so. */
function logLabel(s: MailStrings, entry: LogEntry): string {
  const p = s.reviewPage;
  if (entry.kind === 'granted' && entry.detail) {
    try {
      const after = decodeDetail(entry.detail).after;
      if (after === 'denied' || after === 'revoked') return p.grantedAfter[after];
    } catch {
      // An unreadable detail: the plain name below.
    }
  }
  return (p.logKinds as Record<string, string>)[entry.kind] ?? entry.kind;
}

export type ReviewProblem = 'LINK_INVALID' | 'LINK_EXPIRED' | 'LINK_REVOKED' | 'NONCE_INVALID';

/**
 * A page for a link that does not work or a form that did not count; says that nothing
 * changed. An expired link's page carries a form (with `nonce`) that asks for a fresh link;
 * `RENEW_SENT` is the answer to it.
 */
export function renderReviewProblem(
  locale: PageLocale,
  problem: ReviewProblem | 'RENEW_SENT',
  tour?: Tour,
  nonce?: string,
): string {
  const s = mailStrings[locale];
  const e = s.reviewPage.errors;
  const [title, text] =
    problem === 'LINK_EXPIRED'
      ? [e.expiredTitle, e.expiredText(tour?.config.reviewValidityDays ?? 30)]
      : problem === 'LINK_REVOKED'
        ? [e.revokedTitle, e.revokedText]
        : problem === 'NONCE_INVALID'
          ? [e.nonceTitle, e.nonceText]
          : problem === 'RENEW_SENT'
            ? [e.renewedTitle, e.renewedText]
            : [e.invalidTitle, e.invalidText];
  let extra: Html | string = '';
  if (problem === 'NONCE_INVALID') extra = html`<p><a href="?lang=${locale}">${e.backToRequest}</a></p>`;
  if (problem === 'LINK_EXPIRED' && nonce) {
    extra = html`<form method="post">
      <input type="hidden" name="nonce" value="${nonce}">
      <input type="hidden" name="action" value="renew">
      <button type="submit">${e.renewButton}</button>
      <p class="hint">${e.renewHint}</p>
    </form>`;
  }
  const body = html`<div data-code="${problem}">
  <section><h1>${title}</h1><p>${text}</p>${extra}</section>
</div>`;
  return document(locale, title, s, body);
}
