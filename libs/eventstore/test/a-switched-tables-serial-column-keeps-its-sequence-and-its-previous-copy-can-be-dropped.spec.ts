import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventStore, ProjectionReplayer, rowTable, type ProjectionDefinition } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * A projection table with a serial column (`seq bigserial`, like the liaison feed) is rebuilt `LIKE` the live one,
 * so the rebuilt table draws from the live table's sequence: its rows get numbers above every live one, and the
 * rows written after the switch above every rebuilt one (a reader's `(transaction, seq)` cursor never goes back).
 * The switch hands the sequence to the table it makes live; had it stayed with the renamed former live table, that
 * copy could never be dropped ("other objects depend on it": the live default), and dropping it with CASCADE
 * would strip the live table's default. A copy that still owns the sequence (switched before the switch handed it
 * over) gives it back to the live table when it is dropped. Sequences of no copy of the table are left alone.
 */

const probe: ProjectionDefinition = {
  name: 'probe-serial',
  description: 'one numbered row per event',
  tables: [{ name: 'probe_feed', primaryKey: ['event_id'], ignoredColumns: { seq: 'drawn at insert' } }],
  eventTypes: ['ProbeFed'],
  apply: async (tx, events, tables) => {
    if (events.length === 0) return;
    await tx.query(`INSERT INTO "${tables.probe_feed}" (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
  },
};

describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('a switched table with a serial column on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;
  let replayer: ProjectionReplayer;
  const live = rowTable('probe_feed', { event_id: 'uuid' });

  /** A command as the product's writers commit it: the event and its numbered row in one statement; returns the row's seq. */
  async function command(): Promise<number> {
    const event = anEvent({ type: 'ProbeFed' });
    await store.append(`probe-${randomUUID()}`, 0, [event], { rows: [{ table: live, values: { event_id: event.id } }] });
    return seqOf(event.id);
  }
  const seqOf = async (eventId: string): Promise<number> => Number((await t.db.query<{ seq: string }>('SELECT seq::text AS seq FROM probe_feed WHERE event_id = $1', [eventId])).rows[0]!.seq);
  const liveSeqs = async (): Promise<number[]> => (await t.db.query<{ seq: string }>('SELECT seq::text AS seq FROM probe_feed ORDER BY probe_feed.seq')).rows.map((r) => Number(r.seq));
  const tables = async (): Promise<string[]> =>
    (await t.db.query<{ tablename: string }>(`SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'probe\\_%' ORDER BY 1`)).rows.map((r) => r.tablename);
  const owner = async (sequence: string): Promise<string | null> =>
    (await t.db.query<{ owner: string | null }>(
      `SELECT (SELECT c.relname || '.' || a.attname FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = $1::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a')::text AS owner`,
      [sequence],
    )).rows[0]!.owner;
  async function switchOnce(): Promise<string> {
    const report = await replayer.replay(probe.name, { switch: true });
    return report.switched!.previousTables.probe_feed!;
  }

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
    replayer = new ProjectionReplayer(t.db, [probe]);
    await t.db.query('CREATE TABLE probe_feed (seq bigserial NOT NULL UNIQUE, event_id uuid PRIMARY KEY)');
    await t.db.query('CREATE TABLE probe_counter (n bigserial PRIMARY KEY)'); // a sequence of another table
    for (let i = 0; i < 3; i++) await command();
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => {
    await replayer.dropPrevious(probe.name);
  });

  it('gives the sequence to the table it switches in, so the kept copy can be dropped and the live table still numbers its rows', async () => {
    const previous = await switchOnce();
    expect(await owner('probe_feed_seq_seq')).toBe('probe_feed.seq');
    expect((await replayer.dropPrevious(probe.name)).dropped).toHaveLength(1);
    expect(await tables()).toEqual(['probe_counter', 'probe_feed']);
    expect(await tables()).not.toContain(previous);
    const next = await command();
    expect(next).toBeGreaterThan(Math.max(...(await liveSeqs()).filter((s) => s !== next)));
  });

  it('numbers the rebuilt rows above the former live ones and the rows written after the switch above the rebuilt ones', async () => {
    const before = await liveSeqs();
    await switchOnce();
    const rebuilt = await liveSeqs();
    expect(rebuilt).toHaveLength(before.length);
    expect(Math.min(...rebuilt)).toBeGreaterThan(Math.max(...before));
    expect(await command()).toBeGreaterThan(Math.max(...rebuilt));
  });

  it('switches and drops again and again, keeping one numbering', async () => {
    let last = Math.max(...(await liveSeqs()));
    for (let round = 0; round < 2; round++) {
      await switchOnce();
      await switchOnce();
      expect((await replayer.dropPrevious(probe.name, { keep: 1 })).dropped).toHaveLength(1);
      expect((await replayer.dropPrevious(probe.name)).dropped).toHaveLength(1);
      expect(await tables()).toEqual(['probe_counter', 'probe_feed']);
      const next = await command();
      expect(next).toBeGreaterThan(last);
      last = next;
    }
    expect(await owner('probe_feed_seq_seq')).toBe('probe_feed.seq');
  });

  it('drops a copy that still owns the sequence (switched out before the switch handed it over), giving it back to the live table', async () => {
    const previous = await switchOnce();
    await t.db.query(`ALTER SEQUENCE probe_feed_seq_seq OWNED BY "${previous}".seq`);
    expect((await replayer.dropPrevious(probe.name)).dropped).toHaveLength(1);
    expect(await tables()).toEqual(['probe_counter', 'probe_feed']);
    expect(await owner('probe_feed_seq_seq')).toBe('probe_feed.seq');
    expect(await command()).toBeGreaterThan(0);
  });

  it("leaves alone a sequence no copy of the table owns, even when a column default of the live table draws from it", async () => {
    await t.db.query(`ALTER TABLE probe_feed ADD COLUMN n bigint DEFAULT nextval('probe_counter_n_seq')`);
    try {
      await switchOnce();
      expect(await owner('probe_counter_n_seq')).toBe('probe_counter.n');
      expect((await replayer.dropPrevious(probe.name)).dropped).toHaveLength(1);
      expect(await owner('probe_counter_n_seq')).toBe('probe_counter.n');
    } finally {
      await t.db.query('ALTER TABLE probe_feed DROP COLUMN n');
    }
    expect(await owner('probe_feed_seq_seq')).toBe('probe_feed.seq');
  });
});
