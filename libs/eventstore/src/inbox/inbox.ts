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
}
