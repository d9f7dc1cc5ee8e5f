import { quoteIdent, type SqlExecutor } from '#eventstore';

/**
 * Marks a subject whose data key was destroyed (erasure on request, or retention) as erased, inside the
 * destroying transaction (the one that appends `PersonalDataShredded` to the subject's stream): its lookup
 * keys (blind indexes) are cleared, so it is never suggested or matched again and its BSN may be registered
 * anew, and `erased_at` makes the subject APIs answer `personalDataErased: true`. The first erasure's moment
 * is kept. The replay of the `subjects` projection applies `PersonalDataShredded` with the same statement
 * into `table`.
 */
export async function markSubjectErased(tx: SqlExecutor, subjectId: string, at: Date, table = 'subjects'): Promise<void> {
  await tx.query(
    `UPDATE ${quoteIdent(table)} SET name_key = NULL, birth_date_key = NULL, bsn_key = NULL, address_key = NULL, postcode_key = NULL, erased_at = COALESCE(erased_at, $2::timestamptz)
      WHERE subject_id = $1::uuid`,
    [subjectId, at.toISOString()],
  );
}
