import { DomainError, TRIAGE_ERRORS, type CaseEvent } from '#domain';
import { sqlConstraint, type AppendOptions } from '#eventstore';

/** The guard function of case commits and the constraint names it raises with (see the migration). */
export const CASE_COMMIT_GUARD = {
  fn: 'case_commit_assert_allowed',
  dismissed: 'case_signals_not_dismissed',
  erased: 'case_subjects_not_erased',
  signalsFn: 'case_signals_assert_not_erased',
  signalErased: 'case_signals_not_erased',
  keyFn: 'case_key_assert_live',
  keyDestroyed: 'case_key_destroyed',
} as const;

/**
 * The guard for a case commit whose events put signals in a case (`CaseOpened`, `SignalAddedToCase`): the checks
 * made on read models before deciding, made again in the commit's statement after locking what a concurrent
 * dismissal or erasure locks. `caseSubjectId` is the subject the case is about: named when it opens, and checked
 * again whenever a signal is added to it (no signal joins a case about an erased subject). The signals' own data
 * keys are checked last (`case_signals_assert_not_erased`, after the subjects' rows, which an erasure locks
 * before the keys): a signal whose personal data was erased is put in no case. Null when the events put no signal
 * in a case.
 */
export function caseCommitGuard(events: readonly CaseEvent[], caseSubjectId: string | null): NonNullable<AppendOptions['guards']>[number] | null {
  const signalIds = new Set<string>();
  for (const event of events) {
    if (event.type === 'CaseOpened') event.signalIds.forEach((id) => signalIds.add(id));
    if (event.type === 'SignalAddedToCase') signalIds.add(event.signalId);
  }
  if (signalIds.size === 0) return null;
  const signals = [...signalIds];
  return (param) => `${CASE_COMMIT_GUARD.fn}(${param(signals)}::uuid[], ${param(caseSubjectId)}::uuid) + ${CASE_COMMIT_GUARD.signalsFn}(${param(signals)}::uuid[])`;
}

/**
 * The guard for a case commit with text sealed under a stored data key: the key must still be live when the
 * statement runs (an erasure in flight is waited for), or the text would be written under a destroyed key.
 */
export function caseKeyGuard(keyId: string): NonNullable<AppendOptions['guards']>[number] {
  return (param) => `${CASE_COMMIT_GUARD.keyFn}(${param(keyId)}::uuid)`;
}

/** The refusal a case commit's guard raised, as the API answers it; undefined for any other error. */
export function caseCommitRefusal(error: unknown): DomainError | undefined {
  const constraint = sqlConstraint(error);
  if (constraint === CASE_COMMIT_GUARD.dismissed) {
    return new DomainError(TRIAGE_ERRORS.ALREADY_DISMISSED, 'A signal was dismissed meanwhile: dismissed signals cannot be put in a case');
  }
  if (constraint === CASE_COMMIT_GUARD.erased) {
    return new DomainError('PRIVACY.ERASED', "The subject's personal data was erased meanwhile: no case can be about it");
  }
  if (constraint === CASE_COMMIT_GUARD.signalErased) {
    return new DomainError('PRIVACY.ERASED', "A signal's personal data was erased: it cannot be put in a case");
  }
  if (constraint === CASE_COMMIT_GUARD.keyDestroyed) {
    return new DomainError('PRIVACY.ERASED', "This case's personal data was erased meanwhile: no new text can be added to it");
  }
  return undefined;
}
