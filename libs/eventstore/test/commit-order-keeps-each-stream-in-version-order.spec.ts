import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventEnvelope } from '#contracts';
import { EventStore, VersionConflictError, type SqlExecutor } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * Readers consume in (transaction id, position) order, and a transaction gets its id at its first write. A writer
 * that wrote something else first (a vault access row, a destroyed key) and then appends the stream's next version
 * could hold an older transaction id than the writer of the version before it: replays and the checkpointer would
 * then read version n+1 before version n. Such an append is refused as a version conflict: sent again, it runs
 * in a new transaction, with a newer id.
 */
let t: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  t = await createTestDatabase();
  store = new EventStore(t.db);
  await t.db.query('CREATE TABLE scratch (id uuid PRIMARY KEY)');
});
afterAll(async () => t?.drop());

/**
 * Runs `work` in a transaction that got its id (by a write) before a later one appended version 1 of a new stream;
 * `work` gets that older transaction and the version 1 head. The transaction is rolled back after.
 */
async function inAnOlderTransaction(work: (older: SqlExecutor, streamId: string, head: EventEnvelope) => Promise<void>): Promise<string> {
  const streamId = `order-${randomUUID()}`;
  const older = new pg.Client({ connectionString: t.url! });
  await older.connect();
  try {
    await older.query('BEGIN');
    await older.query('INSERT INTO scratch (id) VALUES ($1)', [randomUUID()]); // this transaction has its id now
    const [head] = await store.append(streamId, 0, [anEvent()]); // version 1, by a later transaction, committed
    const executor: SqlExecutor = { query: async <T>(sql: string, params: unknown[] = []) => { const r = await older.query(sql, params); return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 }; } };
    await work(executor, streamId, head!);
    await older.query('ROLLBACK');
  } finally {
    await older.end();
  }
  return streamId;
}

it('an append whose transaction is older than the one that wrote the stream head is refused, and succeeds when sent again', async () => {
  const streamId = await inAnOlderTransaction((older, id) => expect(store.appendIn(older, id, 1, [anEvent()])).rejects.toBeInstanceOf(VersionConflictError));
  await store.append(streamId, 1, [anEvent()]);
  const r = await t.db.query<{ v: number }>('SELECT stream_version AS v FROM events WHERE stream_id = $1 ORDER BY transaction_id, position', [streamId]);
  expect(r.rows.map((row) => row.v)).toEqual([1, 2]);
});

it('the same holds for an append that names the head it knows (the check in the statement)', async () => {
  await inAnOlderTransaction((older, id, head) => expect(store.appendIn(older, id, 1, [anEvent()], { knownHeadHash: head.hash })).rejects.toBeInstanceOf(VersionConflictError));
});
