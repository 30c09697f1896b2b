/**
 * The build's template minifier (`scripts/minify-templates.ts`): indentation goes from the static
 * parts of `html` and `css` templates; what is inside `${…}`, other template literals and
 * strings stay as they are.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the sources under test are code in strings, with their `${…}`.
import { expect } from '@open-wc/testing';
import { minifyTemplates } from '../scripts/minify-templates.ts';

describe('minifyTemplates', () => {
  it('collapses line breaks and indentation in html and css templates', () => {
    const source =
      'const a = html`<div\n      class="x"\n    >\n  <b>${name}</b>\n</div>`;\nconst s = css`\n  :host {\n    display: block;\n  }\n`;';
    expect(minifyTemplates(source)).to.equal(
      'const a = html`<div class="x" > <b>${name}</b> </div>`;\nconst s = css` :host{display:block}`;',
    );
  });

  it('compacts css: no comments, no spaces around braces, semicolons, commas and child combinators, no leading zeros; meaningful spaces and strings stay', () => {
    const source = [
      'css`',
      "  /* a comment with an apostrophe: it's gone */",
      '  .a > .b, .c :hover {',
      '    margin: 0.5rem -0.25rem;',
      '    width: calc(100% - 2rem);',
      '    background: rgb(0 0 0 / 0.3);',
      '  }',
      '  [type="a, b"]::after { content: "x: y; z"; }',
      '  @media (max-width: 30rem) { .d { color: ${color}; } }',
      '`',
    ].join('\n');
    expect(minifyTemplates(source)).to.equal(
      'css` .a>.b,.c :hover{margin:.5rem -0.25rem;width:calc(100% - 2rem);background:rgb(0 0 0 / .3)}[type="a, b"]::after{content:"x: y; z"}@media (max-width:30rem){.d{color:${color}}}`',
    );
  });

  it('leaves expressions, nested templates, strings and other template literals alone', () => {
    const source = [
      'const b = html`<p>\n  ${cond ? html`<i>\n  x</i>` : "a\\n  }"}\n</p>`;',
      'const plain = `keep\n  this`;',
      "const obj = html`<p .x=${{ a: '}', b: `t ${1}` }}>\n  y</p>`;",
    ].join('\n');
    const out = minifyTemplates(source);
    expect(out).to.contain('html`<p> ${cond ? html`<i>\n  x</i>` : "a\\n  }"} </p>`');
    expect(out).to.contain('const plain = `keep\n  this`;');
    expect(out).to.contain("html`<p .x=${{ a: '}', b: `t ${1}` }}> y</p>`");
  });

  it('keeps escapes in the static parts', () => {
    expect(minifyTemplates('html`a\\`b\n  c`')).to.equal('html`a\\`b c`');
  });
});
