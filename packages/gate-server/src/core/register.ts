/**
 * A visitor sends the mask. The server checks the fields against the tour's own configuration,
 * the rate limits and the captcha before it writes anything; then the registration, its link
 * and its mails land in one transaction. The answer is the same for known and unknown emails.
 */
import {
  checkFields,
  GateError,
  normalizeEmail,
  type RegistrationRequest,
  type RegistrationResponse,
} from '@tour-gate/shared';
import type { Tour } from '../config/tours.ts';
import { tourCaptchaCheck } from '../security/captcha.ts';
import { encodeFields } from '../store/codecs.ts';
import type { Registration } from '../store/schema.ts';
import { isUniqueViolation } from '../store/store.ts';
import { inEvenTime } from '../util/even-time.ts';
import { newId } from '../util/ids.ts';
import { dayOf } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { issueRequestHandle, type Landing, landingPage } from './links.ts';
import { clientKey, emailKey, enforce, limitEmail, networkKey } from './rate-limit.ts';
import { afterRegistration } from './release.ts';
import { registeredAgain } from './returning.ts';
import { queueLeadEvent } from './webhooks.ts';

/**
 * The per-client limit counts the addresses a client registers, not its tries: an office that
 * tests its tour, or a visitor who sends the mask again, stays within it (the per-mailbox limits
 * bound that); a client that registers many different addresses is stopped.
 */
async function enforceClient(deps: GateDeps, ip: string, email: string, now: number): Promise<void> {
  const limit = deps.limits.registrationPerIp;
  const client = clientKey(ip);
  const seen = await deps.rateCounter.hit(`reg:ipmail:${client}:${emailKey(limitEmail(email))}`, limit.windowMs, now);
  if (seen.count === 1) await enforce(deps.rateCounter, `reg:ip:${client}`, limit, now);
}

/** The least time the writing part of a registration takes (see `inEvenTime` below). */
export const REGISTRATION_MIN_MS = 250;

export interface RegisterInput {
  tour: Tour;
  request: RegistrationRequest;
  ip: string;
}

export async function register(deps: GateDeps, { tour, request, ip }: RegisterInput): Promise<RegistrationResponse> {
  const { store, limits, clock } = deps;
  const t = tour.config;

  const { values, errors } = checkFields(tour.fields, request.fields);
  if (request.consent.privacy !== true) errors.consent = 'consent_required';
  if (request.consent.version !== t.consent.version) errors.consent ??= 'invalid';
  if (request.consent.marketing && !t.consent.marketing) errors.marketing = 'unknown';
  if (Object.keys(errors).length > 0) throw new GateError('VALIDATION_FAILED', { fields: errors });

  const email = normalizeEmail(String(values.email));
  let now = clock();
  await enforceClient(deps, ip, email, now);
  const captcha = tourCaptchaCheck(tour, request.captcha, ip);
  if (captcha) await deps.captcha.verify(captcha);
  // Counted after the captcha: bots without an answer must not use up a tour's budget. The
  // mailbox (not the address as typed: `+tag`s and Gmail dots reach one inbox) and the network's
  // share come first, so what they refuse costs the tour nothing; past the tour's budget, a tour
  // with a captcha stays open to whoever solved it instead of locking everyone out.
  await enforce(deps.rateCounter, `reg:email:${t.id}:${emailKey(limitEmail(email))}`, limits.registrationPerEmail, now);
  await enforce(deps.rateCounter, `mailbox:${emailKey(limitEmail(email))}`, limits.mailPerMailbox, now);
  await enforce(deps.rateCounter, `reg:net:${t.id}:${networkKey(ip)}`, limits.registrationPerNetwork, now);
  await enforce(deps.rateCounter, `reg:tour:${t.id}`, limits.registrationPerTour, now, {
    unless: captcha !== undefined,
  });

  now = clock();
  const locale = request.locale ?? t.locale;
  // Where this visitor's links land: the page the mask was sent from if the tour allows its
  // origin (else null: the tour's pageUrl), at the viewpoint asked for.
  const landing: Landing = { pageUrl: landingPage(tour, request.pageUrl), viewpoint: request.viewpoint ?? null };
  const message = typeof values.message === 'string' && values.message.trim() ? values.message : undefined;
  const fieldsJson = encodeFields({ ...values, email });
  const consent = {
    consent_at: now,
    consent_version: request.consent.version,
    consent_privacy: 1,
    consent_marketing: request.consent.marketing ? 1 : 0,
    consent_marketing_offered: t.consent.marketing ? 1 : 0,
    consent_marketing_confirmed_at: null,
  };

  let hooked = 0;
  let handle = '';
  const write = () =>
    store.transaction(async (tx) => {
      hooked = 0;
      const existing = await tx.findRegistration(t.id, email);
      if (existing) {
        // Whoever knows an address could send the mask in its name: the stored data and consent
        // stay as the visitor confirmed them. The new mail goes out in the language used now.
        // What the state calls for goes by mail (core/returning.ts); the answer stays the same.
        await registeredAgain(deps, tx, tour, { ...existing, locale }, now, { landing, message });
        handle = await issueRequestHandle(tx, tour, existing.id, now);
        return;
      }
      const reg: Registration = {
        id: newId(),
        tour_id: t.id,
        email,
        fields: fieldsJson,
        locale,
        status: t.mode === 'email' ? 'released' : 'pending',
        viewpoint: request.viewpoint ?? null,
        page_url: landing.pageUrl,
        ...consent,
        created_at: now,
        day: dayOf(now),
        updated_at: now,
        released_at: t.mode === 'email' ? now : null,
        decided_at: null,
        decided_by: null,
        first_opened_at: null,
      };
      await tx.insertRegistration(reg);
      await tx.log(reg.id, t.id, now, 'registered', {
        mode: t.mode,
        viewpoint: reg.viewpoint,
        consentVersion: consent.consent_version,
        marketing: Boolean(consent.consent_marketing),
      });
      await afterRegistration(deps, tx, tour, reg, now, true);
      handle = await issueRequestHandle(tx, tour, reg.id, now);
      const events =
        reg.status === 'released' ? (['lead.registered', 'lead.released'] as const) : ['lead.registered' as const];
      hooked += await queueLeadEvent(deps, tx, tour, reg, events, now);
      // Counters last: their rows are shared by every registration of the day, and a row lock
      // is held until commit.
      await tx.bumpStat(t.id, reg.day, 'registrations');
      if (reg.viewpoint) await tx.bumpViewpointStat(t.id, reg.day, reg.viewpoint, 'registrations');
      if (reg.status === 'released') await tx.bumpStat(t.id, reg.day, 'released');
    });
  // A known address and a new one take different paths from here on (on a manual-release
  // tour: a logbook line, or a new registration with its review request): the answer takes the
  // same least time for both, so its timing doesn't tell whether an address is known. Padded
  // after the limits and the captcha, whose time doesn't depend on the address.
  await inEvenTime(deps.registrationMinMs, async () => {
    try {
      await write();
    } catch (err) {
      // Two requests for a new address at once (a double click, two tabs): the second insert
      // meets the first one's row; once more, it takes the known-visitor path.
      if (!isUniqueViolation(err)) throw err;
      await write();
    }
  });
  deps.outbox.nudge();
  if (hooked) deps.webhooks.nudge();
  // The same two keys, and a handle of the same length, for every address.
  return { status: t.mode === 'email' ? 'check-email' : 'awaiting-approval', request: handle };
}
