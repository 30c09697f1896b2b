/**
 * HTML is built with Hono's `html` template (`hono/html`): it escapes every interpolated value
 * except the results of `html` and `raw`. Its declared result may be a promise because a
 * template may hold async parts; none of ours does, and `htmlString` turns that into a checked
 * fact where a plain string is needed (a mail body goes to the outbox table and to SMTP).
 */
import type { HtmlEscapedString } from 'hono/utils/html';

/** What `html` returns: the type of every rendered fragment in the views, pages and mails. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The markup as a primitive string; throws if an async part slipped into the template. */
export function htmlString(fragment: Html): string {
  if (fragment instanceof Promise) throw new TypeError('HTML template with an async part where a string is needed');
  // An HtmlEscapedString is a String object: a database driver or nodemailer wants the primitive.
  return fragment.toString();
}
