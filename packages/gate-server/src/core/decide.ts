/**
 * The broker's decision on a manual-release request: grant, deny, or later revoke a grant.
 * Each is one conditional status change (`transition`), so of two concurrent decisions exactly
 * one lands; the other learns the decision that did. The review page calls this, and so will
 * the broker dashboard.
 */
import { GateError } from '@tour-gate/shared';
import { renderDenyMail } from '../mail/deny-mail.ts';
import type { Registration, RegistrationStatus } from '../store/schema.ts';
import { dayOf } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { issueUnlockLink } from './links.ts';
import { queueRegistrationMail } from './mail.ts';
import { brokerReplyTo, localeOf, visitorName } from './registration.ts';
import { queueLeadEvent } from './webhooks.ts';

export type Decision = 'grant' | 'deny' | 'revoke';

export const DECISIONS: readonly Decision[] = ['grant', 'deny', 'revoke'];

export interface DecideInput {
  registrationId: string;
  decision: Decision;
  /** Who decides, as shown on the review page and in the logbook (the broker's email). */
  by: string;
  /** Where the decision was made, for the logbook (`review-link`, `dashboard`). */
  via?: string;
}

export interface DecideResult {
  /** The registration after this call: with this call's decision, or with the one made before. */
  registration: Registration;
  /** True when this call made the decision; false when the request was already decided. */
  decided: boolean;
}

/** Which states each decision may start from; anything else was decided before. */
const FROM: Record<Decision, readonly RegistrationStatus[]> = {
  grant: ['pending'],
  deny: ['pending'],
  // An email-release visitor's access can be revoked too (from the dashboard).
  revoke: ['granted', 'released'],
};

const TO = { grant: 'granted', deny: 'denied', revoke: 'revoked' } as const satisfies Record<
  Decision,
  RegistrationStatus
>;

/**
 * Decides on a request. Grant mails the visitor the unlock link; deny mails the tour's polite
 * notice; revoke ends every access token and unlock link of the visitor. The status change,
 * the mail, the logbook entry and the statistic land in one transaction.
 *
 * @example
 * ```ts
 * const { registration, decided } = await decide(deps, { registrationId, decision: 'grant', by: broker.email });
 * ```
 */
export async function decide(deps: GateDeps, input: DecideInput): Promise<DecideResult> {
  const { registrationId, decision, by, via } = input;
  const now = deps.clock();
  const result = await deps.store.transaction(async (tx): Promise<DecideResult> => {
    const before = await tx.getRegistration(registrationId);
    if (!before) throw new GateError('NOT_FOUND');
    const tour = deps.tours.find(before.tour_id);
    if (!tour) throw new GateError('TOUR_NOT_FOUND');
    const t = tour.config;

    const reg = await tx.transition(registrationId, FROM[decision], TO[decision], {
      decided_at: now,
      decided_by: by,
      updated_at: now,
      ...(decision === 'grant' ? { released_at: now } : {}),
    });
    if (!reg) {
      // Someone decided first (or this decision does not apply): read what they decided. In
      // PostgreSQL the losing UPDATE waited for the winner's commit, so this sees it.
      const current = await tx.getRegistration(registrationId);
      return { registration: current ?? before, decided: false };
    }

    const day = dayOf(now);
    switch (decision) {
      case 'grant': {
        await tx.log(reg.id, t.id, now, 'granted', { by, ...(via ? { via } : {}) });
        await tx.bumpStat(t.id, day, 'granted');
        await issueUnlockLink(tx, tour, reg, now, 'granted');
        await queueLeadEvent(deps, tx, tour, reg, ['lead.granted'], now);
        break;
      }
      case 'deny': {
        // A denied visitor holds no working link, whatever was issued before.
        const links = await tx.revokeLinks(reg.id, 'unlock', now);
        await tx.log(reg.id, t.id, now, 'denied', { by, ...(via ? { via } : {}), links });
        await tx.bumpStat(t.id, day, 'denied');
        await queueLeadEvent(deps, tx, tour, reg, ['lead.denied'], now);
        const mail = renderDenyMail({ tour: t, broker: tour.broker, locale: localeOf(reg), name: visitorName(reg) });
        await queueRegistrationMail(tx, {
          tour,
          reg,
          kind: 'deny',
          recipient: reg.email,
          replyTo: brokerReplyTo(tour),
          mail,
          now,
        });
        break;
      }
      case 'revoke': {
        const accessTokens = await tx.revokeAccessTokens(reg.id, now);
        const links = await tx.revokeLinks(reg.id, 'unlock', now);
        await tx.log(reg.id, t.id, now, 'revoked', { by, ...(via ? { via } : {}), accessTokens, links });
        await tx.bumpStat(t.id, day, 'revoked');
        await queueLeadEvent(deps, tx, tour, reg, ['lead.revoked'], now);
        break;
      }
    }
    return { registration: reg, decided: true };
  });
  if (result.decided) {
    deps.outbox.nudge();
    deps.webhooks.nudge();
  }
  return result;
}
