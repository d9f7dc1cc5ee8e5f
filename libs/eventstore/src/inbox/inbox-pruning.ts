import type { Database } from '../database/sql-executor.js';

/** Which inbox rows to forget: those of `consumers` processed before `processedBefore`. */
export interface InboxPruning {
  consumers: readonly string[];
  processedBefore: Date;
  /** Rows per statement (each statement is its own short transaction). Default 5,000. */
  batchSize?: number;
}

const PRUNE_SQL = `
  DELETE FROM inbox WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM inbox WHERE processed_at < $2 AND consumer = ANY($1::text[]) LIMIT $3))`;

/**
 * Deletes inbox rows old enough that their message can no longer be delivered again, in batches, and returns
 * how many. Only safe for consumers whose topics drop messages sooner (see the platform's retention check):
 * a message delivered after its inbox row is gone would be applied twice.
 */
export async function pruneInbox(db: Database, pruning: InboxPruning): Promise<number> {
  const batchSize = pruning.batchSize ?? 5_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  if (pruning.consumers.length === 0) return 0;
  let pruned = 0;
  for (;;) {
    const result = await db.query(PRUNE_SQL, [[...pruning.consumers], pruning.processedBefore.toISOString(), batchSize]);
    pruned += result.rowCount;
    if (result.rowCount < batchSize) return pruned;
  }
}
