import type { SqlExecutor } from '../database/sql-executor.js';
import { START_CURSOR, type ReadCursor } from '../event-store.js';

/** Projection checkpoints: where each read model stands in the global commit order. */
export class CheckpointStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(name: string, tx: SqlExecutor = this.db): Promise<ReadCursor> {
    const r = await tx.query<{ transaction_id: string; position: string }>(
      'SELECT transaction_id::text AS transaction_id, position::text AS position FROM checkpoints WHERE name = $1',
      [name],
    );
    const row = r.rows[0];
    return row ? { transactionId: row.transaction_id, position: row.position } : START_CURSOR;
  }

  /** Saves the checkpoint; call it in the same transaction as the projection's writes. */
  async save(tx: SqlExecutor, name: string, cursor: ReadCursor): Promise<void> {
    await tx.query(
      `INSERT INTO checkpoints (name, transaction_id, position, updated_at) VALUES ($1, $2::xid8, $3::bigint, now())
       ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()`,
      [name, cursor.transactionId, cursor.position],
    );
  }

  async reset(tx: SqlExecutor, name: string): Promise<void> {
    await tx.query('DELETE FROM checkpoints WHERE name = $1', [name]);
  }
}
