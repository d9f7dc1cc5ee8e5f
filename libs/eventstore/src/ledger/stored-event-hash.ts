import { hash as oneShotHash } from 'node:crypto';
import { eventHash } from '../event-hash.js';
import { rowToEnvelope, type EventRow } from '../event-row.js';
import { canonicalJson } from './canonical-json.js';
import { canonicalJsonFromJsonbText } from './jsonb-canonical-text.js';

/**
 * An `events` row as the verifier reads it. PostgreSQL writes the envelope's canonical JSON around the
 * payload and the two timestamps (`head`, `middle`, `tail`: keys in canonical order, text values escaped by
 * `to_json`, which escapes exactly as `JSON.stringify` does for text PostgreSQL can hold), so Node only
 * canonicalises the payload, formats the instants and hashes. The raw columns the chain checks need come
 * along. Whatever PostgreSQL writes, a hash that does not match is recomputed the reference way before it
 * is called a break, so this fast path can only be slow, never wrong.
 */
export interface LedgerEventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  prev_hash: string | null;
  hash: string;
  /** `{"actor":…,"occurredAt":"` */
  head: string;
  /** `YYYY-MM-DDTHH:MI:SS.ffffffAD` in UTC, or null for ±infinity. */
  occurred_at: string | null;
  payload: string;
  /** `,"prevHash":…,"recordedAt":"` */
  middle: string;
  recorded_at: string | null;
  /** `","specialCategory":…}` */
  tail: string;
}

const TIMESTAMP_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.USAD'`;
const json = (column: string) => `coalesce(to_json(${column})::text, 'null')`;

/** The select list that produces a `LedgerEventRow`. */
export const LEDGER_EVENT_COLUMNS = `position::text AS position, transaction_id::text AS transaction_id, stream_id, stream_version, prev_hash, hash,
  '{"actor":{"id":' || ${json('actor_id')} || ',"role":' || ${json('actor_role')} || '},"causationId":' || ${json('causation_id')}
    || ',"correlationId":' || ${json('correlation_id')} || ',"id":' || ${json('id')} || ',"legalBasis":' || ${json('legal_basis')}
    || ',"municipality":' || ${json('municipality')} || ',"occurredAt":"' AS head,
  to_char(occurred_at AT TIME ZONE 'UTC', ${TIMESTAMP_FORMAT}) AS occurred_at,
  payload::text AS payload,
  ',"prevHash":' || ${json('prev_hash')} || ',"processingActivity":' || ${json('processing_activity')} || ',"recordedAt":"' AS middle,
  to_char(recorded_at AT TIME ZONE 'UTC', ${TIMESTAMP_FORMAT}) AS recorded_at,
  '","specialCategory":' || ${json('special_category')} || ',"streamId":' || ${json('stream_id')} || ',"streamVersion":' || ${json('stream_version')}
    || ',"traceparent":' || ${json('traceparent')} || ',"type":' || ${json('type')} || ',"version":' || ${json('schema_version')} || '}' AS tail`;

/**
 * `toISOString()` of a stored timestamp, or null when it is not one an append writes: appends store
 * millisecond instants of years 0000–9999 AD, so anything with sub-millisecond digits, another era or a
 * five-digit year was written some other way.
 */
export function isoInstantOf(text: string | null): string | null {
  if (text === null || text.length !== 28 || !text.endsWith('000AD')) return null;
  return text.slice(0, 23) + 'Z';
}

/**
 * The RFC 8785 canonical JSON of the envelope a row was appended as (minus `hash` and `position`) — the
 * text `eventHash` hashed at append. Returns null when a timestamp is not in the form appends write.
 */
export function canonicalEnvelopeText(r: LedgerEventRow): string | null {
  const occurredAt = isoInstantOf(r.occurred_at);
  const recordedAt = isoInstantOf(r.recorded_at);
  if (occurredAt === null || recordedAt === null) return null;
  const payload = canonicalJsonFromJsonbText(r.payload) ?? canonicalJson(JSON.parse(r.payload));
  return r.head + occurredAt + '","payload":' + payload + r.middle + recordedAt + r.tail;
}

/**
 * The hash of a row's content, computed the fast way; null when the row cannot be put in the appended
 * form (a timestamp or payload no append writes). A result that differs from the stored hash is checked
 * again with `referenceHashOfRow` before it is called a break.
 */
export function fastHashOfRow(r: LedgerEventRow): string | null {
  let text: string | null;
  try {
    text = canonicalEnvelopeText(r);
  } catch {
    return null;
  }
  return text === null ? null : oneShotHash('sha256', text, 'hex');
}

/** The hash of a row's content the way every other reader sees it: `rowToEnvelope` + `eventHash`. Throws when it has no canonical form. */
export function referenceHashOfRow(row: EventRow): string {
  const { position: _position, hash: _hash, ...hashed } = rowToEnvelope(row);
  return eventHash(hashed);
}
