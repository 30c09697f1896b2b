import { css } from 'lit';

/**
 * Only the host: the element takes no room in the page. The mask brings its own styles in its
 * lazily loaded chunk, so a page that never opens it never pays for them.
 */
export const styles = css`
  :host {
    display: contents;
  }
`;
