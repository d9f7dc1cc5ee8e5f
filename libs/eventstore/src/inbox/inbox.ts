import type { Database, SqlExecutor } from '../database/sql-executor.js';

/**
 * Exactly-once effects on top of at-least-once delivery: the message id is the inbox's primary key,
 * and the consumer's effect commits in the same transaction as the inbox row.
 */
export class Inbox {
  constructor(
    private readonly db: Database,
    private readonly consumer: string,
  ) {}

  /**
   * Applies `effect` unless this consumer already processed `messageId`, in one SQL statement (one round
   * trip), and returns false for a duplicate. `effect` builds an INSERT/UPDATE that must
   * only take effect when the claim succeeded — guard it with `WHERE EXISTS (SELECT 1 FROM claimed)`.
   * Values are bound through `param`, which returns the placeholder.
   */
  async handleOnceInStatement(messageId: string, effect: (param: (value: unknown) => string) => string): Promise<boolean> {
    return (await this.claimAndApply(messageId, effect, false)).claimed;
  }

  /**
   * {@link handleOnceInStatement} for an effect that ends in `RETURNING`: also tells whether it wrote a row (an
   * `UPDATE` may find none).
   */
  async handleOnceInStatementReporting(messageId: string, effect: (param: (value: unknown) => string) => string): Promise<{ claimed: boolean; wrote: boolean }> {
    return this.claimAndApply(messageId, effect, true);
  }

  private async claimAndApply(messageId: string, effect: (param: (value: unknown) => string) => string, reportWrite: boolean): Promise<{ claimed: boolean; wrote: boolean }> {
    const params: unknown[] = [this.consumer, messageId];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const effectSql = effect(param);
    const r = await this.db.query<{ claimed: boolean; wrote?: boolean }>(
      `WITH claimed AS (INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1),
            effect AS (${effectSql})
       SELECT EXISTS (SELECT 1 FROM claimed) AS claimed${reportWrite ? ', EXISTS (SELECT 1 FROM effect) AS wrote' : ''}`,
      params,
    );
    return { claimed: r.rows[0]?.claimed === true, wrote: r.rows[0]?.wrote === true };
  }

  /**
   * The batch form of {@link handleOnceInStatement}: claims `messageIds` and runs `effect` in one statement.
   * The claimed ids are the `message_id` column of the CTE `claimed`; guard the effect with
   * `WHERE <id> IN (SELECT message_id FROM claimed)`. The effect follows `WITH claimed AS (…)` directly, so it
   * may begin with more CTEs (`, name AS (…) UPDATE …`).
   */
  async handleBatchInStatement(messageIds: readonly string[], effect: (param: (value: unknown) => string) => string): Promise<void> {
    if (messageIds.length === 0) return;
    const params: unknown[] = [this.consumer, [...new Set(messageIds)]];
    const param = (value: unknown): string => `$${params.push(value)}`;
    await this.db.query(
      `WITH claimed AS (INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id) ${effect(param)}`,
      params,
    );
  }

  /**
   * Claims a batch of message ids inside the caller's transaction and returns the ids that were not
   * processed before; the caller applies exactly those in the same transaction.
   */
  async claimBatch(tx: SqlExecutor, messageIds: readonly string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const r = await tx.query<{ message_id: string }>(
      'INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING message_id',
      [this.consumer, [...new Set(messageIds)]],
    );
    return new Set(r.rows.map((row) => row.message_id));
  }
}
