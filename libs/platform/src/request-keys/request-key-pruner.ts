import type { Logger } from 'pino';
import type { Database } from '#eventstore';
import { PeriodicTask } from '../scheduling/periodic-task.js';
import { firstPruneDelayMs } from '../scheduling/first-prune-delay.js';
import type { RequestKeyWindow } from './request-key-expiry.js';

/** How often the pruner looks for expired request keys (as the inbox pruner does for old inbox rows). */
export const REQUEST_KEY_PRUNE_INTERVAL_MS = 3_600_000;

/** Rows per DELETE: each is its own short transaction, so pruning never holds many row locks for long. */
const PRUNE_BATCH_SIZE = 1_000;

/**
 * A table of request keys that expire: each row was recorded at its `created_at`. `rows`, when given, is the SQL
 * condition that picks the expiring keys among other rows of the table. Both are constants of the app that owns
 * the table, never built from values.
 */
export interface ExpiringRequestKeys {
  table: string;
  rows?: string;
}

function pruneSql(keys: ExpiringRequestKeys): string {
  const where = `created_at < $1${keys.rows ? ` AND (${keys.rows})` : ''}`;
  return `DELETE FROM ${keys.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${keys.table} WHERE ${where} LIMIT $2))`;
}

/** Deletes the keys of `tables` recorded before `expiredBefore`, a batch per statement, and returns how many. */
export async function pruneExpiredRequestKeys(db: Database, tables: readonly ExpiringRequestKeys[], expiredBefore: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer (got ${batchSize})`);
  let pruned = 0;
  for (const keys of tables) {
    const sql = pruneSql(keys);
    for (;;) {
      const result = await db.query(sql, [expiredBefore.toISOString(), batchSize]);
      pruned += result.rowCount;
      if (result.rowCount < batchSize) break;
    }
  }
  return pruned;
}

export interface RequestKeyPrunerOptions {
  /** The request-key tables of the apps in this process. */
  tables: readonly ExpiringRequestKeys[];
  window: RequestKeyWindow;
  logger: Logger;
  /** When the first round comes after start (default `firstPruneDelayMs()`). */
  firstRoundAfterMs?: number;
}

/**
 * Deletes request keys once they have expired (`IDEMPOTENCY_KEY_RETENTION_HOURS`), so the key tables do not grow
 * with every keyed request ever made. The lookups do not depend on it: they honour no expired key, pruned or not.
 * A failed round is logged and the next one comes as usual.
 */
export class RequestKeyPruner {
  private readonly task: PeriodicTask<[], number>;

  constructor(
    private readonly db: Database,
    private readonly options: RequestKeyPrunerOptions,
  ) {
    this.task = new PeriodicTask(() => this.prune(), REQUEST_KEY_PRUNE_INTERVAL_MS, (error) =>
      options.logger.warn({ component: 'request-key-pruner', err: error }, 'request key pruning failed; it is tried again at the next round'),
    );
  }

  start(): void {
    if (this.options.tables.length > 0) this.task.start(this.options.firstRoundAfterMs ?? firstPruneDelayMs());
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One round now (after any round in progress); returns how many keys were deleted. */
  runNow(): Promise<number> {
    return this.task.runNow();
  }

  private async prune(): Promise<number> {
    const expiredBefore = this.options.window.expiredBefore();
    const pruned = await pruneExpiredRequestKeys(this.db, this.options.tables, expiredBefore);
    if (pruned > 0) this.options.logger.info({ component: 'request-key-pruner', pruned, expiredBefore }, 'pruned expired request keys');
    return pruned;
  }
}
