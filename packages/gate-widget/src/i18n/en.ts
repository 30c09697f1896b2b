/**
 * English texts. This table defines the shape every other language must fill (`Translation`);
 * the nested tables are checked against the shared lists, so a new error code or field that
 * has no text here fails the type check.
 */
import { FIELD_LABELS, type FieldErrorCode, SALUTATION_LABELS } from '@tour-gate/shared';
import type { GateErrorCode } from '../internal/api.ts';

export type { SalutationValue } from '@tour-gate/shared';

export const en = {
  close: 'Close',
  maskTitle: 'Unlock the whole tour',
  maskIntroEmail: (broker: string) =>
    `Register once and ${broker} will send you a link by email that opens every room of this tour.`,
  maskIntroManual: (broker: string) =>
    `Register once and ${broker} will check your request. You get a link by email as soon as it is granted.`,
  requiredNote: 'Fields marked with * are required.',
  requiredMarker: '*',
  chooseOption: 'Please choose',
  fields: FIELD_LABELS.en,
  salutations: SALUTATION_LABELS.en,
  /** `{privacy}` and `{terms}` become links; `{broker}` the broker's name. */
  consentPrivacy: 'I agree that {broker} processes my data to answer this request, as described in the {privacy}.',
  consentPrivacyTerms:
    'I accept the {terms} and agree that {broker} processes my data to answer this request, as described in the {privacy}.',
  privacyLink: 'privacy notice',
  termsLink: 'terms',
  consentMarketing: (broker: string) =>
    `${broker} may also email me about similar properties. Optional; I can withdraw this at any time.`,
  captchaLabel: 'Security check',
  submit: 'Send request',
  sending: 'Sending…',
  retry: 'Try again',
  checkFieldsSummary: (count: number) =>
    count === 1 ? 'Please check the marked field.' : `Please check the ${count} marked fields.`,
  checkEmailTitle: 'Look in your mailbox',
  checkEmailText: (broker: string) =>
    `We have sent you an email on behalf of ${broker} with a link that unlocks the tour. If it is not in your inbox within a few minutes, please look in your spam folder too.`,
  awaitingTitle: 'Request sent',
  awaitingText: (broker: string) =>
    `${broker} will check your request. As soon as it is granted, you get an email with a link that unlocks the tour.`,
  linkExpiredTitle: 'This link has expired',
  linkExpiredText:
    'Unlock links are valid for a limited time. We can send a new one to the address the old one went to.',
  newLinkButton: 'Send me a new link',
  linkInvalidTitle: 'This link does not work',
  linkInvalidText:
    'It may be incomplete or already replaced by a newer one. Please open the latest link from your email, or request a new one with your email address.',
  linkRevokedTitle: 'This link is no longer valid',
  linkRevokedText:
    'A newer link has replaced it, or it was withdrawn. Please open the latest link from your email, or request a new one with your email address.',
  registerAgain: 'Register again',
  accessDeniedTitle: 'Access not granted',
  accessDeniedText: (broker: string) =>
    `${broker} has decided not to open this tour for you. If you think this is a mistake, please get in touch directly.`,
  accessRevokedTitle: 'Access revoked',
  accessRevokedText: (broker: string) =>
    `${broker} has revoked your access to this tour. Please get in touch directly if you have questions.`,
  errorTitle: 'Something went wrong',
  contactHeading: 'Contact',
  // Returning visitors (issue 10). `{email}` becomes the address in bold.
  changeAddress: 'Change address',
  checkEmailTextTo:
    'On behalf of {broker} we have sent an email to {email}. The link in it unlocks the tour. If it is not in your inbox within a few minutes, please look in your spam folder too, and check that the address is right.',
  awaitingTextTo:
    '{broker} will check your request. As soon as it is granted, you get an email at {email} with a link that unlocks the tour.',
  askLinkTitle: 'Request a new link',
  askLinkText:
    'Enter the email address you registered with. If access to this tour has been granted for it, we will send a new unlock link there.',
  askLinkSubmit: 'Send link',
  newLinkSentTitle: 'Look in your mailbox',
  newLinkSentTo:
    'If access to this tour has been granted for {email}, a new link is on its way there. If nothing arrives within a few minutes, please look in your spam folder and check the address.',
  limitedTitle: 'Please wait a little',
  limitedText: (time: string, minutes: number) =>
    `There have been too many requests in a short time. Please try again from ${time} (${minutes < 2 ? 'in about a minute' : `in about ${minutes} minutes`}). What you typed stays here as long as this page is open.`,
  limitedTextUnknown:
    'There have been too many requests in a short time. Please try again in a few minutes. What you typed stays here as long as this page is open.',
  limitedOverTitle: 'You can continue now',
  limitedOver: 'The wait is over: you can send your request now.',
  goOn: 'Continue',
  pendingTitle: 'Your request is being checked',
  pendingText: (date: string, broker: string) =>
    `Your request of ${date} is with ${broker}. As soon as it is granted, you get an email with a link that unlocks the tour.`,
  messageLabel: (broker: string) => `Your message to ${broker}`,
  messageSubmit: 'Send message',
  messageSentTitle: 'Message sent',
  messageSentText: (broker: string) => `Your message is on its way to ${broker}.`,
  elsewhereText:
    'Has your request been granted already, and you opened the link on another device? Then we will gladly send it again.',
  resendLink: 'Send the link again',
  resentText: 'If your access has been granted, a new link is on its way to the address of your request.',
  releasedTitle: 'Your link was sent by email',
  releasedText: (date: string) =>
    `On ${date} we sent you a link that unlocks this tour. Please open it on this device. If you cannot find it, or opened it on another device, we will gladly send it again.`,
  otherAddress: 'Use another address',
  repeatText: (broker: string) => `You can ask ${broker} again, with a short message if you like.`,
  repeatSubmit: 'Ask again',
  postalCodeFormat: (example: string, country: string) =>
    `Please check the postal code. Expected format (${country}): ${example}`,
  errors: {
    INVALID_JSON: 'The request could not be read. Please try again.',
    UNSUPPORTED_MEDIA_TYPE: 'The request could not be read. Please try again.',
    PAYLOAD_TOO_LARGE: 'Your entries are too long. Please shorten them.',
    VALIDATION_FAILED: 'Some fields are missing or invalid.',
    NOT_FOUND: 'This could not be found.',
    METHOD_NOT_ALLOWED: 'This action is not possible.',
    TOUR_NOT_FOUND: 'This tour is not available.',
    ORIGIN_NOT_ALLOWED: 'This page may not show the registration for this tour.',
    RATE_LIMITED: 'Too many attempts. Please wait a moment and try again.',
    CAPTCHA_REQUIRED: 'Please complete the security check.',
    CAPTCHA_FAILED: 'The security check was not accepted. Please try it again.',
    CAPTCHA_UNAVAILABLE: 'The security check is not reachable right now. Please try again.',
    LINK_INVALID: 'This link is not valid.',
    LINK_EXPIRED: 'This link has expired.',
    LINK_REVOKED: 'This link was withdrawn.',
    REQUEST_INVALID: 'This request is no longer known here. Please register again.',
    REPEAT_NOT_ALLOWED: 'For this tour, a new request after a refusal is not possible. Please get in touch directly.',
    ACCESS_DENIED: 'Access to this tour was not granted.',
    ACCESS_REVOKED: 'Access to this tour was revoked.',
    ACCESS_EXPIRED: 'Your access to this tour has expired. Please register again.',
    ACCESS_PENDING: 'Your request has not been decided yet.',
    TOKEN_INVALID: 'Your access could not be confirmed. Please open your link again.',
    UNAUTHORIZED: 'Please sign in.',
    FORBIDDEN: 'This is not allowed.',
    NONCE_INVALID: 'This form has expired. Please reload the page.',
    ALREADY_DECIDED: 'This request was already decided.',
    CONFLICT: 'Something changed at the same time. Please try again.',
    NOT_READY: 'The service is starting. Please try again in a moment.',
    INTERNAL: 'Something went wrong on our side. Please try again later.',
    UNAVAILABLE: 'The service is briefly unavailable. Please try again in a moment.',
    NETWORK_ERROR: 'The connection failed. Please check your internet connection and try again.',
    BAD_RESPONSE: 'The answer from the server could not be read. Please try again later.',
    NETWORK: 'The rooms can’t be opened here right now.',
  } satisfies Record<GateErrorCode, string>,
  fieldErrors: {
    required: 'Please fill in this field.',
    invalid: 'Please check this entry.',
    invalid_email: 'Please enter a valid email address, like name@example.com.',
    invalid_postal_code: 'Please enter a valid postal code.',
    too_long: 'This entry is too long.',
    unknown: 'This field is not part of the form.',
    consent_required: 'Please agree to continue.',
  } satisfies Record<FieldErrorCode, string>,
};

export type Translation = typeof en;
