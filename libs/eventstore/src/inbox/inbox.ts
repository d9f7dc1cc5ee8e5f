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

  /** Runs `effect` unless this consumer already processed `messageId`. Returns false for a duplicate. */
  async handleOnce(messageId: string, effect: (tx: SqlExecutor) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const claimed = await tx.query('INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS claimed', [
        this.consumer,
        messageId,
      ]);
      if (claimed.rows.length === 0) return false;
      await effect(tx);
      return true;
    });
  }

  /**
   * The same guarantee in one SQL statement (one round trip): `effect` builds an INSERT/UPDATE that must
   * only take effect when the claim succeeded — guard it with `WHERE EXISTS (SELECT 1 FROM claimed)`.
   * Values are bound through `param`, which returns the placeholder.
   */
  async handleOnceInStatement(messageId: string, effect: (param: (value: unknown) => string) => string): Promise<boolean> {
    const params: unknown[] = [this.consumer, messageId];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const effectSql = effect(param);
    const r = await this.db.query<{ claimed: boolean }>(
      `WITH claimed AS (INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1),
            effect AS (${effectSql})
       SELECT EXISTS (SELECT 1 FROM claimed) AS claimed`,
      params,
    );
    return r.rows[0]?.claimed === true;
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
