/**
 * The public events of `<tour-gate>`: one `Event` subclass each, all bubbling and composed so a
 * page can listen on `document`. Two are cancelable, each for something the gate is about to do:
 * `gate-locked` (the mask opening) and `gate-unlocked` (the confirmation it shows); the others
 * report what has happened.
 */
import type { RegistrationResponse, ReleaseMode } from '@tour-gate/shared';
import type { GateErrorCode } from './internal/api.ts';

/**
 * What the gate's events share: their data as properties of the event and, for listeners that
 * read it like on a `CustomEvent`, as `detail`.
 */
export class GateEvent<D extends object = object> extends Event {
  /** The event's data (the same values as its own properties). */
  declare readonly detail: D;
  constructor(type: string, detail: D, cancelable?: boolean) {
    super(type, { bubbles: true, composed: true, cancelable });
    Object.assign(this, { detail }, detail);
  }
}

/** A locked viewpoint was requested. `preventDefault()` keeps the mask closed. */
export class GateLockedEvent extends GateEvent<{ viewpoint: string | undefined }> {
  declare readonly viewpoint: string | undefined;
  constructor(viewpoint: string | undefined) {
    super('gate-locked', { viewpoint }, true);
  }
}

/** The mask (or a link screen) was shown. */
export class GateOpenEvent extends GateEvent {
  constructor() {
    super('gate-open', {});
  }
}

/** The mask was closed. */
export class GateCloseEvent extends GateEvent {
  constructor() {
    super('gate-close', {});
  }
}

/** The registration was accepted by the server. */
export class GateRegisteredEvent extends GateEvent<{
  mode: ReleaseMode;
  status: RegistrationResponse['status'];
}> {
  declare readonly mode: ReleaseMode;
  declare readonly status: RegistrationResponse['status'];
  constructor(mode: ReleaseMode, status: RegistrationResponse['status']) {
    super('gate-registered', { mode, status });
  }
}

/**
 * The tour was unlocked: by a link, or by another tab. Not for a stored token found on load:
 * read `unlocked`. `viewpoint` is the one the unlock link names (`#tour-gate-viewpoint=…`: the
 * viewpoint the visitor asked for), undefined for another tab's unlock or a link without one;
 * the viewer adapters go there. Cancelable: `preventDefault()` keeps the gate's confirmation
 * ("Alle Räume sind jetzt freigeschaltet.") from showing.
 */
export class GateUnlockedEvent extends GateEvent<{ viewpoint: string | undefined }> {
  declare readonly viewpoint: string | undefined;
  constructor(viewpoint?: string) {
    super('gate-unlocked', { viewpoint }, true);
  }
}

/** Something failed; `code` is one of the shared error codes or a widget-side code. */
export class GateErrorEvent extends GateEvent<{ code: GateErrorCode }> {
  declare readonly code: GateErrorCode;
  constructor(code: GateErrorCode) {
    super('gate-error', { code });
  }
}

declare global {
  interface HTMLElementEventMap {
    'gate-locked': GateLockedEvent;
    'gate-open': GateOpenEvent;
    'gate-close': GateCloseEvent;
    'gate-registered': GateRegisteredEvent;
    'gate-unlocked': GateUnlockedEvent;
    'gate-error': GateErrorEvent;
  }
}
