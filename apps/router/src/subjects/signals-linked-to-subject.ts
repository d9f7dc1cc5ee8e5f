import { SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE } from '#domain';
import type { SqlExecutor } from '#eventstore';

/**
 * The signals whose latest link names the subject, read from the signals' own streams — the source of record,
 * not the router's Kafka-fed read model, which may not have applied a new link or a move to another subject
 * yet. In signal-id order.
 */
export async function signalsLinkedToSubject(tx: SqlExecutor, subjectId: string): Promise<string[]> {
  const r = await tx.query<{ signal_id: string }>(
    `WITH ever AS (
       SELECT DISTINCT 'signal-' || (payload->>'signalId') AS stream_id FROM events
        WHERE type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}' AND payload->>'subjectId' = $1
     ), latest AS (
       SELECT DISTINCT ON (e.stream_id) e.payload->>'signalId' AS signal_id, e.payload->>'subjectId' AS subject_id
         FROM events e JOIN ever USING (stream_id)
        WHERE e.type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}'
        ORDER BY e.stream_id, e.stream_version DESC
     )
     SELECT signal_id FROM latest WHERE subject_id = $1 ORDER BY signal_id`,
    [subjectId],
  );
  return r.rows.map((row) => row.signal_id);
}
