import { keyOwner } from '#platform';

/** A case a signal is in, as the retention job reads it inside the destroying transaction (`case_view`). */
export interface CaseOfSignal {
  caseId: string;
  /** The subject the case is about (named when it was opened, or its signals' one subject then), if any. */
  subjectId: string | null;
  closed: boolean;
  /** The case's other signals whose data key still exists. */
  otherLiveSignals: number;
}

/**
 * Owners whose active legal hold keeps a signal's data: the signal, the subject it is linked to, every case it
 * is in, and the subject each of those cases is about. A hold on the subject a case is about holds that case,
 * and so every signal of it, whether or not the signal is linked to that subject: a case can be opened about a
 * subject its signals are not linked to, and a signal can be moved to another subject after its case was opened.
 */
export function signalHoldOwners(signalId: string, subjectId: string | null, cases: readonly Pick<CaseOfSignal, 'caseId' | 'subjectId'>[]): string[] {
  return [
    ...new Set([
      keyOwner.signal(signalId),
      ...(subjectId ? [keyOwner.subject(subjectId)] : []),
      ...cases.flatMap((c) => [keyOwner.case(c.caseId), ...(c.subjectId ? [keyOwner.subject(c.subjectId)] : [])]),
    ]),
  ];
}

/**
 * The cases whose own data key (their reasons, notes, plan) is destroyed with a signal's data: every case of
 * the signal that is closed and has no other signal whose data still exists — all of them, not only the case
 * whose rule decided the signal's period (a tip weighed in an intake case and then handled in an AVE case takes
 * both cases' keys with it). A case with another signal still holding data keeps its key until the last of its
 * signals goes. A case under a legal hold (on the case or on its subject) keeps its key because the hold keeps
 * the signal itself (`signalHoldOwners`). In case-id order.
 */
export function casesLeftWithoutLiveSignal(cases: readonly CaseOfSignal[]): string[] {
  return cases
    .filter((c) => c.closed && c.otherLiveSignals === 0)
    .map((c) => c.caseId)
    .sort();
}
