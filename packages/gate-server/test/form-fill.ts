/**
 * What a browser without JavaScript sends for a form of a dashboard page: every named input of
 * the first `<form class="settings">` (hidden and text inputs, ticked boxes and radios, the
 * selected option, textareas), read from our own markup. Tests change some values and post it.
 */
const decode = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

function attrs(tag: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const m of tag.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) {
    const [, k, v] = m;
    if (k) out[k.toLowerCase()] = v === undefined ? true : decode(v);
  }
  return out;
}

export function formOf(page: string, selector = 'class="settings"'): Record<string, string> {
  const at = page.indexOf(selector);
  if (at < 0) throw new Error(`no form with ${selector}`);
  const from = page.lastIndexOf('<form', at);
  const html = page.slice(from, page.indexOf('</form>', from));
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
    const a = attrs(m[1] ?? '');
    const name = a.name;
    if (typeof name !== 'string' || a.disabled) continue;
    const type = typeof a.type === 'string' ? a.type : 'text';
    if (type === 'submit') continue;
    if ((type === 'checkbox' || type === 'radio') && !a.checked) continue;
    out[name] = typeof a.value === 'string' ? a.value : type === 'checkbox' ? 'on' : '';
  }
  for (const m of html.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const a = attrs(m[1] ?? '');
    if (typeof a.name === 'string') out[a.name] = decode(m[2] ?? '');
  }
  for (const m of html.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const a = attrs(m[1] ?? '');
    if (typeof a.name !== 'string') continue;
    const options = [...(m[2] ?? '').matchAll(/<option\b([^>]*)>/g)].map((o) => attrs(o[1] ?? ''));
    const chosen = options.find((o) => o.selected) ?? options[0];
    out[a.name] = typeof chosen?.value === 'string' ? chosen.value : '';
  }
  return out;
}
