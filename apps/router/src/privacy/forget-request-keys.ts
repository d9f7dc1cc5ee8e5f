import type { SqlExecutor } from '#eventstore';

const idsOf = (owners: readonly string[], kind: 'subject' | 'case') => owners.filter((o) => o.startsWith(`${kind}:`)).map((o) => o.slice(kind.length + 1));

/**
 * Forgets the `Idempotency-Key`s of the subjects and cases whose data keys a destruction destroys, in the
 * destroying transaction. A key is stored with a fingerprint of its request under the blind-index key, which is
 * never destroyed; for a registration that request is the subject's identity, so with the index key the
 * fingerprint would confirm a guessed address or KvK number after the erasure. A request sent again with a
 * forgotten key is a new request: a change to an erased case is refused (`PRIVACY.ERASED`), and a registration
 * registers the subject anew (its lookup keys were cleared, so no BSN conflict stops it).
 */
export async function forgetRequestKeysOf(tx: SqlExecutor, owners: readonly string[]): Promise<void> {
  const subjects = idsOf(owners, 'subject');
  const cases = idsOf(owners, 'case');
  if (subjects.length > 0) await tx.query('DELETE FROM subject_request_keys WHERE subject_id = ANY($1::uuid[])', [subjects]);
  if (cases.length > 0) await tx.query('DELETE FROM case_request_keys WHERE case_id = ANY($1::uuid[])', [cases]);
}
