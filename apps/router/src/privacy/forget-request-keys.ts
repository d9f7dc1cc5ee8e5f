import type { SqlExecutor } from '#eventstore';

const idsOf = (owners: readonly string[], kind: 'subject' | 'case' | 'signal') => owners.filter((o) => o.startsWith(`${kind}:`)).map((o) => o.slice(kind.length + 1));

/**
 * Forgets the `Idempotency-Key`s of the subjects and cases whose data keys a destruction destroys, in the
 * destroying transaction. A key is stored with a fingerprint of its request under the blind-index key, which is
 * never destroyed; for a registration that request is the subject's identity, so with the index key the
 * fingerprint would confirm a guessed address or KvK number after the erasure. A request sent again with a
 * forgotten key is a new request: a change to an erased case is refused (`PRIVACY.ERASED`), and a registration
 * registers the subject anew (its lookup keys were cleared, so no BSN conflict stops it).
 * A signal's intake keys (its `externalRef`, its `Idempotency-Key`; the intake's table, on the same database) are kept
 * without their fingerprint of the report: a resend still gets the signal's first receipt, as a key stored before
 * keys held fingerprints does, and nothing left can confirm a guessed report.
 */
export async function forgetRequestKeysOf(tx: SqlExecutor, owners: readonly string[]): Promise<void> {
  const subjects = idsOf(owners, 'subject');
  const cases = idsOf(owners, 'case');
  const signals = idsOf(owners, 'signal');
  if (subjects.length > 0) await tx.query('DELETE FROM subject_request_keys WHERE subject_id = ANY($1::uuid[])', [subjects]);
  if (cases.length > 0) await tx.query('DELETE FROM case_request_keys WHERE case_id = ANY($1::uuid[])', [cases]);
  if (signals.length > 0) await tx.query('UPDATE intake_keys SET request_hash = NULL WHERE signal_id = ANY($1::uuid[]) AND request_hash IS NOT NULL', [signals]);
}
