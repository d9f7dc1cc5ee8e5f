/**
 * The relay's read: up to `$1` due outbox rows in id order, skipping a row while an earlier row of its key
 * waits for a retry (per-key order), each with its event row when the message is built from it.
 *
 * The due rows are chosen first and each event is then looked up by its id: joined in one step, the
 * planner may hash the whole `events` table on every poll (it did on young databases with an outbox
 * backlog), a cost that grows with every event ever recorded.
 */
export const DUE_OUTBOX_ROWS_SQL = `WITH due AS MATERIALIZED (
           SELECT o.id, o.event_id, o.topic, o.message_key, o.message_value, o.headers, o.attempts
             FROM outbox o
            WHERE o.next_attempt_at <= now()
              AND NOT EXISTS (SELECT 1 FROM outbox w WHERE w.message_key = o.message_key AND w.id < o.id AND w.next_attempt_at > now())
            ORDER BY o.id
            LIMIT $1)
         SELECT due.id::text AS id, due.event_id, due.topic, due.message_key, due.message_value, due.headers, due.attempts,
                CASE WHEN due.message_value IS NULL THEN (SELECT to_jsonb(e) - 'transaction_id' FROM events e WHERE e.id = due.event_id) END AS event
           FROM due
          ORDER BY due.id`;
