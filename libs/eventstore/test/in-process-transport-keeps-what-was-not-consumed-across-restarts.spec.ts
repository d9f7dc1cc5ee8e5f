import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessTransport, type IncomingMessage, type MessageTransport } from '#messaging';
import { describeTransportContract } from '../../messaging/test/transport.contract.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { EmbeddedMessageStore } from '../src/transport-log/embedded-message-store.js';

/**
 * The embedded default has no broker: its in-process transport keeps its log and its groups' offsets in the
 * database (`EmbeddedMessageStore`), so that what the outbox relay published (and deleted from the outbox) and the
 * consumers had not handled yet is delivered after a stop or a crash, as Kafka would deliver it. Before, it lived in
 * memory only: a stop between publication and consumption lost it for every consumer (a signal with a receipt that
 * never reached the triage queue). On PGlite (what `npm start` uses) and on PostgreSQL.
 */

let postgres: TestDatabase;

beforeAll(async () => {
  postgres = await createTestDatabase();
});
afterAll(async () => postgres?.drop());

describeTransportContract('InProcessTransport with its store in PostgreSQL', () => new InProcessTransport({ store: new EmbeddedMessageStore(postgres.db), redelivery: { initialBackoffMs: 10, maxBackoffMs: 100 } }));

const unique = (what: string) => `sr-kept-${what}-${randomBytes(4).toString('hex')}`;

