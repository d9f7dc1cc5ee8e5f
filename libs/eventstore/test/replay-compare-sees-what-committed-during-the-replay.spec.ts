import { randomUUID } from 'node:crypto';
import { EventStore, ProjectionReplayer, rowTable, type ProjectionDefinition } from '#eventstore';
import { waitFor } from '../../../test/support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * A replay that compares without switching must not report a difference for a read model its writers update in
 * the same statement as their events, whatever commits while it runs: the comparison catches up and compares in
 * one snapshot. It read the live table in a later statement than its last events, so a command committed in
 * between showed as a row "missing in the replay" on a healthy, busy system.
 */
describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('a replay compared with the live read model on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;
  const live = rowTable('probe_live', { event_id: 'uuid' });

  const probe: ProjectionDefinition = {
    name: 'probe-live',
    description: 'one row per event, written with the event',
    tables: [{ name: 'probe_live', primaryKey: ['event_id'] }],
    eventTypes: ['ProbeWritten'],
    apply: async (tx, events, tables) => {
      if (events.length > 0) await tx.query(`INSERT INTO "${tables.probe_live}" (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
    },
  };

  /** A command as the product's writers commit it: the event and its read-model row in one statement. */
  async function command(): Promise<void> {
    const event = anEvent({ type: 'ProbeWritten' });
    await store.append(`probe-${randomUUID()}`, 0, [event], { rows: [{ table: live, values: { event_id: event.id } }] });
  }

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
    await t.db.query('CREATE TABLE probe_live (event_id uuid PRIMARY KEY)');
  });
  afterAll(async () => t?.drop());

  it('is identical although a command commits after its last read', async () => {
    for (let i = 0; i < 5; i++) await command();
    // The replay reads below the oldest transaction in flight on the server (other test files' may hold it back).
    await waitFor(async () => (await t.db.query<{ below: boolean }>('SELECT (SELECT max(transaction_id) FROM events) < pg_snapshot_xmin(pg_current_snapshot()) AS below')).rows[0]!.below, { what: 'the events below the horizon' });
    let written = false;
    const report = await new ProjectionReplayer(t.db, [probe]).replay('probe-live', {
      onProgress: async () => {
        if (written) return;
        written = true;
        await command(); // after the replay read its events, before it compares
      },
    });
    expect(written).toBe(true);
    expect(report.tables).toEqual([expect.objectContaining({ identical: true })]);
    expect(report.identical).toBe(true);
  });
});
