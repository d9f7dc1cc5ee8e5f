import { randomUUID } from 'node:crypto';
import { EventStore, VersionConflictError, eventHash, START_CURSOR, type ReadCursor, type StoredEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

let t: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  t = await createTestDatabase();
  store = new EventStore(t.db);
});
afterAll(async () => t?.drop());

describe('append with expected version', () => {
  it('appends to a new stream at expected version 0 and numbers the events', async () => {
    const stream = `s-${randomUUID()}`;
    const stored = await store.append(stream, 0, [anEvent(), anEvent()]);
    expect(stored.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('refuses a stale expected version with EVENTSTORE.VERSION_CONFLICT and appends nothing', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 0, [anEvent()]);
    const attempt = store.append(stream, 0, [anEvent()]);
    await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
    await expect(attempt).rejects.toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT', details: { expectedVersion: 0, actualVersion: 1 } });
    await expect(store.append(stream, 5, [anEvent()])).rejects.toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT' });
    expect(await store.streamVersion(stream)).toBe(1);
  });

  it('lets exactly one of two concurrent writers at the same version win', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 0, [anEvent()]);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.append(stream, 1, [anEvent()])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT', details: { actualVersion: 2 } });
    }
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('an empty append changes nothing', async () => {
    const stream = `s-${randomUUID()}`;
    expect(await store.append(stream, 0, [])).toEqual([]);
    expect(await store.streamVersion(stream)).toBe(0);
  });
});

describe('append with a known head hash', () => {
  it('chains to the given head without reading it, and refuses a head hash that is not the stream head', async () => {
    const stream = `s-${randomUUID()}`;
    const [first] = await store.append(stream, 0, [anEvent()]);
    const [second] = await store.appendIn(t.db, stream, 1, [anEvent()], { knownHeadHash: first!.hash });
    expect(second!.prevHash).toBe(first!.hash);
    await expect(store.appendIn(t.db, stream, 2, [anEvent()], { knownHeadHash: first!.hash })).rejects.toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT' });
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('passes the events being appended to the extra writes, so a read model can keep the new head hash', async () => {
    const stream = `s-${randomUUID()}`;
    await t.db.query('CREATE TABLE IF NOT EXISTS heads (stream_id text PRIMARY KEY, hash text)');
    const [e] = await store.appendIn(t.db, stream, 0, [anEvent()], {
      alsoInsert: [(param, appended) => `INSERT INTO heads VALUES (${param(stream)}, ${param(appended[appended.length - 1]!.hash)})`],
    });
    expect((await t.db.query('SELECT hash FROM heads WHERE stream_id = $1', [stream])).rows).toEqual([{ hash: e!.hash }]);
  });
});

describe('hash chain', () => {
  it('seals each event with the hash of its predecessor in the stream', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 0, [anEvent({ payload: { a: 1 } })]);
    await store.append(stream, 1, [anEvent({ payload: { b: [1, 'x', null] } }), anEvent()]);
    const events = await store.readStream(stream);
    expect(events[0]!.prevHash).toBeNull();
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(events[2]!.prevHash).toBe(events[1]!.hash);
    for (const e of events) {
      const { hash, position, ...rest } = e;
      expect(eventHash(rest)).toBe(hash);
    }
  });

  it('the database refuses updates and deletes of events', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 0, [anEvent()]);
    await expect(t.db.query(`UPDATE events SET payload = '{}' WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM events WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
  });
});

describe('global order', () => {
  it('a reader polling during many concurrent writers with random rollbacks sees every committed event exactly once', async () => {
    const committed = new Set<string>();
    const seen: StoredEvent[] = [];
    let cursor: ReadCursor = START_CURSOR;
    let writing = true;

    // Transaction ids are cluster-wide: another database's open transaction holds the reader back (safely),
    // so "caught up" means: writers done and every committed row of these streams seen, within a deadline.
    const committedRows = async () => Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE stream_id LIKE 'order-%'")).rows[0]!.n);
    const reader = (async () => {
      const deadline = Date.now() + 60_000;
      while (true) {
        const done = !writing;
        const batch = await store.readAll(cursor, 500);
        for (const e of batch) seen.push(e);
        if (batch.length > 0) cursor = batch[batch.length - 1]!.cursor;
        if (done && batch.length === 0 && seen.filter((e) => e.streamId.startsWith('order-')).length >= (await committedRows())) break;
        if (Date.now() > deadline) throw new Error('reader did not catch up with the committed events');
        if (batch.length === 0) await new Promise((r) => setTimeout(r, done ? 20 : 0));
      }
    })();

    const streams = Array.from({ length: 12 }, () => `order-${randomUUID()}`);
    const versions = new Map<string, number>(streams.map((s) => [s, 0]));
    let rolledBack = 0;
    const writer = async (w: number) => {
      for (let i = 0; i < 40; i++) {
        const stream = streams[(w * 7 + i) % streams.length]!;
        const rollback = Math.random() < 0.25;
        try {
          await t.db.transaction(async (tx) => {
            const expected = await store.streamVersion(stream, tx);
            const events = [anEvent(), anEvent()];
            await store.appendIn(tx, stream, expected, events);
            // Hold the transaction open for a while so later transactions commit before it.
            await new Promise((r) => setTimeout(r, Math.random() * 15));
            if (rollback) throw new Error('random rollback');
            for (const e of events) committed.add(e.id);
          });
        } catch (error) {
          if ((error as Error).message === 'random rollback') rolledBack++;
          else if (!(error instanceof VersionConflictError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    await reader;

    const mine = seen.filter((e) => e.streamId.startsWith('order-'));
    expect(rolledBack).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
    expect(new Set(mine.map((e) => e.id))).toEqual(committed);
    // Per stream, the reader sees versions in order with no gaps.
    for (const s of streams) {
      const vs = mine.filter((e) => e.streamId === s).map((e) => e.streamVersion);
      expect(vs).toEqual(vs.map((_, i) => i + 1));
      versions.set(s, vs.length);
    }
  });
});
