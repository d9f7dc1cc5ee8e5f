/**
 * Worker thread of `LedgerVerifier`: verifies the stream chains of one part of the stream id space on a
 * connection of its own, so hashing runs on several cores. Messages: `{ progress }` now and then, then
 * `{ result }` (or the worker fails with the error).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { SqlExecutor } from '../database/sql-executor.js';
import { scanChains, type StreamRange } from './chain-scan.js';

interface ChainScanJob {
  databaseUrl: string;
  range: StreamRange;
  batchSize: number;
}

const job = workerData as ChainScanJob;
const client = new pg.Client({ connectionString: job.databaseUrl, application_name: 'signaalroute-ledger-verify' });
await client.connect();
try {
  const db: SqlExecutor = {
    query: async <T>(sql: string, params: unknown[] = []) => {
      const r = await client.query(sql, params);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  };
  const result = await scanChains(db, job.range, job.batchSize, (events) => parentPort!.postMessage({ progress: events }));
  parentPort!.postMessage({ result });
} finally {
  await client.end();
}
