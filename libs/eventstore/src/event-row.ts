import type { EventEnvelope } from '#contracts';

/** A row of the `events` table as the driver returns it. */
export interface EventRow {
  position: string;
  transaction_id: string;
  id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: Date | string;
  recorded_at: Date | string;
  municipality: string | null;
  actor_id: string;
  actor_role: string;
  correlation_id: string;
  causation_id: string | null;
  traceparent: string | null;
  processing_activity: string;
  legal_basis: string;
  special_category: boolean;
  payload: Record<string, unknown> | string;
  prev_hash: string | null;
  hash: string;
}

export const EVENT_COLUMNS =
  'position::text AS position, transaction_id::text AS transaction_id, id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, municipality, actor_id, actor_role, correlation_id, causation_id, traceparent, processing_activity, legal_basis, special_category, payload, prev_hash, hash';

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Maps a stored row back to the envelope it was appended as. */
export function rowToEnvelope(row: EventRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    version: row.schema_version,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: row.position,
    occurredAt: iso(row.occurred_at),
    recordedAt: iso(row.recorded_at),
    municipality: row.municipality,
    actor: { id: row.actor_id, role: row.actor_role as EventEnvelope['actor']['role'] },
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    traceparent: row.traceparent,
    processingActivity: row.processing_activity,
    legalBasis: row.legal_basis,
    specialCategory: row.special_category,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
