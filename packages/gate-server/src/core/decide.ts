/**
 * The broker's decision on a request: grant, deny, revoke a grant, or grant after all (a
 * denied request, or a revoked visitor, again). Each is one conditional status change
 * (`transition`) from the states it applies to, so of two concurrent decisions exactly one
 * lands; the other learns the decision that did. The review page and the dashboard call this.
 * Deny and revoke ask for confirmation first (`NEEDS_CONFIRMATION`); that step belongs to the
 * pages, not to this use case.
 */
import { GateError } from '@tour-gate/shared';
import type { Registration, RegistrationStatus } from '../store/schema.ts';
import { dayOf } from '../util/time.ts';
import { forgetAccessHolds } from './access.ts';
import type { GateDeps } from './deps.ts';
import { issueUnlockLink, queueDenyMail } from './links.ts';
import { queueLeadEvent } from './webhooks.ts';

/**
 * `regrant` is "grant after all": from `denied` or `revoked` only, so a grant meant for a
 * pending request never overrides a denial made at the same time.
 */
export type Decision = 'grant' | 'deny' | 'revoke' | 'regrant';

export const DECISIONS: readonly Decision[] = ['grant', 'deny', 'revoke', 'regrant'];

/** Decisions the pages confirm in a second step before they take them. */
export const NEEDS_CONFIRMATION: readonly Decision[] = ['deny', 'revoke'];

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
  /** The state before this call's decision (with `decided`), e.g. `denied` for a grant after all. */
  from: RegistrationStatus;
}

/** Which states each decision may start from; anything else was decided before. */
const FROM: Record<Decision, readonly RegistrationStatus[]> = {
  grant: ['pending'],
  deny: ['pending'],
  // An email-release visitor's access can be revoked too (from the dashboard).
  revoke: ['granted', 'released'],
  regrant: ['denied', 'revoked'],
};

/** Whether a decision applies to a request in this state (else it was decided before). */
export function appliesTo(decision: Decision, status: RegistrationStatus): boolean {
  return FROM[decision].includes(status);
}

const TO = { grant: 'granted', deny: 'denied', revoke: 'revoked', regrant: 'granted' } as const satisfies Record<
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
      // Access given keeps its first time (the statistics' time to release); a grant after a
      // denial is the first.
      ...(decision === 'grant' || decision === 'regrant' ? { released_at: before.released_at ?? now } : {}),
    });
    if (!reg) {
      // Someone decided first (or this decision does not apply): read what they decided. In
      // PostgreSQL the losing UPDATE waited for the winner's commit, so this sees it.
      const current = await tx.getRegistration(registrationId);
      return { registration: current ?? before, decided: false, from: (current ?? before).status };
    }
    // The transition only moves from FROM[decision]; for a regrant, which of the two it was.
    const from = decision === 'regrant' ? (before.status === 'revoked' ? 'revoked' : 'denied') : before.status;

    const day = dayOf(now);
    switch (decision) {
      case 'grant':
      case 'regrant': {
        const again = decision === 'regrant' ? { after: from } : {};
        await tx.log(reg.id, t.id, now, 'granted', { by, ...(via ? { via } : {}), ...again });
        await tx.bumpStat(t.id, day, 'granted');
        const reason = decision === 'grant' ? 'granted' : from === 'revoked' ? 'granted-again' : 'granted-after-deny';
        await issueUnlockLink(tx, tour, reg, now, reason);
        await queueLeadEvent(deps, tx, tour, reg, ['lead.granted'], now);
        break;
      }
      case 'deny': {
        // A denied visitor holds no working link, whatever was issued before.
        const links = await tx.revokeLinks(reg.id, 'unlock', now);
        await tx.log(reg.id, t.id, now, 'denied', { by, ...(via ? { via } : {}), links });
        await tx.bumpStat(t.id, day, 'denied');
        await queueLeadEvent(deps, tx, tour, reg, ['lead.denied'], now);
        // A link of the request (issue 10): on the tour page it shows the denial, and "erneut
        // anfragen" where the tour allows it.
        await queueDenyMail(tx, tour, reg, now);
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
    return { registration: reg, decided: true, from };
  });
  if (result.decided) {
    // A revocation shows on this instance's next access check at once.
    if (decision === 'revoke') forgetAccessHolds(deps);
    deps.outbox.nudge();
    deps.webhooks.nudge();
  }
  return result;
}
