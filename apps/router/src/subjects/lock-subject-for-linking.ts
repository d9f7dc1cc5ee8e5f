import { DomainError } from '#domain';
import type { SqlExecutor } from '#eventstore';

/**
 * Inside a link's transaction: takes a share lock on the subject's row (an erasure or retention destruction of
 * the subject, which locks it for update, waits for the link to commit, or the link waits for it) and refuses
 * the link when the subject's personal data was erased.
 */
export async function lockSubjectForLinking(tx: SqlExecutor, subjectId: string): Promise<void> {
  const r = await tx.query<{ erased: boolean }>('SELECT erased_at IS NOT NULL AS erased FROM subjects WHERE subject_id = $1::uuid FOR SHARE', [subjectId]);
  if (r.rows[0]?.erased) throw new DomainError('PRIVACY.ERASED', "This subject's personal data was erased: no signal can be linked to it");
}
