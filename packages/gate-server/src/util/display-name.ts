/**
 * A display name as plain text for a mail header: what a mail client could read as structure or
 * show other than it is goes.
 *
 * - RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?…?Q?…?=`): a client decodes them even inside a
 *   quoted name, and the decoded text can hold `<attacker@evil.example>`. Removed whole, and
 *   any `=?` / `?=` left over is broken up, so no encoded word can form again.
 * - Unicode format characters (`\p{Cf}`: the bidi controls U+202A–U+202E, U+2066–U+2069,
 *   U+200E/U+200F, U+061C, zero-width characters, the soft hyphen, U+FEFF, …), control
 *   characters and line or paragraph separators: a bidi override shows
 *   `elpmaxe.live@rekcatta` as `attacker@evil.example`.
 * - Quotes and angle brackets (`" < >`); then runs of white space become one space.
 */

/** Control characters and line or paragraph separators: each becomes a space. */
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
/** Format characters (bidi controls, zero-width ones), private-use and lone surrogates: removed. */
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cs}]/gu;
const ENCODED_WORD = /=\?[^?\s]*\?[a-z]\?[^?\s]*\?=/gi;

export function plainDisplayName(name: string, maxLength = 120): string {
  let out = name.normalize('NFC').replace(BREAKING, ' ').replace(INVISIBLE, '');
  // Removing one encoded word may join the parts of another: again until none is left.
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(ENCODED_WORD, ' ');
  }
  return out
    .replace(/=\?|\?=/g, ' ')
    .replace(/["<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength)
    .trim();
}
