import { DUE_OUTBOX_ROWS_SQL } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * The relay polls many times a second, so its read must cost what the due rows cost, not what the ledger
 * holds. A fresh database with an outbox backlog (a broker that was away) is where the planner used to
 * hash the whole `events` table on every poll: 27 ms per poll at 15,000 events in the tables bench, and
 * growing with every event ever recorded.
 */
describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('the outbox relay on %s reads only the events of the rows it publishes', (_name, embedded) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    // 6,000 events, 1,000 of them still waiting in the outbox, statistics up to date (one short write: a long one
    // would hold back the oldest-in-flight horizon of other tests' readers on the same server).
    await t.db.query(`
      INSERT INTO events (id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, municipality,
                          actor_id, actor_role, correlation_id, processing_activity, legal_basis, payload, hash)
      SELECT gen_random_uuid(), 'stream-' || (n / 10), n % 10 + 1, 'TestHappened', 1, now(), now(), 'GM0153',
             'tester', 'coordinator', gen_random_uuid(), 'test', 'AVG 6(1)(e)', jsonb_build_object('n', n, 'text', repeat('x', 300)), md5(n::text)
        FROM generate_series(0, 5999) AS n`);
    await t.db.query(`INSERT INTO outbox (event_id, topic, message_key) SELECT id, 'topic', stream_id FROM events ORDER BY position DESC LIMIT 1000`);
    await t.db.query('ANALYZE events');
    await t.db.query('ANALYZE outbox');
  }, 120_000);
  afterAll(async () => t?.drop());

  it('looks each event up by its id instead of scanning the events table', async () => {
    const explained = await t.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(`EXPLAIN (FORMAT JSON) ${DUE_OUTBOX_ROWS_SQL}`, [1000]);
    const raw = explained.rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
    const onEvents = nodesOf(plan).filter((n) => n['Relation Name'] === 'events');
    expect(onEvents.length).toBeGreaterThan(0);
    expect(onEvents.map((n) => n['Node Type'])).not.toContain('Seq Scan');
  });

  it('still returns the due rows in id order, each with its event', async () => {
    const due = await t.db.query<{ id: string; event_id: string; event: { id: string } | null }>(DUE_OUTBOX_ROWS_SQL, [1000]);
    expect(due.rows).toHaveLength(1000);
    const ids = due.rows.map((r) => BigInt(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const row of due.rows) expect(row.event?.id).toBe(row.event_id);
  });
});
