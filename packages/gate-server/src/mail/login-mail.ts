/**
 * The broker's sign-in mail. The link leads to a page with a button; only that button's POST
 * signs in, so a mail scanner that fetches the link uses nothing up.
 */
import type { BrokerConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { button, layout, paragraph, type RenderedMail } from './layout.ts';
import { mailStrings } from './strings.ts';

export function renderLoginMail(broker: BrokerConfig, link: string): RenderedMail {
  const locale = broker.locale === 'en' ? 'en' : 'de';
  const s = mailStrings[locale].login;
  const [greeting, intro] = s.intro(broker.name).split('\n\n') as [string, string];
  const body = html`${paragraph(greeting)}
    ${paragraph(intro)}
    ${button(link, s.button)}
    <p style="margin:0 0 14px;font-size:13px;color:#6b7785;word-break:break-all">${link}</p>
    ${paragraph(s.notYou)}`;
  return {
    subject: s.subject,
    text: `${s.intro(broker.name)}\n\n${link}\n\n${s.notYou}\n\n${mailStrings[locale].brokerAutomatedNote}`,
    html: layout({
      lang: locale,
      title: s.subject,
      body,
      strings: { ...mailStrings[locale], automatedNote: mailStrings[locale].brokerAutomatedNote },
    }),
  };
}
