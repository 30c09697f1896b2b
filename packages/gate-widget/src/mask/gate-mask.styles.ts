import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--tour-gate-accent, #1f5fbf);
    --_on-accent: var(--tour-gate-accent-contrast, #fff);
    --_surface: var(--tour-gate-surface, #fff);
    --_text: var(--tour-gate-text, #1b1b1f);
    --_muted: var(--tour-gate-muted, #5c5f66);
    --_danger: var(--tour-gate-danger, #b3261e);
    --_radius: var(--tour-gate-radius, 0.5rem);
  }

  /* Fixed, not the top layer: hCaptcha's challenge (appended to body) must stay above it. */
  .backdrop {
    position: fixed;
    inset: 0;
    z-index: var(--tour-gate-z-index, 100000);
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 1rem;
    box-sizing: border-box;
    background: var(--tour-gate-backdrop, rgb(0 0 0 / 0.55));
    overflow-y: auto;
    /* Scrolling the mask never scrolls the tour page behind it. */
    overscroll-behavior: contain;
  }

  .dialog {
    box-sizing: border-box;
    width: 100%;
    max-width: var(--tour-gate-width, 32rem);
    max-height: 100%;
    overflow-y: auto;
    margin: auto;
    padding: 1.25rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--tour-gate-font, inherit);
    font-size: 1rem;
    line-height: 1.45;
    box-shadow: 0 1rem 3rem rgb(0 0 0 / 0.3);
  }

  .dialog:focus {
    outline: none;
  }

  /* At 320 px every pixel counts: the mask takes the whole screen. */
  @media (max-width: 30rem) {
    .backdrop {
      padding: 0;
    }
    .dialog {
      min-height: 100%;
      border-radius: 0;
      padding: 1rem;
    }
  }

  header {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: 0.75rem;
  }

  .logo {
    max-height: 2.5rem;
    max-width: 7.5rem;
    object-fit: contain;
    flex: none;
  }

  h2 {
    flex: 1;
    margin: 0;
    font-size: 1.25rem;
    line-height: 1.3;
  }

  h3 {
    margin: 0.5rem 0;
    font-size: 1.125rem;
  }

  h3:focus {
    outline: none;
  }

  .note {
    color: var(--_muted);
    font-size: 0.875rem;
  }

  form {
    display: grid;
    gap: 0.75rem;
  }

  .field {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }

  .field.check {
    grid-template-columns: auto 1fr;
    align-items: start;
    column-gap: 0.5rem;
  }

  .field.check .error {
    grid-column: 2;
  }

  label {
    font-weight: 600;
  }

  .check label {
    font-weight: normal;
  }

  .required {
    color: var(--_danger);
    margin-inline-start: 0.2em;
  }

  input:not([type='checkbox']),
  select,
  textarea {
    box-sizing: border-box;
    width: 100%;
    min-width: 0;
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--_muted);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: inherit;
    font: inherit;
  }

  input[type='checkbox'] {
    width: 1.125rem;
    height: 1.125rem;
    margin: 0.15rem 0 0;
    accent-color: var(--_accent);
  }

  [aria-invalid='true'] {
    border-color: var(--_danger);
    outline: 1px solid var(--_danger);
  }

  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .error {
    margin: 0;
    color: var(--_danger);
    font-size: 0.875rem;
  }

  .alert {
    padding: 0.5rem 0.75rem;
    border-left: 4px solid var(--_danger);
    background: color-mix(in srgb, var(--_danger) 8%, var(--_surface));
  }

  .alert p {
    margin: 0;
  }

  .live:empty {
    display: none;
  }

  .live {
    color: var(--_danger);
    font-weight: 600;
  }

  .captcha {
    min-height: 78px;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 0.5rem;
  }

  button {
    padding: 0.55rem 1rem;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: transparent;
    color: var(--_accent);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
  }

  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }

  button.close {
    flex: none;
    display: grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border-color: transparent;
    color: var(--_muted);
  }

  a {
    color: var(--_accent);
  }

  address {
    font-style: normal;
    margin: 0.75rem 0;
  }

  .sentinel {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
`;
