/**
 * The guards for answers only the mask reads (registration, new link), beside the others in
 * `wire.ts` but in a module of their own, so they load with the mask chunk instead of up front.
 */
import type { NewLinkResponse, RegistrationResponse } from '@tour-gate/shared';
import { guard, oneOf, shape } from './wire.ts';

export const isRegistrationResponse = guard<RegistrationResponse>(
  shape({ status: oneOf('check-email', 'awaiting-approval') }),
);

export const isNewLinkResponse = guard<NewLinkResponse>(shape({ status: oneOf('check-email') }));
