import { TOPICS } from '#contracts';
import { failureCodeOf, isTransientHandlerError, recordDeadLetter, type SqlExecutor } from '#eventstore';

/** What waited for signal facts, was taken out of its wait list when they arrived, and could not go out. */
export interface FailedRelease {
  /** The wait list it was taken out of. */
  waitList: 'tables_pending_referrals' | 'tables_pending_escalation_facts';
  /** Its referral or escalation id. */
  id: string;
  caseId: string;
  /** What the wait list held (the case sheet as it was, the case event or its ids): kept whole in the dead letter. */
  row: unknown;
  error: unknown;
  /** Deliveries of the batch that released it. */
  attempts: number;
}

/**
 * Runs `work` under a savepoint of `tx`. When it fails for a reason that is not about the moment
 * (`isTransientHandlerError`), what it wrote is undone and the failure is returned: the transaction goes on without
 * it. A transient failure (a deadlock, the database away) is passed on, so the whole batch is tried again.
 */
export async function underSavepoint<T>(tx: SqlExecutor, work: () => Promise<T>): Promise<{ value: T } | { failure: unknown }> {
  await tx.query('SAVEPOINT tables_released');
  try {
    const value = await work();
    await tx.query('RELEASE SAVEPOINT tables_released');
    return { value };
  } catch (failure) {
    if (isTransientHandlerError(failure)) throw failure;
    await tx.query('ROLLBACK TO SAVEPOINT tables_released');
    await tx.query('RELEASE SAVEPOINT tables_released');
    return { failure };
  }
}

/**
 * Records a released item that could not go out in `dead_letters`, in the transaction that released it: origin the
 * consumer, topic and key those of the case event that parked it (`signaalroute.cases.v1`, `case-<id>`), the wait
 * list's row as value (its personal values sealed, as in the events), and the wait list and id as headers.
 */
export async function recordFailedRelease(tx: SqlExecutor, consumer: string, failed: FailedRelease): Promise<void> {
  const origin = `consumer:${consumer}`;
  const e = failed.error as { message?: unknown } | null;
  await recordDeadLetter(tx, {
    origin,
    topic: TOPICS.cases,
    key: `case-${failed.caseId}`,
    value: JSON.stringify(failed.row),
    headers: { 'dead-letter-origin': origin, 'dead-letter-wait-list': failed.waitList, 'dead-letter-id': failed.id },
    errorCode: failureCodeOf(failed.error),
    error: typeof e?.message === 'string' ? e.message : String(failed.error),
    attempts: failed.attempts,
  });
}
