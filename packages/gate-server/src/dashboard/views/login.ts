/** The login pages: ask for the email; confirm a login link with a button (scanner-safe). */
import { html } from 'hono/html';
import type { Html } from '../../util/html.ts';
import type { DashStrings } from '../strings.ts';
import { csrfInput } from './format.ts';

export function loginForm(s: DashStrings, csrf: string, message?: { kind: 'notice' | 'problem'; text: string }): Html {
  return html`<div class="login card">
  <h1>${s.login.heading}</h1>
  ${message ? html`<p class="${message.kind}" role="status">${message.text}</p>` : ''}
  <p>${s.login.intro}</p>
  <form method="post" action="/dashboard/login">
    ${csrfInput(csrf)}
    <label for="email">${s.login.email}</label>
    <p><input id="email" name="email" type="email" autocomplete="email" required maxlength="254" size="32"></p>
    <button class="primary" type="submit">${s.login.submit}</button>
  </form>
</div>`;
}

export function loginConfirm(s: DashStrings, csrf: string, token: string): Html {
  return html`<div class="login card">
  <h1>${s.login.confirmHeading}</h1>
  <p>${s.login.confirmIntro}</p>
  <form method="post" action="/dashboard/login/${token}">
    ${csrfInput(csrf)}
    <button class="primary" type="submit">${s.login.confirmButton}</button>
  </form>
</div>`;
}

export function loginProblem(s: DashStrings): Html {
  return html`<div class="login card">
  <h1>${s.login.confirmHeading}</h1>
  <p class="problem">${s.login.linkProblem}</p>
  <p><a href="/dashboard/login">${s.login.again}</a></p>
</div>`;
}
