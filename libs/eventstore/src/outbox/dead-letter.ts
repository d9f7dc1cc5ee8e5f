import type { SqlExecutor } from '../database/sql-executor.js';

export interface DeadLetter {
  origin: string;
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  errorCode: string;
  error: string;
  attempts: number;
}

/** Records a message nobody could process, in the `dead_letters` table a person can query. */
export async function recordDeadLetter(tx: SqlExecutor, d: DeadLetter): Promise<void> {
  await tx.query(
    `INSERT INTO dead_letters (origin, topic, message_key, message_value, headers, error_code, error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.origin, d.topic, d.key, d.value, JSON.stringify(d.headers), d.errorCode, d.error.slice(0, 2000), d.attempts],
  );
}
