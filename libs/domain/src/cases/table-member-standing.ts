import type { ModelTransition } from '../models/model-definition.js';
import { DomainError } from '../shared/domain-error.js';
import { CASE_ERRORS } from './case-errors.js';
import type { CaseReferral, CaseState } from './case.js';

/** Codes of a table member's refused action on a case (HTTP 409: the referral is not, or no longer, the table's to act on). */
export const TABLE_MEMBER_ERRORS = {
  /** The table has not accepted the referral (it is open, returned, or rejected); details: referralId, outcome. */
  NOT_ACCEPTED: 'REFERRAL.NOT_ACCEPTED',
  /** The case left the state it was referred in, or was closed, since; details: referralId, state. */
  CASE_MOVED_ON: 'REFERRAL.CASE_MOVED_ON',
  /** A table member's command must name the referral it acts through. */
  REFERRAL_REQUIRED: 'REFERRAL.REQUIRED',
} as const;

/** Whether a table's members may take the model's table-member transitions on the case through one referral. */
export type TableMemberStanding =
  | { mayAct: true; referral: CaseReferral }
  | { mayAct: false; referral: CaseReferral; code: (typeof TABLE_MEMBER_ERRORS)['NOT_ACCEPTED' | 'CASE_MOVED_ON']; why: string };

/**
 * A table acts on a case only through a referral it accepted, and only while the case stays in the state it was
 * referred in: its acceptance is an answer to that referral, not a standing right to the case. A returned or
 * rejected referral, one still open, one made in an earlier stay in the state, or a closed case gives nothing.
 * Undefined when the case has no such referral.
 */
export function tableMemberStanding(state: CaseState, referralId: string): TableMemberStanding | undefined {
  if (state.status === 'none') return undefined;
  const referral = state.referrals.find((r) => r.referralId === referralId);
  if (!referral) return undefined;
  if (referral.outcome !== 'accepted') {
    return { mayAct: false, referral, code: TABLE_MEMBER_ERRORS.NOT_ACCEPTED, why: `the table has not accepted referral ${referralId}${referral.outcome ? ` (it was ${referral.outcome})` : ''}` };
  }
  if (state.status !== 'open' || referral.stateVisit !== state.stateEnteredAtVersion) {
    return { mayAct: false, referral, code: TABLE_MEMBER_ERRORS.CASE_MOVED_ON, why: `the case left the state "${referral.state}" it was referred in` };
  }
  return { mayAct: true, referral };
}

/**
 * The decider's check for a table member's transition: it must name a referral of the case that gives the table
 * standing now (see {@link tableMemberStanding}), of a table the transition admits (`tables`). Returns that
 * referral; undefined for other roles, which are not checked here.
 */
export function tableMemberReferral(state: CaseState, transition: ModelTransition, actorRole: string, referralId: string | undefined): CaseReferral | undefined {
  if (actorRole !== 'table-member') return undefined;
  if (typeof referralId !== 'string' || referralId === '') {
    throw new DomainError(TABLE_MEMBER_ERRORS.REFERRAL_REQUIRED, 'A table member acts on a case through a referral of their table');
  }
  const referral = requireTableStanding(state, referralId);
  if (!tableMayTake(transition, referral.table)) {
    throw new DomainError(CASE_ERRORS.ROLE_NOT_ALLOWED, `members of table "${referral.table}" may not take transition "${transition.name}"`, {
      transition: transition.name,
      role: actorRole,
      table: referral.table,
      tables: [...(transition.tables ?? [])],
    });
  }
  return referral;
}

/**
 * The referral, when it gives its table standing on the case now (see {@link tableMemberStanding}).
 * @throws DomainError `REFERRAL.NOT_FOUND`, `REFERRAL.NOT_ACCEPTED`, `REFERRAL.CASE_MOVED_ON`
 */
export function requireTableStanding(state: CaseState, referralId: string): CaseReferral {
  const standing = tableMemberStanding(state, referralId);
  if (!standing) throw new DomainError('REFERRAL.NOT_FOUND', 'No such referral', { referralId });
  if (!standing.mayAct) throw new DomainError(standing.code, standing.why, { referralId, outcome: standing.referral.outcome ?? null, state: standing.referral.state });
  return standing.referral;
}

/** True when members of `table` may take `transition` (it names no tables, or names this one). */
export function tableMayTake(transition: ModelTransition, table: string): boolean {
  return transition.tables === undefined || transition.tables.includes(table);
}
