/**
 * Links in the mask come from the gate server's answer, i.e. from another origin. The server's
 * config schema only allows http(s) URLs; this keeps a `javascript:` URL out of the page even if
 * an answer was tampered with on the way or a server is misconfigured.
 */
export function safeUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}