/** Subscribes `groupId` and collects the values it handles. */
async function collect(transport: MessageTransport, groupId: string, topic: string) {
  const seen: string[] = [];
  const subscription = await transport.subscribe({ groupId, topics: [topic] }, async (m: IncomingMessage) => void seen.push(m.value.toString('utf8')));
  return { seen, subscription };
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each([
  ['PGlite (the embedded default)', true],
  ['PostgreSQL', false],
])('the in-process transport with its store on %s', (_name, embedded) => {
  let t: TestDatabase;
  const transport = (options: { storeFlushMs?: number; retentionPerPartition?: number } = {}) => new InProcessTransport({ store: new EmbeddedMessageStore(t.db), ...options });

  beforeAll(async () => {
    t = embedded ? await createTestDatabase({ embedded: true }) : postgres;
  });
  afterAll(async () => {
    if (embedded) await t?.drop();
  });

  it('delivers after a restart what was published and not yet consumed before a stop', async () => {
    const topic = unique('topic');
    const first = transport();
    await first.ensureTopics([{ topic, partitions: 3 }]);
    await first.publish(topic, [{ key: 'signal-1', value: 'a' }, { key: 'signal-2', value: 'b' }, { key: 'signal-1', value: 'c' }]);
    await first.close();

    const second = transport();
    await second.ensureTopics([{ topic, partitions: 3 }]);
    const { seen } = await collect(second, 'triage-queue', topic);
    await until(() => seen.length === 3, 'three messages');
    expect(seen.filter((v) => v !== 'b')).toEqual(['a', 'c']); // per-key order kept
    expect(seen).toContain('b');
    await second.close();
  });

  it('continues a group after what it handled before a stop, and a new group reads every kept message', async () => {
    const topic = unique('topic');
    const first = transport();
    await first.ensureTopics([{ topic, partitions: 2 }]);
    const before = await collect(first, 'router', topic);
    await first.publish(topic, [{ key: 'k', value: 'one' }, { key: 'k', value: 'two' }]);
    await until(() => before.seen.length === 2, 'two messages');
    await first.close();

    const second = transport();
    await second.ensureTopics([{ topic, partitions: 2 }]);
    const after = await collect(second, 'router', topic);
    await second.publish(topic, [{ key: 'k', value: 'three' }]);
    await until(() => after.seen.length === 1, 'the new message');
    const fresh = await collect(second, 'auditor', topic);
    await until(() => fresh.seen.length === 3, 'every kept message');
    expect(after.seen).toEqual(['three']);
    expect(fresh.seen).toEqual(['one', 'two', 'three']);
    await second.close();
  });

  it('after a crash (offsets not saved yet) delivers again rather than lose anything', async () => {
    const topic = unique('topic');
    const crashed = transport({ storeFlushMs: 60_000 });
    await crashed.ensureTopics([{ topic, partitions: 1 }]);
    const before = await collect(crashed, 'tables', topic);
    await crashed.publish(topic, [{ key: 'k', value: 'x' }, { key: 'k', value: 'y' }]);
    await until(() => before.seen.length === 2, 'two messages');
    await before.subscription.stop(); // the process dies here: no close, no save of the offsets

    const next = transport();
    await next.ensureTopics([{ topic, partitions: 1 }]);
    const after = await collect(next, 'tables', topic);
    await until(() => after.seen.length === 2, 'the messages again');
    expect(after.seen).toEqual(['x', 'y']);
    await next.close();
  });

  it('a store append that failed after all kept its messages: they are delivered, and the next publication does not collide', async () => {
    const topic = unique('topic');
    const store = new EmbeddedMessageStore(t.db);
    let failNext = true;
    const flaky = new InProcessTransport({
      store: {
        ensureTopic: (name, partitions) => store.ensureTopic(name, partitions),
        load: (name) => store.load(name),
        committedOffsets: (group, name) => store.committedOffsets(group, name),
        save: (commits, starts) => store.save(commits, starts),
        append: async (name, messages) => {
          await store.append(name, messages);
          if (failNext) {
            failNext = false;
            throw new Error('Connection terminated unexpectedly');
          }
        },
      },
    });
    await flaky.ensureTopics([{ topic, partitions: 1 }]);
    const { seen } = await collect(flaky, 'router', topic);
    const failed = await flaky.publish(topic, [{ key: 'k', value: 'first' }]).then(() => null, (error: unknown) => error);
    expect(failed).toMatchObject({ transient: true });
    await flaky.publish(topic, [{ key: 'k', value: 'first' }, { key: 'k', value: 'second' }]); // the publisher tries again
    await until(() => seen.length === 3, 'three deliveries');
    expect(seen).toEqual(['first', 'first', 'second']); // at least once, in order
    await flaky.close();
  });

  it('keeps the partition count of a topic when the configured count changes (a key stays on its partition, in order)', async () => {
    const topic = unique('topic');
    const first = transport();
    await first.ensureTopics([{ topic, partitions: 2 }]);
    await first.publish(topic, [{ key: 'case-7', value: 'pending' }]);
    await first.close();

    const second = transport();
    await second.ensureTopics([{ topic, partitions: 12 }]);
    await second.publish(topic, [{ key: 'case-7', value: 'next' }]);
    const { seen } = await collect(second, 'tables', topic);
    await until(() => seen.length === 2, 'both messages');
    expect(seen).toEqual(['pending', 'next']);
    expect((await t.db.query<{ partition: number }>('SELECT DISTINCT partition FROM transport_messages WHERE topic = $1', [topic])).rows).toHaveLength(1);
    await second.close();
  });

  it('forgets messages past retention but keeps counting offsets where it left off', async () => {
    const topic = unique('topic');
    const first = transport({ retentionPerPartition: 2, storeFlushMs: 10 });
    await first.ensureTopics([{ topic, partitions: 1 }]);
    const before = await collect(first, 'liaison', topic);
    for (let i = 0; i < 10; i++) await first.publish(topic, [{ key: 'k', value: `m${i}` }]);
    await until(() => before.seen.length === 10, 'ten messages');
    await first.close();
    const kept = await t.db.query<{ offset: string }>('SELECT "offset"::text AS offset FROM transport_messages WHERE topic = $1 ORDER BY "offset"', [topic]);
    expect(kept.rows.length).toBeLessThanOrEqual(3);
    expect(kept.rows.at(-1)!.offset).toBe('9');

    const second = transport({ retentionPerPartition: 2 });
    await second.ensureTopics([{ topic, partitions: 1 }]);
    const after = await collect(second, 'liaison', topic);
    await second.publish(topic, [{ key: 'k', value: 'm10' }]);
    await until(() => after.seen.length === 1, 'the next message');
    expect(after.seen).toEqual(['m10']);
    expect((await t.db.query<{ offset: string }>('SELECT max("offset")::text AS offset FROM transport_messages WHERE topic = $1', [topic])).rows[0]!.offset).toBe('10');
    await second.close();
  });
});
