import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DomainError } from '#domain';
import { rowTable, sqlConstraint, sqlErrorCode, type SqlExecutor, type TableRow } from '#eventstore';
import type { BlindIndex } from '#security';

/** An `Idempotency-Key` of one caller's request, with the hash of that request. */
export interface RequestKey {
  key: string;
  requestHash: string;
  /** The plain SHA-256 of the canonical request, as rows stored before the thirteenth session hold it (read, never written). */
  legacyHash: string;
}

/**
 * The key as stored: the caller's own (two callers may pick the same key), and a keyed fingerprint of the
 * request's canonical JSON (the blind index's HMAC: a request holds personal data such as a BSN, which a plain
 * hash would let anyone reading the table test guesses against).
 */
export function requestKey(index: BlindIndex, callerId: string, idempotencyKey: string, request: unknown): RequestKey {
  const canonical = (canonicalize as unknown as (value: unknown) => string)(request);
  // A space cannot occur in a key (visible ASCII only), so caller and key cannot run into each other.
  return { key: `${callerId} ${idempotencyKey}`, requestHash: index.of('idempotent-request', canonical)!, legacyHash: createHash('sha256').update(canonical).digest('hex') };
}

/**
 * A table of request keys (`key` primary key, the id of what the request made or changed, `request_hash`,
 * `created_at`). A key is honoured for `IDEMPOTENCY_KEY_RETENTION_HOURS` after it was recorded (see
 * `RequestKeyWindow`); after that a request with it is a new request.
 */
export interface RequestKeyTable {
  /** The row that records the key with what its request made or changed, at `recordedAt`, for the statement that writes it. */
  row(key: RequestKey, id: string, recordedAt: Date): TableRow;
  /**
   * The id an earlier request with this key made or changed, or null when there was none or its key was recorded
   * before `expiredBefore`. An expired row is deleted in the same statement, so this request can record the key anew.
   * @throws DomainError `IDEMPOTENCY.KEY_REUSED` when that request was another one
   */
  earlier(db: SqlExecutor, key: RequestKey, expiredBefore: Date): Promise<string | null>;
  /** True when a write failed because the key was recorded meanwhile (a request at the same moment). */
  isTaken(error: unknown): boolean;
}

/** The request keys of `table`, whose id column is `idColumn` (a uuid). */
export function requestKeyTable(table: string, idColumn: string): RequestKeyTable {
  const columns = rowTable(table, { key: 'text', [idColumn]: 'uuid', request_hash: 'text', created_at: 'timestamptz' });
  // Both parts of the statement see the table as it was before it, so the SELECT leaves the expired row out itself.
  const select = `
    WITH expired AS (DELETE FROM ${table} WHERE key = $1 AND created_at < $2)
    SELECT ${idColumn}::text AS id, request_hash FROM ${table} WHERE key = $1 AND created_at >= $2`;
  return {
    row: (key, id, recordedAt) => ({ table: columns, values: { key: key.key, [idColumn]: id, request_hash: key.requestHash, created_at: recordedAt.toISOString() } }),
    async earlier(db, key, expiredBefore) {
      const row = (await db.query<{ id: string; request_hash: string }>(select, [key.key, expiredBefore.toISOString()])).rows[0];
      if (!row) return null;
      if (row.request_hash !== key.requestHash && row.request_hash !== key.legacyHash) throw new DomainError('IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used before with a different request');
      return row.id;
    },
    isTaken: (error) => sqlErrorCode(error) === '23505' && sqlConstraint(error) === `${table}_pkey`,
  };
}
