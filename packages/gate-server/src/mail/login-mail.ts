/**
 * The broker's sign-in mail. The link leads to a page with a button; only that button's POST
 * signs in, so a mail scanner that fetches the link uses nothing up.
 */
import type { BrokerConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { brokerMail, button, paragraph, type RenderedMail } from './layout.ts';
import { brokerAddressName } from './salutation.ts';
import { mailStrings } from './strings.ts';

export function renderLoginMail(broker: BrokerConfig, link: string): RenderedMail {
  const locale = broker.locale === 'en' ? 'en' : 'de';
  const strings = mailStrings[locale];
  const s = strings.login;
  return brokerMail({
    strings,
    lang: locale,
    broker,
    greetingName: brokerAddressName(broker, locale),
    subject: s.subject,
    htmlMiddle: html`${paragraph(s.introHtml)}
      ${button(link, s.button)}
      <p style="margin:0 0 14px;font-size:13px;color:#6b7785;word-break:break-all">${link}</p>
      ${paragraph(s.validity)}
      ${paragraph(s.notYou)}`,
    textBlocks: [`${s.introText}\n${link}`, s.validity, s.notYou],
  });
}
