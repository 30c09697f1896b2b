/**
 * The public events of `<tour-gate>`: one `Event` subclass each, all bubbling and composed so a
 * page can listen on `document`. Only `gate-locked` is cancelable: it announces something that is
 * about to happen (the mask opening); the others report what has happened.
 */
import type { RegistrationResponse, ReleaseMode } from '@tour-gate/shared';
import type { GateErrorCode } from './internal/api.ts';

const init = { bubbles: true, composed: true } as const;

/** A locked viewpoint was requested. `preventDefault()` keeps the mask closed. */
export class GateLockedEvent extends Event {
  readonly viewpoint: string | undefined;
  constructor(viewpoint: string | undefined) {
    super('gate-locked', { ...init, cancelable: true });
    this.viewpoint = viewpoint;
  }
  /** Same data as `viewpoint`, for listeners that read `detail` like on a CustomEvent. */
  get detail(): { viewpoint: string | undefined } {
    return { viewpoint: this.viewpoint };
  }
}

/** The mask (or a link screen) was shown. */
export class GateOpenEvent extends Event {
  constructor() {
    super('gate-open', init);
  }
}

/** The mask was closed. */
export class GateCloseEvent extends Event {
  constructor() {
    super('gate-close', init);
  }
}

/** The registration was accepted by the server. */
export class GateRegisteredEvent extends Event {
  readonly mode: ReleaseMode;
  readonly status: RegistrationResponse['status'];
  constructor(mode: ReleaseMode, status: RegistrationResponse['status']) {
    super('gate-registered', init);
    this.mode = mode;
    this.status = status;
  }
  get detail(): { mode: ReleaseMode; status: RegistrationResponse['status'] } {
    return { mode: this.mode, status: this.status };
  }
}

/** The tour was unlocked: by a link, or by another tab. Not for a stored token found on load: read `unlocked`. */
export class GateUnlockedEvent extends Event {
  constructor() {
    super('gate-unlocked', init);
  }
}

/** Something failed; `code` is one of the shared error codes or a widget-side code. */
export class GateErrorEvent extends Event {
  readonly code: GateErrorCode;
  constructor(code: GateErrorCode) {
    super('gate-error', init);
    this.code = code;
  }
  get detail(): { code: GateErrorCode } {
    return { code: this.code };
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
