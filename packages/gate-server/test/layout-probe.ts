/**
 * Measures, in a real browser page, whether anything sticks out sideways: the document's
 * `scrollWidth` against the viewport, and every element whose right edge passes the viewport
 * (elements inside a box that scrolls or clips sideways count only if that box sticks out).
 * Used by the dashboard's phone test; `scripts`-style runs can call it too.
 */
import type { Page } from 'playwright-core';

// The browser's globals the page function uses (this project compiles without the DOM library;
// the function runs in the page, where they exist).
interface El {
  tagName: string;
  className: unknown;
  parentElement: El | null;
  getBoundingClientRect(): { right: number; width: number; height: number };
}
declare const document: {
  documentElement: { clientWidth: number; scrollWidth: number };
  body: El & { querySelectorAll(selector: string): ArrayLike<El> };
};
declare const getComputedStyle: (e: El) => { overflowX: string };

export interface LayoutReport {
  viewport: number;
  scrollWidth: number;
  /** Elements past the right edge: a CSS path, their right edge and width. */
  overflowing: { path: string; right: number; width: number }[];
}

export async function measureLayout(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const path = (el: El): string => {
      const parts: string[] = [];
      for (let e: El | null = el; e && e !== document.body && parts.length < 5; e = e.parentElement) {
        const cls =
          typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '';
        parts.unshift(`${e.tagName.toLowerCase()}${cls}`);
      }
      return parts.join(' > ');
    };
    /** Inside a box that scrolls or clips sideways: that box decides. */
    const clipped = (el: El): boolean => {
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const o = getComputedStyle(e).overflowX;
        if (o !== 'visible') return true;
      }
      return false;
    };
    const overflowing: { path: string; right: number; width: number }[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > vw + 0.5 && !clipped(el)) {
        overflowing.push({ path: path(el), right: Math.round(r.right), width: Math.round(r.width) });
      }
    }
    return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, overflowing };
  });
}
