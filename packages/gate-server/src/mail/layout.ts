/**
 * The frame every mail shares: an HTML part with inline styles (mail clients drop <style>)
 * and a plain-text part built from the same pieces.
 */
import type { BrokerConfig } from '@tour-gate/shared/config';
import { html } from 'hono/html';
import { type Html, htmlString } from '../util/html.ts';
import { brokerSalutation } from './salutation.ts';
import type { MailStrings } from './strings.ts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function brokerContactLines(broker: BrokerConfig): string[] {
  return [broker.name, broker.company, broker.address, broker.phone, broker.email, broker.website].filter(
    (l): l is string => Boolean(l),
  );
}

const BUTTON_STYLE =
  'background:#1f5f8b;color:#ffffff;padding:12px 22px;border-radius:6px;text-decoration:none;font-weight:600;' +
  'display:inline-block';

export function button(href: string, label: string): Html {
  return html`<p style="margin:28px 0"><a href="${href}" style="${BUTTON_STYLE}">${label}</a></p>`;
}

export function paragraph(text: string): Html {
  return html`<p style="margin:0 0 14px">${text}</p>`;
}

/** A plain link on its own line (the broker's way to the lead in the dashboard). */
export function plainLink(href: string, label: string): Html {
  return html`<p style="margin:0 0 14px"><a href="${href}" style="color:#1f5f8b">${label}</a></p>`;
}

/**
 * Words that must not break at their hyphen ("per E-/Mail"): each "E-Mail" in a text node is
 * wrapped in an element that does not wrap (`open` is its start tag). The plain-text part
 * needs nothing.
 */
export function keepWordsTogether(markup: string, open = '<span style="white-space:nowrap">'): string {
  const at = markup.indexOf('<body');
  const head = at < 0 ? '' : markup.slice(0, at);
  const body = at < 0 ? markup : markup.slice(at);
  return head + body.replace(/>[^<]+/g, (text) => text.replace(/\bE-Mail\b/g, `${open}E-Mail</span>`));
}

/** A small grey paragraph with the link spelled out, for clients that hide the button. */
export function linkFallback(text: string, href: string): Html {
  return html`<p style="margin:0 0 14px;font-size:13px;color:#41505e">
    ${text}<br><a href="${href}" style="color:#1f5f8b;word-break:break-all">${href}</a>
  </p>`;
}

const BODY_STYLE =
  'margin:0;background:#f3f5f8;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;' +
  'color:#17212b;line-height:1.5';

function layout(opts: {
  lang: 'de' | 'en';
  title: string;
  body: Html;
  strings: MailStrings;
  /** The small print under the mail. */
  note: string;
  broker?: BrokerConfig;
}): string {
  const contact = opts.broker
    ? html`<div style="margin-top:28px;padding-top:16px;border-top:1px solid #dde3ea;color:#41505e;font-size:14px">
        <strong>${opts.strings.contactHeading(brokerSalutation(opts.broker))}</strong><br>${brokerContactLines(
          opts.broker,
        ).map((l, i) => (i ? html`<br>${l}` : l))}
      </div>`
    : '';
  // The broker's logo (profile, issue 9): an absolute URL to the public logo route.
  const logoUrl = (opts.broker as { logoUrl?: unknown } | undefined)?.logoUrl;
  const logo =
    typeof logoUrl === 'string' && /^https?:\/\//.test(logoUrl)
      ? html`<p style="margin:0 0 20px"><img src="${logoUrl}" alt="${opts.broker?.company || opts.broker?.name}" height="48" style="height:48px;max-width:220px;border:0"></p>`
      : '';
  return keepWordsTogether(
    htmlString(html`<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>${opts.title}</title>
</head>
<body style="${BODY_STYLE}">
<div style="max-width:560px;margin:0 auto;padding:24px">
  <div style="background:#ffffff;border-radius:10px;padding:28px">${logo}${opts.body}${contact}</div>
  <p style="color:#6b7785;font-size:12px;margin:16px 4px">${opts.note}</p>
</div>
</body>
</html>`),
  );
}

function textContact(strings: MailStrings, broker: BrokerConfig): string {
  return `${strings.contactHeading(brokerSalutation(broker))}\n${brokerContactLines(broker).join('\n')}`;
}

/**
 * A mail to the visitor: greeting, the given paragraphs, the broker's sign-off, and (in the
 * text part) the broker's contact block. `htmlMiddle` is the HTML of the paragraphs, which
 * may hold buttons and links the text part spells out.
 */
export function visitorMail(opts: {
  strings: MailStrings;
  lang: 'de' | 'en';
  broker: BrokerConfig;
  name: string;
  subject: string;
  htmlMiddle: Html;
  textParagraphs: string[];
}): RenderedMail {
  const { strings: s, broker } = opts;
  const body = html`${paragraph(s.greeting(opts.name))}
    ${opts.htmlMiddle}
    <p style="margin:0">${s.signoff}<br>${broker.name}</p>`;
  const note = s.automatedNote(broker.name);
  const text = [
    s.greeting(opts.name),
    ...opts.textParagraphs,
    `${s.signoff}\n${broker.name}`,
    `--\n${textContact(s, broker)}`,
    note,
  ].join('\n\n');
  return {
    subject: opts.subject,
    text,
    html: layout({ lang: opts.lang, title: opts.subject, body, strings: s, note, broker }),
  };
}

/**
 * A mail to the broker: greeting by the contact's salutation, the HTML body, and the same
 * content as plain-text blocks; ends with the note that tour-gate sent it.
 */
export function brokerMail(opts: {
  strings: MailStrings;
  lang: 'de' | 'en';
  broker: BrokerConfig;
  greetingName: string;
  subject: string;
  htmlMiddle: Html;
  textBlocks: string[];
}): RenderedMail {
  const s = opts.strings;
  const greeting = s.greeting(opts.greetingName);
  const body = html`${paragraph(greeting)}
    ${opts.htmlMiddle}`;
  const text = [greeting, ...opts.textBlocks, `--\n${s.brokerAutomatedNote}`].join('\n\n');
  return {
    subject: opts.subject,
    text,
    html: layout({ lang: opts.lang, title: opts.subject, body, strings: s, note: s.brokerAutomatedNote }),
  };
}
