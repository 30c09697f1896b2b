/**
 * The broker's sign-in mail. The link leads to a page with a button; only that button's POST
 * signs in, so a mail scanner that fetches the link uses nothing up.
 */
import type { BrokerConfig } from '@tour-gate/shared/config';
import { button, layout, paragraph, type RenderedMail } from '../mail/layout.ts';
import { mailStrings } from '../mail/strings.ts';
import { html } from '../util/html.ts';
import { DASH_STRINGS } from './strings.ts';

export function renderLoginMail(broker: BrokerConfig, link: string): RenderedMail {
  const locale = broker.locale === 'en' ? 'en' : 'de';
  const s = DASH_STRINGS[locale].login;
  const [greeting, intro] = s.mailIntro(broker.name).split('\n\n') as [string, string];
  const body = html`${paragraph(greeting)}${paragraph(intro)}${button(link, s.mailButton)}<p style="margin:0 0 14px;font-size:13px;color:#6b7785;word-break:break-all">${link}</p>${paragraph(s.mailNotYou)}`;
  return {
    subject: s.mailSubject,
    text: `${s.mailIntro(broker.name)}\n\n${link}\n\n${s.mailNotYou}\n\n${mailStrings[locale].brokerAutomatedNote}`,
    html: layout({
      lang: locale,
      title: s.mailSubject,
      body,
      strings: { ...mailStrings[locale], automatedNote: mailStrings[locale].brokerAutomatedNote },
    }),
  };
}
