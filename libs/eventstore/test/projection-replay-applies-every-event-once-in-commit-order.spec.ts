import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '#contracts';
import { EventStore, ProjectionReplayer, type ProjectionDefinition } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * Whatever the batch size and whatever writers do meanwhile, every event of the projection's types
 * reaches `apply` exactly once, in global commit order (the replay-equals-live tests use one batch).
 */
describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('a projection replay on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;
  const seen: EventEnvelope[] = [];

  const counting: ProjectionDefinition = {
    name: 'replay-probe',
    description: 'counts the events it is given',
    tables: [{ name: 'replay_probe', primaryKey: ['event_id'] }],
    eventTypes: ['ProbeCounted'],
    apply: async (tx, events, tables) => {
      seen.push(...events);
      if (events.length === 0) return;
      await tx.query(`INSERT INTO "${tables.replay_probe}" (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
    },
  };

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
    await t.db.query('CREATE TABLE replay_probe (event_id uuid PRIMARY KEY)');
  });
  afterAll(async () => t?.drop());
  beforeEach(() => {
    seen.length = 0;
  });

  async function appendProbes(streams: number, perStream: number, otherEveryN = 3): Promise<string[]> {
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: streams }, async () => {
        const streamId = `probe-${randomUUID()}`;
        for (let v = 0; v < perStream; v++) {
          const type = v % otherEveryN === 0 ? 'SomethingElse' : 'ProbeCounted';
          const event = anEvent({ type });
          await store.append(streamId, v, [event]);
          if (type === 'ProbeCounted') ids.push(event.id);
        }
      }),
    );
    return ids;
  }

  const positions = (events: EventEnvelope[]) => events.map((e) => BigInt(e.position));

  /**
   * Waits until every event committed so far lies below the oldest transaction in flight on the server: a
   * replay reads only there (so it never skips a late commit), and a long write in another test file's
   * database can hold that back for a moment.
   */
  async function horizonPassesTheLog(): Promise<void> {
    for (const started = Date.now(); Date.now() - started < 30_000; await new Promise((r) => setTimeout(r, 50))) {
      const r = await t.db.query<{ passed: boolean }>('SELECT coalesce((SELECT max(transaction_id) FROM events) < pg_snapshot_xmin(pg_current_snapshot()), true) AS passed');
      if (r.rows[0]!.passed) return;
    }
    throw new Error('the oldest-transaction-in-flight horizon did not pass the log within 30 s');
  }
  const ascending = (xs: bigint[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

  it('applies every event of its types once, in commit order, across many small batches', async () => {
    const ids = await appendProbes(12, 20);
    await horizonPassesTheLog();
    const report = await new ProjectionReplayer(t.db, [counting]).replay('replay-probe', { batchSize: 7 });
    const applied = seen.filter((e) => ids.includes(e.id));
    expect(applied.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.every((e) => e.type === 'ProbeCounted')).toBe(true);
    // Commit order: the log's positions, which follow commit order here (appends commit one at a time per stream).
    const { rows } = await t.db.query<{ id: string }>('SELECT id::text AS id FROM events WHERE type = $1 ORDER BY transaction_id, position', ['ProbeCounted']);
    expect(seen.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(report.eventsRead).toBe(rows.length);
  });

  it('with writers appending during the replay, still applies each event once and in order, and reaches what was committed before it began', async () => {
    const before = await appendProbes(6, 15);
    await horizonPassesTheLog();
    // A bounded amount of writing while the replay runs (a replay with batches of 5 never ends if the
    // writers outpace it forever).
    const writers = (async () => {
      for (let round = 0; round < 15; round++) await appendProbes(2, 4);
    })();
    const report = await new ProjectionReplayer(t.db, [counting]).replay('replay-probe', { batchSize: 5 });
    await writers;
    const seenIds = new Set(seen.map((e) => e.id));
    expect(seenIds.size).toBe(seen.length);
    for (const id of before) expect(seenIds.has(id)).toBe(true);
    expect(report.eventsRead).toBe(seen.length);
    // Commit order as the log records it: (transaction id, position), strictly increasing.
    const { rows } = await t.db.query<{ id: string; transaction_id: string; position: string }>(
      'SELECT id::text AS id, transaction_id::text AS transaction_id, position::text AS position FROM events WHERE id = ANY($1::uuid[])',
      [[...seenIds]],
    );
    const order = new Map(rows.map((r) => [r.id, [BigInt(r.transaction_id), BigInt(r.position)] as const]));
    const keys = seen.map((e) => order.get(e.id)!);
    expect(keys.every((k, i) => i === 0 || keys[i - 1]![0] < k[0] || (keys[i - 1]![0] === k[0] && keys[i - 1]![1] < k[1]))).toBe(true);
    expect(ascending(positions(seen.filter((e) => before.includes(e.id))))).toBe(true);
  }, 120_000);

  it('stops with the error of an apply that fails, while the next batch is being read, and leaves no replay table behind', async () => {
    await appendProbes(4, 6);
    await horizonPassesTheLog();
    let calls = 0;
    const failing: ProjectionDefinition = {
      ...counting,
      name: 'replay-probe-failing',
      apply: async (tx, events, tables) => {
        if (++calls === 2) throw new Error('apply failed on the second batch');
        await counting.apply(tx, events, tables);
      },
    };
    await expect(new ProjectionReplayer(t.db, [failing]).replay('replay-probe-failing', { batchSize: 3 })).rejects.toThrow('apply failed on the second batch');
    expect(calls).toBe(2);
    const left = await t.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename LIKE 'replay_probe_replay_%'`);
    expect(left.rows[0]!.n).toBe('0');
  });
});
