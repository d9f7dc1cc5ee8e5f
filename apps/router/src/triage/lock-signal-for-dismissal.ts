import { DomainError, TRIAGE_ERRORS } from '#domain';
import type { SqlExecutor } from '#eventstore';

/**
 * Inside a dismissal's transaction: locks the signal's row of the router's read model for update (a case commit
 * that puts the signal in a case writes that row in its statement, and its guard locks it: each waits for the
 * other) and refuses the dismissal when the signal is in a case by now. A case commit after the dismissal finds
 * the `SignalDismissed` on the signal's stream (see `case_commit_assert_allowed`).
 */
export async function lockSignalForDismissal(tx: SqlExecutor, signalId: string): Promise<void> {
  const r = await tx.query<{ case_id: string | null }>('SELECT case_id::text FROM router_signals WHERE signal_id = $1::uuid FOR UPDATE', [signalId]);
  const caseId = r.rows[0]?.case_id ?? null;
  if (caseId !== null) throw new DomainError(TRIAGE_ERRORS.IN_CASE, 'The signal is part of a case; handle it in the case', { signalId, caseId });
}
