/**
 * The frame of every dashboard page: the one `<style>` with the nonce of the response's CSP
 * (the policy, no caching, no framing and no Referer come from http/security-headers.ts), and
 * the language (`?lang=` switch, remembered in a cookie; else the broker's locale; else German).
 */
import type { Context, Env } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { styleNonce } from '../http/security-headers.ts';
import { type Html, htmlString } from '../util/html.ts';
import { profileEmbedStrings } from './profile-embed-strings.ts';
import type { Session } from './session.ts';
import { DASH_STRINGS, type DashLocale, type DashStrings } from './strings.ts';
import { webhookStrings } from './views/webhooks.ts';

const LANG_COOKIE = 'tg_lang';

export function localeOf<E extends Env>(c: Context<E>, session?: Session): DashLocale {
  const q = c.req.query('lang');
  if (q === 'de' || q === 'en') {
    setCookie(c, LANG_COOKIE, q, { path: '/dashboard', httpOnly: true, sameSite: 'Lax', maxAge: 365 * 86400 });
    return q;
  }
  const cookie = getCookie(c, LANG_COOKIE);
  if (cookie === 'de' || cookie === 'en') return cookie;
  return session?.broker.locale === 'en' ? 'en' : 'de';
}

export const stringsFor = (l: DashLocale): DashStrings => DASH_STRINGS[l];

