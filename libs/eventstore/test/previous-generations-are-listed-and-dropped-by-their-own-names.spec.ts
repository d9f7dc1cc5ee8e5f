import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventStore, newestFirst, previousGenerations, previousTag, ProjectionReplayer, rowTable, tagSwitchedOutAt, type PreviousGeneration, type ProjectionDefinition } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * A blue-green switch keeps the former live tables as `<table>_previous_<tag>`. The replayer lists those kept
 * generations and drops them (all, or all but the newest `keep`), one generation per transaction. It only ever
 * touches names it builds from the projection's own tables and a tag of its own form: a table that merely looks
 * like a copy is neither listed nor dropped, and the live tables are left alone. Rolling a generation back is
 * refused, changing nothing: where the kept tables stood in the log is not known, so they cannot be caught up.
 */

const probe: ProjectionDefinition = {
  name: 'probe-generations',
  description: 'two tables, one row per event in each',
  tables: [
    { name: 'probe_a', primaryKey: ['event_id'] },
    { name: 'probe_b', primaryKey: ['event_id'] },
  ],
  eventTypes: ['ProbeWritten'],
  apply: async (tx, events, tables) => {
    if (events.length === 0) return;
    const ids = events.map((e) => e.id);
    await tx.query(`INSERT INTO "${tables.probe_a}" (event_id) SELECT unnest($1::uuid[])`, [ids]);
    await tx.query(`INSERT INTO "${tables.probe_b}" (event_id) SELECT unnest($1::uuid[])`, [ids]);
  },
};

describe('the previous-generation rules', () => {
  it('reads the tag only from a copy of the named table with a tag of the replayer\'s form', () => {
    expect(previousTag('probe_a', 'probe_a_previous_mabc1234ab12')).toBe('mabc1234ab12');
    expect(previousTag('probe_a', 'probe_b_previous_mabc1234ab12')).toBeNull();
    expect(previousTag('probe_a', 'probe_a_previous_')).toBeNull();
    expect(previousTag('probe_a', 'probe_a_previous_Mabc')).toBeNull();
    expect(previousTag('probe_a', 'probe_a_previous_abc_def')).toBeNull();
    expect(previousTag('probe_a', 'probe_a_previous_0123456789abcdefg')).toBeNull();
  });

  it('dates a generation by the base-36 time in front of its 4 hex digits', () => {
    const at = Date.UTC(2026, 10, 26, 10, 0, 0);
    expect(tagSwitchedOutAt(`${at.toString(36)}beef`)?.getTime()).toBe(at);
    expect(tagSwitchedOutAt('beef')).toBeNull();
    expect(tagSwitchedOutAt('zzzzzzzzzzzzbeef')).toBeNull(); // beyond any date
  });

  it('orders generations newest first by that time, not by the text of the tag', () => {
    const generation = (ms: number): PreviousGeneration => ({ tag: `${ms.toString(36)}0000`, switchedOutAt: new Date(ms).toISOString(), tables: {}, complete: true });
    const old = generation(35 ** 7); // 7 base-36 digits: sorts after the newer one as text
    const recent = generation(36 ** 7 + 1);
    expect(old.tag > recent.tag).toBe(true);
    expect([old, recent].sort(newestFirst).map((g) => g.tag)).toEqual([recent.tag, old.tag]);
  });

  it('calls a generation complete only when every table of the projection has its copy', () => {
    const generations = previousGenerations(probe, ['probe_a_previous_mabc00001111', 'probe_b_previous_mabc00001111', 'probe_a_previous_mabc00002222', 'probe_a_previous_Nope']);
    expect(generations.map((g) => ({ tag: g.tag, complete: g.complete, tables: g.tables }))).toEqual([
      { tag: 'mabc00002222', complete: false, tables: { probe_a: 'probe_a_previous_mabc00002222' } },
      { tag: 'mabc00001111', complete: true, tables: { probe_a: 'probe_a_previous_mabc00001111', probe_b: 'probe_b_previous_mabc00001111' } },
    ]);
  });
});

describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('previous generations of a switched projection on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;
  let replayer: ProjectionReplayer;
  const liveA = rowTable('probe_a', { event_id: 'uuid' });
  const liveB = rowTable('probe_b', { event_id: 'uuid' });

  /** A command as the product's writers commit it: the event and its read-model rows in one statement. */
  async function command(): Promise<void> {
    const event = anEvent({ type: 'ProbeWritten' });
    await store.append(`probe-${randomUUID()}`, 0, [event], { rows: [{ table: liveA, values: { event_id: event.id } }, { table: liveB, values: { event_id: event.id } }] });
  }

  async function switchOnce(): Promise<string> {
    const report = await replayer.replay(probe.name, { switch: true });
    return report.switched!.previousTables.probe_a!.replace('probe_a_previous_', '');
  }

  const tables = async (): Promise<string[]> =>
    (await t.db.query<{ tablename: string }>(`SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'probe\\_%' ORDER BY 1`)).rows.map((r) => r.tablename);
  const liveState = async () => ({
    a: (await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM probe_a')).rows[0]!.n,
    b: (await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM probe_b')).rows[0]!.n,
  });

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
    replayer = new ProjectionReplayer(t.db, [probe]);
    await t.db.query('CREATE TABLE probe_a (event_id uuid PRIMARY KEY)');
    await t.db.query('CREATE TABLE probe_b (event_id uuid PRIMARY KEY)');
    for (let i = 0; i < 3; i++) await command();
  });
  afterAll(async () => t?.drop());

  beforeEach(async () => {
    for (const table of await tables()) if (table !== 'probe_a' && table !== 'probe_b') await t.db.query(`DROP TABLE "${table}"`);
  });

  it('lists the one generation a switch kept, with both tables and when it was switched out', async () => {
    const before = Date.now();
    const tag = await switchOnce();
    const generations = await replayer.previous(probe.name);
    expect(generations).toEqual([{ tag, switchedOutAt: expect.any(String), complete: true, tables: { probe_a: `probe_a_previous_${tag}`, probe_b: `probe_b_previous_${tag}` } }]);
    expect(Date.parse(generations[0]!.switchedOutAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(generations[0]!.switchedOutAt!)).toBeLessThanOrEqual(Date.now());
  });

  it('drops every kept generation, leaves the live tables as they were, and does nothing the second time', async () => {
    const tag = await switchOnce();
    await command();
    const live = await liveState();
    const dropped = await replayer.dropPrevious(probe.name);
    expect(dropped.dropped.map((g) => g.tag)).toEqual([tag]);
    expect(dropped.kept).toEqual([]);
    expect(await tables()).toEqual(['probe_a', 'probe_b']);
    expect(await liveState()).toEqual(live);
    expect(await replayer.dropPrevious(probe.name)).toEqual({ dropped: [], kept: [] });
    expect(await tables()).toEqual(['probe_a', 'probe_b']);
  });

  it('keeps the newest generation with keep 1 and drops the older one', async () => {
    const older = await switchOnce();
    const newer = await switchOnce();
    const result = await replayer.dropPrevious(probe.name, { keep: 1 });
    expect({ dropped: result.dropped.map((g) => g.tag), kept: result.kept.map((g) => g.tag) }).toEqual({ dropped: [older], kept: [newer] });
    expect(await tables()).toEqual(['probe_a', 'probe_a_previous_' + newer, 'probe_b', 'probe_b_previous_' + newer].sort());
  });

  it('neither lists nor drops a table that only looks like a kept copy', async () => {
    const tag = await switchOnce();
    await t.db.query('CREATE TABLE "probe_a_previous_NotATag" (x int)');
    await t.db.query('CREATE TABLE probe_a_previous_abc_def (x int)');
    expect((await replayer.previous(probe.name)).map((g) => g.tag)).toEqual([tag]);
    await replayer.dropPrevious(probe.name);
    expect(await tables()).toEqual(['probe_a', 'probe_a_previous_NotATag', 'probe_a_previous_abc_def', 'probe_b'].sort());
  });

  it('refuses an unknown projection and an invalid keep, and drops nothing', async () => {
    await switchOnce();
    const kept = await tables();
    await expect(replayer.previous('no-such-projection')).rejects.toMatchObject({ code: 'REPLAY.PROJECTION_UNKNOWN' });
    await expect(replayer.dropPrevious('no-such-projection')).rejects.toMatchObject({ code: 'REPLAY.PROJECTION_UNKNOWN' });
    await expect(replayer.dropPrevious(probe.name, { keep: -1 })).rejects.toMatchObject({ code: 'REPLAY.KEEP_INVALID' });
    await expect(replayer.dropPrevious(probe.name, { keep: 0.5 })).rejects.toMatchObject({ code: 'REPLAY.KEEP_INVALID' });
    expect(await tables()).toEqual(kept);
  });

  it('refuses to roll back, because where the kept tables stood in the log is not known, and changes nothing', async () => {
    const tag = await switchOnce();
    await command();
    const before = { tables: await tables(), live: await liveState() };
    await expect(replayer.rollBack(probe.name)).rejects.toMatchObject({ code: 'REPLAY.ROLLBACK_POSITION_UNKNOWN', details: { projection: probe.name, tag } });
    await expect(replayer.rollBack(probe.name, tag)).rejects.toMatchObject({ code: 'REPLAY.ROLLBACK_POSITION_UNKNOWN' });
    await expect(replayer.rollBack(probe.name, 'x"; DROP TABLE events; --')).rejects.toMatchObject({ code: 'REPLAY.PREVIOUS_NOT_FOUND' });
    await expect(replayer.rollBack(probe.name, 'mabc00001111')).rejects.toMatchObject({ code: 'REPLAY.PREVIOUS_NOT_FOUND' });
    await expect(replayer.rollBack('no-such-projection')).rejects.toMatchObject({ code: 'REPLAY.PROJECTION_UNKNOWN' });
    expect({ tables: await tables(), live: await liveState() }).toEqual(before);
    await replayer.dropPrevious(probe.name);
    await expect(replayer.rollBack(probe.name)).rejects.toMatchObject({ code: 'REPLAY.PREVIOUS_NOT_FOUND' });
  });
});
