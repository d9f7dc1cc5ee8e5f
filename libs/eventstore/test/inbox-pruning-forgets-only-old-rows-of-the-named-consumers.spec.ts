import { pruneInbox } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

const DAY = 24 * 3_600_000;
const now = Date.parse('2026-11-26T12:00:00Z');

/**
 * The inbox is how a consumer recognises a message it already applied; pruning must forget only what can no
 * longer come back: rows of the consumers it is told about, processed before the cutoff. Everything else stays.
 */
describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('inbox pruning on %s', (_name, embedded) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
  }, 120_000);
  afterAll(async () => t?.drop());

  beforeEach(async () => {
    await t.db.query('DELETE FROM inbox');
    // Per consumer: 7 rows 40 days old, 1 row exactly 30 days old, 3 rows a day old.
    await t.db.query(
      `INSERT INTO inbox (consumer, message_id, processed_at)
       SELECT c, c || '-' || n, $1::timestamptz - (CASE WHEN n < 7 THEN 40 WHEN n = 7 THEN 30 ELSE 1 END) * interval '1 day'
         FROM unnest(ARRAY['intake.triage-queue', 'router.signals', 'someone-else']) AS c, generate_series(0, 10) AS n`,
      [new Date(now).toISOString()],
    );
  });

  const remaining = async () =>
    (await t.db.query<{ consumer: string; n: string }>('SELECT consumer, count(*)::text AS n FROM inbox GROUP BY consumer ORDER BY consumer')).rows.map((r) => [r.consumer, Number(r.n)]);

  it('deletes the named consumers\' rows processed before the cutoff, in batches, and says how many', async () => {
    const pruned = await pruneInbox(t.db, { consumers: ['intake.triage-queue', 'router.signals'], processedBefore: new Date(now - 30 * DAY), batchSize: 3 });
    expect(pruned).toBe(14);
    expect(await remaining()).toEqual([
      ['intake.triage-queue', 4],
      ['router.signals', 4],
      ['someone-else', 11],
    ]);
    // The row processed exactly at the cutoff is kept.
    const kept = await t.db.query<{ message_id: string }>(`SELECT message_id FROM inbox WHERE consumer = 'router.signals' ORDER BY message_id`);
    expect(kept.rows.map((r) => r.message_id)).toEqual(['router.signals-10', 'router.signals-7', 'router.signals-8', 'router.signals-9']);
  });

  it('deletes nothing when nothing is old enough, or no consumer is named', async () => {
    expect(await pruneInbox(t.db, { consumers: ['intake.triage-queue'], processedBefore: new Date(now - 41 * DAY) })).toBe(0);
    expect(await pruneInbox(t.db, { consumers: [], processedBefore: new Date(now) })).toBe(0);
    expect(await remaining()).toEqual([
      ['intake.triage-queue', 11],
      ['router.signals', 11],
      ['someone-else', 11],
    ]);
  });

  it('refuses a batch size that is not a positive integer, and deletes nothing', async () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      await expect(pruneInbox(t.db, { consumers: ['router.signals'], processedBefore: new Date(now), batchSize })).rejects.toThrow(/batchSize must be a positive integer/);
    }
    expect((await remaining()).map(([, n]) => n)).toEqual([11, 11, 11]);
  });
});
