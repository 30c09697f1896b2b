/**
 * The mask's own events, heard only by `<tour-gate>`, which renders the mask and turns them into
 * its public `gate-*` events. They neither bubble nor cross a shadow root: a page never sees
 * them, so they are not declared in `HTMLElementEventMap` (that would advertise them as API).
 */
import type { RegistrationResponse } from '@tour-gate/shared';
import type { GateErrorCode } from '../internal/api.ts';

/** The visitor asked to close the mask (close button, Escape); `<tour-gate>` decides. */
export class MaskCloseEvent extends Event {
  constructor() {
    super('mask-close');
  }
}

/** The server accepted the registration. */
export class MaskRegisteredEvent extends Event {
  readonly status: RegistrationResponse['status'];
  constructor(status: RegistrationResponse['status']) {
    super('mask-registered');
    this.status = status;
  }
}

/** A request of the mask failed (a registration or a new link). */
export class MaskErrorEvent extends Event {
  readonly code: GateErrorCode;
  constructor(code: GateErrorCode) {
    super('mask-error');
    this.code = code;
  }
}
