import type { SqlExecutor } from '#eventstore';

/**
 * The release step every wait list for signal facts shares (`tables_pending_referrals`,
 * `tables_pending_escalation_facts`): strikes the signals whose facts were just recorded off every waiting row's
 * `waiting_for`, and deletes and returns the rows that wait for nothing any more, oldest first. The rows it
 * touches are locked, so several facts of one row arriving in parallel meet there: the one that empties
 * `waiting_for` gets the row. `table` and `key` are this app's own identifiers, never input.
 */
export async function releaseArrived<Row extends Record<string, unknown>>(tx: SqlExecutor, table: string, key: string, arrived: readonly string[]): Promise<Row[]> {
  if (arrived.length === 0) return [];
  const r = await tx.query<Row>(
    `WITH locked AS (
       SELECT ${key}, parked_at, ARRAY(SELECT w FROM unnest(waiting_for) AS w WHERE w <> ALL($1::text[])) AS rest
         FROM ${table} WHERE waiting_for && $1::text[] ORDER BY ${key} FOR UPDATE
     ), kept AS (
       UPDATE ${table} p SET waiting_for = l.rest FROM locked l WHERE p.${key} = l.${key} AND cardinality(l.rest) > 0
     ), done AS (
       DELETE FROM ${table} p USING locked l WHERE p.${key} = l.${key} AND cardinality(l.rest) = 0
       RETURNING p.*
     )
     SELECT * FROM done ORDER BY parked_at, ${key}`,
    [[...new Set(arrived)]],
  );
  return r.rows;
}
