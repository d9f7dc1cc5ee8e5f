/**
 * Worker thread of `LedgerVerifier`: verifies the stream chains of one part of the ledger (`copyScanChains`)
 * on a connection of its own, so hashing runs on several cores. Messages: `{ progress }` now and then, then
 * `{ result }` (or the worker fails with the error).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { copyScanChains, type StreamPart } from './copy-chain-scan.js';

interface ChainScanJob {
  databaseUrl: string;
  part: StreamPart;
}

const job = workerData as ChainScanJob;
const client = new pg.Client({ connectionString: job.databaseUrl, application_name: 'signaalroute-ledger-verify' });
await client.connect();
try {
  const result = await copyScanChains(client, job.part, (events) => parentPort!.postMessage({ progress: events }));
  parentPort!.postMessage({ result });
} finally {
  await client.end();
}
