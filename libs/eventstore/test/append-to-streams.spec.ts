import { randomUUID } from 'node:crypto';
import { EventStore, VersionConflictError, type SqlExecutor } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('appendToStreams on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
  });
  afterAll(async () => t?.drop());

  /** The database, counting the statements sent through it. */
  function counting(): { db: SqlExecutor; statements: () => number } {
    let n = 0;
    return {
      db: { query: (sql, params) => (n++, t.db.query(sql, params)) },
      statements: () => n,
    };
  }

  async function streamAt(version: number): Promise<{ streamId: string; hash: string }> {
    const streamId = `s-${randomUUID()}`;
    const stored = await store.append(streamId, 0, Array.from({ length: version }, () => anEvent()));
    return { streamId, hash: stored[stored.length - 1]!.hash };
  }

  const transactionsOf = async (streamIds: string[]): Promise<number> =>
    Number((await t.db.query<{ n: string }>('SELECT count(DISTINCT transaction_id)::text AS n FROM events WHERE stream_id = ANY($1::text[]) AND stream_version > 1', [streamIds])).rows[0]!.n);

  it('appends to several streams in one statement, each chained to its own head', async () => {
    const a = await streamAt(1);
    const b = await streamAt(1);
    const fresh = `s-${randomUUID()}`;
    const { db, statements } = counting();
    const results = await store.appendToStreams(db, [
      { streamId: a.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: a.hash, topic: 't' } },
      { streamId: b.streamId, expectedVersion: 1, events: [anEvent(), anEvent()], options: { knownHeadHash: b.hash } },
      { streamId: fresh, expectedVersion: 0, events: [anEvent()] },
    ]);
    expect(statements()).toBe(1);
    expect(results.map((r) => r.events?.map((e) => [e.streamVersion, e.prevHash === null]))).toEqual([[[2, false]], [[2, false], [3, false]], [[1, true]]]);
    expect(results[0]!.events![0]!.prevHash).toBe(a.hash);
    expect(results[1]!.events![0]!.prevHash).toBe(b.hash);
    expect(await transactionsOf([a.streamId, b.streamId])).toBe(1);
    const outbox = await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox WHERE message_key = $1', [a.streamId]);
    expect(outbox.rows[0]!.n).toBe('1');
  });

  it('refuses only the stream that moved on; the others are appended together', async () => {
    const moved = await streamAt(3);
    const b = await streamAt(1);
    const c = await streamAt(1);
    const results = await store.appendToStreams(t.db, [
      { streamId: b.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: b.hash } },
      { streamId: moved.streamId, expectedVersion: 2, events: [anEvent()], options: { knownHeadHash: 'stale-hash' } },
      { streamId: c.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: c.hash } },
    ]);
    expect(results[1]!.conflict).toBeInstanceOf(VersionConflictError);
    expect(results[1]!.conflict).toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT', details: { streamId: moved.streamId, expectedVersion: 2, actualVersion: 3 } });
    expect([results[0]!.events?.[0]?.streamVersion, results[2]!.events?.[0]?.streamVersion]).toEqual([2, 2]);
    expect(await store.streamVersion(moved.streamId)).toBe(3);
    expect(await transactionsOf([b.streamId, c.streamId])).toBe(1);
  });

  it('a wrong head hash at the right version is a conflict of that stream alone', async () => {
    const forged = await streamAt(1);
    const b = await streamAt(1);
    const results = await store.appendToStreams(t.db, [
      { streamId: forged.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: 'f'.repeat(64) } },
      { streamId: b.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: b.hash } },
    ]);
    expect(results[0]!.conflict).toMatchObject({ details: { actualVersion: 1 } });
    expect(results[1]!.events).toHaveLength(1);
    expect(await store.streamVersion(forged.streamId)).toBe(1);
  });

  it('a new stream that exists already is a conflict; a stream without a known head is read and chained', async () => {
    const existing = await streamAt(2);
    const unknownHead = await streamAt(1);
    const results = await store.appendToStreams(t.db, [
      { streamId: existing.streamId, expectedVersion: 0, events: [anEvent()] },
      { streamId: unknownHead.streamId, expectedVersion: 1, events: [anEvent()] },
    ]);
    expect(results[0]!.conflict).toMatchObject({ details: { expectedVersion: 0, actualVersion: 2 } });
    expect(results[1]!.events![0]).toMatchObject({ streamVersion: 2, prevHash: unknownHead.hash });
  });

  it('takes one item per stream', async () => {
    const a = await streamAt(1);
    const item = { streamId: a.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: a.hash } };
    await expect(store.appendToStreams(t.db, [item, { ...item, events: [anEvent()] }])).rejects.toBeInstanceOf(RangeError);
    expect(await store.streamVersion(a.streamId)).toBe(1);
  });

  it('fails as a whole on an error that is not a version conflict, storing nothing', async () => {
    const a = await streamAt(1);
    const b = await streamAt(1);
    const attempt = store.appendToStreams(t.db, [
      { streamId: a.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: a.hash } },
      { streamId: b.streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: b.hash, alsoInsert: [(param) => `INSERT INTO outbox (event_id, topic, message_key) VALUES (${param('not-a-uuid')}::uuid, 't', 'k')`] } },
    ]);
    await expect(attempt).rejects.toMatchObject({ code: '22P02' });
    expect([await store.streamVersion(a.streamId), await store.streamVersion(b.streamId)]).toEqual([1, 1]);
  });
});
