import { DomainError, SIGNAL_ERRORS } from '#domain';

/**
 * A key that recognises a resend: a sender's reference (`ext:`), a caller's `Idempotency-Key` (`idem:`) or a Kafka
 * delivery (`msg:`). The first two are stored with a keyed fingerprint of their request (an HMAC under the blind-index
 * key: a report holds a BSN, which a plain hash would let a reader of the table test guesses against), so another
 * request under the same key is refused instead of being answered as the resend it is not. A delivery names the
 * message itself and needs none.
 */
export interface IntakeKey {
  key: string;
  hash: string | null;
  /** The plain SHA-256 of the request, as `Idempotency-Key` rows stored before the thirteenth session hold it. */
  legacyHash?: () => string;
  /** The refusal when the key was recorded with another request. */
  reused?: () => DomainError;
}

/** A key as the intake recorded it. */
export interface RecordedIntakeKey {
  key: string;
  request_hash: string | null;
}

export const idempotencyKeyReused = (): DomainError => new DomainError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used before with a different request');

/**
 * The reference names a signal this caller may not be allowed to see (another connector may have sent it): the
 * refusal names neither that signal nor the reference, only the field.
 */
export const externalRefReused = (): DomainError =>
  new DomainError(SIGNAL_ERRORS.EXTERNAL_REF_REUSED, 'This externalRef was used before, in this municipality, for another report: the report was not stored', { field: 'externalRef' });

/**
 * Throws the refusal of the first of `wanted` that was recorded (among `recorded`) with another request. A key
 * recorded without a fingerprint — a reference stored before references kept one — has nothing to compare with: its
 * resend is answered with the first receipt, whatever it holds, as it was before.
 */
export function refuseReusedKeys(wanted: readonly IntakeKey[], recorded: readonly RecordedIntakeKey[]): void {
  for (const key of wanted) {
    const row = recorded.find((r) => r.key === key.key);
    if (!row?.request_hash || !key.hash || !key.reused) continue;
    if (row.request_hash !== key.hash && row.request_hash !== key.legacyHash?.()) throw key.reused();
  }
}
