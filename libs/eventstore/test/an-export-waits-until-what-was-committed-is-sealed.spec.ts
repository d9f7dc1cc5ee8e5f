import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EventStore, LedgerCheckpointer, lastCheckpoint } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * An export seals its newest event before it goes out (`sealThrough`), so its events come with their checkpoint proof.
 * The checkpointer seals only below the oldest transaction in flight on the whole server (no late commit is ever
 * skipped), so one flush is not enough while another transaction is open anywhere: it flushes again until the chain
 * reaches that event, and says so when it cannot within its time.
 */

let t: TestDatabase;
let store: EventStore;
let blocker: pg.Client;

beforeAll(async () => {
  t = await createTestDatabase();
  if (!t.url) throw new Error('this test holds a transaction open on a connection of its own: it needs PostgreSQL');
  store = new EventStore(t.db);
  blocker = new pg.Client({ connectionString: t.url });
  await blocker.connect();
});

afterAll(async () => {
  await blocker?.end();
  await t?.drop();
});

describe('sealing what was committed before an export', () => {
  it('waits for a transaction in flight to end, then seals the head; gives up after its time, saying so', async () => {
    const checkpointer = new LedgerCheckpointer(t.db, { every: 1000 });
    await store.append(`s-${Date.now()}`, 0, [anEvent()]);
    // A transaction with an id, open while the export runs: the horizon stays below it until it ends.
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    const stream = `s-${Date.now()}-late`;
    await store.append(stream, 0, [anEvent()]);

    const [late] = await t.db.query<{ transaction_id: string; position: string }>('SELECT transaction_id::text, position::text FROM events WHERE stream_id = $1', [stream]).then((r) => r.rows);
    const through = { transactionId: late!.transaction_id, position: late!.position };
    expect(await checkpointer.sealThrough(through, { timeoutMs: 300 })).toBe(false);
    const before = await lastCheckpoint(t.db);
    expect(before === null || BigInt(before.to.transactionId) < BigInt(late!.transaction_id)).toBe(true);

    const sealing = checkpointer.sealThrough(through, { timeoutMs: 10_000 });
    setTimeout(() => void blocker.query('COMMIT'), 200);
    expect(await sealing).toBe(true);
    const after = (await lastCheckpoint(t.db))!;
    expect(BigInt(after.to.transactionId) >= BigInt(late!.transaction_id)).toBe(true);
  });

  it('an event the chain seals already: at once, without waiting', async () => {
    const checkpointer = new LedgerCheckpointer(t.db, { every: 1000 });
    const last = (await lastCheckpoint(t.db))!;
    // A wait would be a minute long (pollMs), far past the test's time limit.
    expect(await checkpointer.sealThrough(last.to, { timeoutMs: 120_000, pollMs: 60_000 })).toBe(true);
  });
});
