import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DomainError } from '#domain';
import { rowTable, sqlConstraint, sqlErrorCode, type SqlExecutor, type TableRow } from '#eventstore';

const CASE_REQUEST_KEYS = rowTable('case_request_keys', { key: 'text', case_id: 'uuid', request_hash: 'text' });

/** An `Idempotency-Key` of one caller's request to open a case, with the hash of that request. */
export interface CaseRequestKey {
  key: string;
  requestHash: string;
}

/** The key as stored: the caller's own (two coordinators may pick the same key), and the hash of the request's canonical JSON. */
export function caseRequestKey(callerId: string, idempotencyKey: string, request: unknown): CaseRequestKey {
  const canonical = (canonicalize as unknown as (value: unknown) => string)(request);
  // A space cannot occur in a key (visible ASCII only), so caller and key cannot run into each other.
  return { key: `${callerId} ${idempotencyKey}`, requestHash: createHash('sha256').update(canonical).digest('hex') };
}

/** The row that records the key with the case it opens, for the case's commit statement. */
export function caseRequestKeyRow(key: CaseRequestKey, caseId: string): TableRow {
  return { table: CASE_REQUEST_KEYS, values: { key: key.key, case_id: caseId, request_hash: key.requestHash } };
}

/** True when the commit failed because the key was recorded meanwhile (a request at the same moment). */
export const isCaseRequestKeyTaken = (error: unknown): boolean => sqlErrorCode(error) === '23505' && sqlConstraint(error) === 'case_request_keys_pkey';

/**
 * The case an earlier request with this key opened, or null when there was none.
 * @throws DomainError `IDEMPOTENCY.KEY_REUSED` when that request was another one
 */
export async function caseOpenedBefore(db: SqlExecutor, key: CaseRequestKey): Promise<string | null> {
  const r = await db.query<{ case_id: string; request_hash: string }>('SELECT case_id::text, request_hash FROM case_request_keys WHERE key = $1', [key.key]);
  const row = r.rows[0];
  if (!row) return null;
  if (row.request_hash !== key.requestHash) throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used before with a different request');
  return row.case_id;
}
