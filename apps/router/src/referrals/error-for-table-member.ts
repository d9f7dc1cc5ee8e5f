import { DomainError } from '#domain';

/** Details a table member may see of a refused change: nothing that names the case, its state or its model version. */
const MEMBER_DETAILS = ['referralId', 'transition', 'field', 'expectedVersion', 'currentVersion', 'table', 'tables', 'role', 'reasonCategory'] as const;

/**
 * Refusals whose own message names the case's state or model version (the case moved, or closed, between the
 * member's read and the decision): told in words that name neither.
 */
const RESTATED: Readonly<Record<string, { code: string; message: (transition: unknown) => string }>> = {
  'CASE.CLOSED': { code: 'REFERRAL.CASE_MOVED_ON', message: () => 'The case left the state it was referred in' },
  'CASE.TRANSITION_NOT_ALLOWED': { code: 'CASE.TRANSITION_NOT_ALLOWED', message: (t) => `Transition ${JSON.stringify(t)} cannot be taken now` },
  'CASE.TRANSITION_UNKNOWN': { code: 'CASE.TRANSITION_UNKNOWN', message: (t) => `The case's model has no transition ${JSON.stringify(t)}` },
  'CASE.MODEL_UNKNOWN': { code: 'CASE.MODEL_UNKNOWN', message: () => "The case's model is not available" },
};

/**
 * `error` as a table member may see it. Table members know referrals, never the case: a refusal keeps its code but
 * only the details on an allowlist, and a message that could name the case's state or version is restated; the
 * case id is taken out of any message. Any other error is passed on as it is (it names no case).
 */
export function errorForTableMember(error: unknown, caseId: string, transition: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const details = Object.fromEntries(Object.entries(error.details ?? {}).filter(([key]) => (MEMBER_DETAILS as readonly string[]).includes(key)));
  const restated = RESTATED[error.code];
  if (restated) return new DomainError(restated.code, restated.message(transition), { ...details, transition });
  return new DomainError(error.code, error.message.split(caseId).join('(de zaak)'), details);
}
