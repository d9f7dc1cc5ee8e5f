import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EventStore, VersionConflictError } from '#eventstore';
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

it('an append whose transaction is older than the one that wrote the stream head is refused, and succeeds when sent again', async () => {
  const streamId = `order-${randomUUID()}`;
  const early = new pg.Client({ connectionString: t.url! });
  await early.connect();
  try {
    await early.query('BEGIN');
    await early.query('INSERT INTO scratch (id) VALUES ($1)', [randomUUID()]); // this transaction has its id now
    await store.append(streamId, 0, [anEvent()]); // version 1, by a later transaction, committed
    const executor = { query: async (sql: string, params: unknown[] = []) => { const r = await early.query(sql, params); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } };
    await expect(store.appendIn(executor as never, streamId, 1, [anEvent()])).rejects.toBeInstanceOf(VersionConflictError);
    await early.query('ROLLBACK');
  } finally {
    await early.end();
  }
  await store.append(streamId, 1, [anEvent()]);
  const r = await t.db.query<{ v: number }>('SELECT stream_version AS v FROM events WHERE stream_id = $1 ORDER BY transaction_id, position', [streamId]);
  expect(r.rows.map((row) => row.v)).toEqual([1, 2]);
});

it('the same holds for an append that names the head it knows (the check in the statement)', async () => {
  const streamId = `order-${randomUUID()}`;
  const early = new pg.Client({ connectionString: t.url! });
  await early.connect();
  try {
    await early.query('BEGIN');
    await early.query('INSERT INTO scratch (id) VALUES ($1)', [randomUUID()]);
    const [head] = await store.append(streamId, 0, [anEvent()]);
    const executor = { query: async (sql: string, params: unknown[] = []) => { const r = await early.query(sql, params); return { rows: r.rows, rowCount: r.rowCount ?? 0 }; } };
    await expect(store.appendIn(executor as never, streamId, 1, [anEvent()], { knownHeadHash: head!.hash })).rejects.toBeInstanceOf(VersionConflictError);
    await early.query('ROLLBACK');
  } finally {
    await early.end();
  }
});
