/**
 * What the modal shows when `<tour-gate>` opens it. The host only picks the first screen; the
 * mask moves on from there (form → outcome, expired link → "new link sent").
 */
import type { RegistrationResponse } from '@tour-gate/shared';
import type { GateErrorCode } from '../internal/api.ts';
import type { StoredRequest } from './request-store.ts';

/**
 * Refusals of an unlock link that get their own screen; any other failure offers a retry.
 * (`<tour-gate>` tells them apart by their names, so this module stays out of the up-front code.)
 */
export type LinkCode = 'LINK_EXPIRED' | 'LINK_INVALID' | 'LINK_REVOKED' | 'ACCESS_DENIED' | 'ACCESS_REVOKED';

export type Screen =
  /** The registration form. */
  | { kind: 'form' }
  /** An unlock link failed; `token` is kept so an expired link can ask for a new one. */
  | { kind: 'link'; code: LinkCode; token: string }
  /** Anything else that failed, with the action that tries again. */
  | { kind: 'error'; code: GateErrorCode; retry?: () => void };

/** Where "Adresse ändern" goes back to: the screen the address was typed on. */
export type Back = { kind: 'form' } | { kind: 'ask-link' };

/** What the mask shows: the screen it was opened with, or where it moved on to. */
export type View =
  | Screen
  /** A request went through; `email` is the address it went to, when typed here; `back` changes it. */
  | { kind: 'outcome'; status: RegistrationResponse['status']; email?: string | undefined; back: Back | undefined }
  /** Only the email address, for a new unlock link. */
  | { kind: 'ask-link' }
  /** `RATE_LIMITED`: until when to wait (unknown when the server did not say), and where to go on. */
  | { kind: 'limited'; until: number | undefined; back: View }
  /** A returning visitor: the request is with the broker. */
  | { kind: 'pending'; record: StoredRequest }
  /** A returning visitor: the link went out by email (and was not opened in this browser). */
  | { kind: 'released'; record: StoredRequest }
  /** Denied; `repeat`: "ask again" is offered (the tour allows it and a link token is held). */
  | { kind: 'denied'; record: StoredRequest; repeat: boolean }
  | { kind: 'revoked' }
  /** A message reached the broker, or the link was asked for again with the request's handle. */
  | { kind: 'done'; what: 'message' | 'resent' };

/**
 * Every `::part` of the mask, forwarded through `<tour-gate>` so a page can style them as
 * `tour-gate::part(dialog)`.
 */
export const MASK_PARTS = [
  'backdrop',
  'dialog',
  'header',
  'title',
  'close-button',
  'body',
  'intro',
  'form',
  'field',
  'label',
  'control',
  'field-error',
  'consent',
  'captcha',
  'alert',
  'button',
  'submit-button',
  'screen-title',
  'screen-text',
  'contact',
].join(', ');
