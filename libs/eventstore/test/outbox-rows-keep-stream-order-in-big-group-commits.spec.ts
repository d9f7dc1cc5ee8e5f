import { randomUUID } from 'node:crypto';
import { EventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * The relay publishes outbox rows in id order, so a stream's rows must get their ids in version order, however many
 * streams one statement appends. The outbox rows were inserted in the order of a join, and from about 800 streams
 * PostgreSQL plans it as a merge join whose sort by stream id does not keep the version order: in a statement of
 * 1,000 two-event streams, 444 streams had version 2 ahead of version 1 in the outbox (found by a review with
 * PGlite), and the relay would have published them in that order.
 */
describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('outbox order of a group commit on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
  });
  afterAll(async () => t?.drop());

  it.each([
    ['appendNewStreams', (items: { streamId: string; events: ReturnType<typeof anEvent>[] }[]) => store.appendNewStreams(t.db, items.map((i) => ({ ...i, options: { topic: 'order-test' } })))],
    ['appendToStreams', (items: { streamId: string; events: ReturnType<typeof anEvent>[] }[]) => store.appendToStreams(t.db, items.map((i) => ({ ...i, expectedVersion: 0, options: { topic: 'order-test' } })))],
  ])('gives each stream of a %s of 1,000 streams its outbox rows in version order', async (_how, append) => {
    const items = Array.from({ length: 1000 }, () => ({ streamId: `order-${randomUUID()}`, events: [anEvent(), anEvent(), anEvent()] }));
    await append(items);
    const out = await t.db.query<{ message_key: string; versions: number[] }>(
      `SELECT o.message_key, array_agg(e.stream_version ORDER BY o.id) AS versions
         FROM outbox o JOIN events e ON e.id = o.event_id
        WHERE o.message_key = ANY($1::text[]) GROUP BY o.message_key`,
      [items.map((i) => i.streamId)],
    );
    expect(out.rows).toHaveLength(1000);
    expect(out.rows.filter((r) => r.versions.map(Number).join() !== '1,2,3').map((r) => r.message_key)).toEqual([]);
  });
});