// Served with a per-response nonce, not a hash: editing it needs no change to the CSP.
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f5f8;color:#17212b}
header{background:#17212b;color:#fff;padding:10px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .who{color:#b8c4d0;font-size:13px;margin-left:auto}header form{margin:0}
header button{background:none;border:1px solid #b8c4d0;color:#fff;border-radius:4px;padding:3px 10px;cursor:pointer}
main{max-width:1080px;margin:20px auto;padding:0 16px}h1{font-size:24px;margin:8px 0 16px}
h2{font-size:18px;margin:0 0 12px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 2px #0001;padding:18px 20px;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #e4e8ee;vertical-align:top}
th{font-size:13px;color:#41505e;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.funnel td{padding:5px 8px}.bar{height:10px;background:#1f5f8b;border-radius:3px}.bar.neg{background:#b4443c}
.badge{display:inline-block;font-size:12px;border-radius:4px;padding:1px 7px;background:#e6eef5}
.badge.pending{background:#fff2cc}.badge.denied,.badge.revoked{background:#f7dede}
.badge.granted,.badge.released{background:#dff0e0}
.big{font-size:28px;font-weight:650}.muted{color:#6b7785}.row{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
label{display:block;font-size:13px;color:#41505e}
fieldset{border:1px solid #e4e8ee;border-radius:5px;margin:0 0 8px}fieldset label{display:inline-block;margin-right:14px}
input,select{font:inherit;padding:6px 8px;border:1px solid #c3ccd6;border-radius:5px;background:#fff}
button.primary,button.danger,button.plain{font:inherit;border:0;border-radius:5px;padding:7px 14px;cursor:pointer;
color:#fff;background:#1f5f8b}
button.danger{background:#b4443c}button.plain{background:#e6eef5;color:#17212b}
form.inline{display:inline}.notice{background:#e8f4e8;border-left:4px solid #3d8b40;padding:10px 14px;margin:0 0 16px}
.problem{background:#fbeaea;border-left:4px solid #b4443c;padding:10px 14px;margin:0 0 16px}
.login{max-width:440px;margin:60px auto}.pager{display:flex;gap:12px;align-items:center;margin-top:12px}
svg text{font:11px system-ui,sans-serif;fill:#41505e}pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
input[type=url]{width:100%;max-width:40em;box-sizing:border-box}
h1,h2,dd{overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#41505e}dd{margin:0}
@media (max-width:480px){dl{grid-template-columns:1fr;gap:0}dt{margin-top:8px;font-size:.9em}}
.wide{overflow-x:auto}.wide table{min-width:32em}
select,input,textarea{max-width:100%}table.cards th[scope=row]{font-size:15px}pre{font:inherit}td,th{overflow-wrap:break-word}td.email,.email{overflow-wrap:anywhere}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.small{font-size:13px}.periods{padding:10px 16px;line-height:2}.periods a,.periods strong{white-space:nowrap}
ul.plain,ul.states,ul.exports{list-style:none;padding:0;margin:0}ul.plain li{padding:6px 0;border-bottom:1px solid #e4e8ee}
ul.plain li:last-child{border:0}ul.plain .muted{display:block;font-size:13px}
ul.states{display:flex;flex-wrap:wrap;gap:8px 16px;margin-bottom:8px}ul.states a{text-decoration:none;color:inherit}
ul.exports li{padding:3px 0}a.badge{text-decoration:none;color:inherit}
.funnel .bar-cell{width:35%;min-width:60px}.funnel td.n{white-space:nowrap}
td.actions{white-space:nowrap}td.actions form{margin:0 4px 4px 0}
figure.chart{margin:0;display:grid;grid-template-columns:auto 1fr;grid-template-rows:auto auto;gap:2px 6px}
.chart-y{display:flex;flex-direction:column;justify-content:space-between;text-align:right;font-size:13px;color:#41505e}
.chart svg{display:block;width:100%;min-width:0}
.chart-x{grid-column:2;display:flex;justify-content:space-between;font-size:13px;color:#41505e}
@media (max-width:640px){
 header{padding:10px 12px;gap:8px 12px}header .who{margin-left:0;flex-basis:100%;order:5}
 main{padding:0 10px;margin-top:12px}.card{padding:14px 12px}.grid{grid-template-columns:minmax(0,1fr)}
 h1{font-size:21px}
 table.cards thead{display:none}
 table.cards,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
 table.cards tr{padding:8px 0;border-bottom:1px solid #c3ccd6}table.cards tr:last-child{border-bottom:0}
 table.cards th,table.cards td{border:0;padding:2px 0;text-align:left}
 table.cards td[data-label]::before{content:attr(data-label);display:block;font-size:12px;color:#6b7785}
 table.cards td.n[data-label]{display:flex;justify-content:space-between;gap:8px}
 table.cards td.n[data-label]::before{display:inline;font-size:13px}
 .funnel thead{display:none}.funnel .bar-cell{display:none}
 .funnel tbody tr{display:flex;flex-wrap:wrap;gap:0 14px;padding:6px 0;border-bottom:1px solid #e4e8ee}
 .funnel tbody th{flex-basis:100%;border:0;padding:0}.funnel tbody td{border:0;padding:0;text-align:left}
 .funnel td[data-label]:not(:empty)::before{content:attr(data-label) " ";font-size:12px;color:#6b7785}
}
`;

export interface PageInput {
  locale: DashLocale;
  title: string;
  body: Html;
  session?: Session | undefined;
  status?: number;
}

function langLink(c: Context, locale: DashLocale): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', locale === 'de' ? 'en' : 'de');
  return `${url.pathname}${url.search}`;
}

/** A page's status comes from a GateError; one without a body (204, 304) cannot carry a page. */
const pageStatus = (status: number): status is ContentfulStatusCode =>
  status >= 200 && status <= 599 && status !== 204 && status !== 205 && status !== 304;

/** Any dashboard context (signed in or not): the frame uses only the request and the response. */
export function page<E extends Env>(c: Context<E>, p: PageInput): Response {
  const s = stringsFor(p.locale);
  const other = p.locale === 'de' ? 'en' : 'de';
  const header = html`<header>
  <strong><a href="/dashboard">${s.title}</a></strong>
  ${
    p.session
      ? html`<a href="/dashboard/webhooks">${webhookStrings(p.locale).nav}</a>
        <a href="/dashboard/profile">${profileEmbedStrings(p.locale).profile.nav}</a>
        <span class="who">${s.nav.signedInAs(p.session.broker.name)}</span>
        <form method="post" action="/dashboard/logout">
          <input type="hidden" name="csrf" value="${p.session.csrf}">
          <button type="submit">${s.nav.logout}</button>
        </form>`
      : ''
  }
  <a href="${langLink(c, p.locale)}" lang="${other}">${s.langSwitch}</a>
</header>`;
  const doc = html`<!doctype html>
<html lang="${p.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${p.title} · ${s.title}</title>
<style nonce="${styleNonce(c)}">${raw(CSS)}</style>
</head>
<body>
${header}
<main>${p.body}</main>
</body>
</html>`;
  const status = p.status ?? 200;
  return c.html(htmlString(doc), pageStatus(status) ? status : 500);
}
