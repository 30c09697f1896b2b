/**
 * A build plugin that takes the indentation out of Lit's `html` and `css` templates: runs of
 * whitespace with a line break collapse to one space (markup and CSS read the same; the widget
 * has no `<pre>`). Only the static parts change, never what is inside `${…}`. A template
 * literal the scanner can't follow is left as it is.
 */
import type { Plugin } from 'vite';

const TAG = /\b(html|css)`/g;

/**
 * A `css` template's static part, compacted further: no space around `{`, `}`, `;`, `,`, `>` or
 * after `:` (`a > b { color: red; }` → `a>b{color:red}`), no `;` before `}`, no leading zero
 * (`0.5rem` → `.5rem`). Spaces that carry
 * meaning stay: between selectors (descendants), before `:` (`a :hover`), around `+`/`-` (`calc`).
 * Comments go (they shipped in the bundle). Quoted strings (`[type="checkbox"]`,
 * `content: "…"`) are left as they are; a part with an odd quote (a string that goes on past a
 * `${…}`) is left whole.
 */
function compactCss(css: string): string {
  const part = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const pieces = part.split(/("[^"]*"|'[^']*')/);
  if (pieces.some((piece, i) => i % 2 === 0 && /['"]/.test(piece))) return part;
  return pieces
    .map((piece, i) =>
      i % 2
        ? piece
        : piece
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/;}/g, '}')
            .replace(/(^|[^\w.#-])0\.(\d)/g, '$1.$2'),
    )
    .join('');
}

/** The index just past the template literal that starts at `start` (its opening backtick). */
function scan(code: string, start: number, out: string[], isCss = false): number {
  let i = start + 1;
  let part = '';
  const flush = () => {
    const collapsed = part.replace(/\s*\n\s*/g, ' ');
    out.push(isCss ? compactCss(collapsed) : collapsed);
    part = '';
  };
  while (i < code.length) {
    const ch = code[i];
    if (ch === '\\') {
      part += code.slice(i, i + 2);
      i += 2;
    } else if (ch === '`') {
      flush();
      out.push('`');
      return i + 1;
    } else if (ch === '$' && code[i + 1] === '{') {
      flush();
      const end = skipExpression(code, i + 2);
      if (end < 0) return -1;
      out.push(code.slice(i, end));
      i = end;
    } else {
      part += ch;
      i++;
    }
  }
  return -1;
}

/** Past the `}` that closes an expression opened before `from`; nested templates and strings skipped. */
function skipExpression(code: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < code.length) {
    const ch = code[i];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (ch === '`') {
      const end = skipTemplate(code, i);
      if (end < 0) return -1;
      i = end;
      continue;
    } else if (ch === "'" || ch === '"') {
      const end = code.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    i++;
  }
  return -1;
}

function skipTemplate(code: string, start: number): number {
  let i = start + 1;
  while (i < code.length) {
    const ch = code[i];
    if (ch === '\\') i += 2;
    else if (ch === '`') return i + 1;
    else if (ch === '$' && code[i + 1] === '{') {
      const end = skipExpression(code, i + 2);
      if (end < 0) return -1;
      i = end;
    } else i++;
  }
  return -1;
}

export function minifyTemplates(code: string): string {
  let result = '';
  let last = 0;
  for (const match of code.matchAll(TAG)) {
    const tick = (match.index ?? 0) + match[0].length - 1;
    if (tick < last) continue;
    const out: string[] = [];
    const end = scan(code, tick, out, match[1] === 'css');
    if (end < 0) continue;
    result += `${code.slice(last, tick)}\`${out.join('')}`;
    last = end;
  }
  return result + code.slice(last);
}

export function minifyTemplatesPlugin(): Plugin {
  return {
    name: 'tour-gate-minify-templates',
    enforce: 'post',
    transform(code, id) {
      if (!/[\\/]gate-widget[\\/]src[\\/].*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      return { code: minifyTemplates(code), map: null };
    },
  };
}
