import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessTransport, type IncomingMessage, type InProcessTransportOptions } from '#messaging';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { EmbeddedMessageStore } from '../src/transport-log/embedded-message-store.js';

/**
 * The in-process transport keeps `retentionPerPartition` messages per partition and none older than `retentionMs`,
 * like Kafka. Before, retention dropped the oldest messages whatever the consumer groups had consumed, and the store
 * deleted them from `transport_messages`: a group that was stuck (a handler that kept throwing, or a process stopped
 * for a while) and fell behind the retention skipped them with a warning when it recovered. On the embedded default
 * the outbox row is already gone by then, so a signal that got a receipt was lost for the router or the tables app.
 * Now retention drops only what every known group (subscribed in this process, or with committed offsets in the
 * store) has consumed; it still drops that.
 */

const DAY = 24 * 3_600_000;
const unique = (what: string) => `sr-retain-${what}-${randomBytes(4).toString('hex')}`;
const values = (messages: readonly IncomingMessage[]) => messages.map((m) => m.value.toString('utf8'));

async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let postgres: TestDatabase;

beforeAll(async () => {
  postgres = await createTestDatabase();
});
afterAll(async () => postgres?.drop());

describe.each([
  ['PGlite (the embedded default)', true],
  ['PostgreSQL', false],
])('retention of the in-process transport with its store on %s', (_name, embedded) => {
  let t: TestDatabase;
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const transport = (options: InProcessTransportOptions = {}) =>
    new InProcessTransport({
      store: new EmbeddedMessageStore(t.db),
      retentionPerPartition: 2,
      storeFlushMs: 10,
      redelivery: { initialBackoffMs: 10, maxBackoffMs: 50 },
      logger: (level, message, extra) => void (level === 'warn' && warnings.push({ message, extra })),
      ...options,
    });
  const storedOffsets = async (topic: string) =>
    (await t.db.query<{ offset: string }>('SELECT "offset"::text AS offset FROM transport_messages WHERE topic = $1 ORDER BY "offset"', [topic])).rows.map((r) => Number(r.offset));

  beforeAll(async () => {
    t = embedded ? await createTestDatabase({ embedded: true }) : postgres;
  });
  afterAll(async () => {
    if (embedded) await t?.drop();
  });

  it('a group whose handler keeps failing gets every message once it recovers, in order, however far it fell behind', async () => {
    warnings.length = 0;
    const topic = unique('stuck');
    const transport1 = transport();
    try {
      await transport1.ensureTopics([{ topic, partitions: 1 }]);
      let broken = true;
      let failures = 0;
      const handled: IncomingMessage[] = [];
      await transport1.subscribeBatch({ groupId: 'router', topics: [topic], maxBatchSize: 10 }, async (batch) => {
        if (broken && batch.some((m) => m.value.toString('utf8') === 'm0')) {
          failures++;
          throw new Error('the router cannot handle m0 yet');
        }
        handled.push(...batch);
      });
      await transport1.publish(topic, [{ key: 'k', value: 'm0' }]);
      await until(() => failures >= 1, 'm0 to fail');
      // Retention 2 trims once a partition holds more than 3: six messages pass it twice.
      for (let i = 1; i < 6; i++) await transport1.publish(topic, [{ key: 'k', value: `m${i}` }]);
      await new Promise((resolve) => setTimeout(resolve, 100)); // several flushes of the store
      expect(await storedOffsets(topic)).toEqual([0, 1, 2, 3, 4, 5]); // nothing the router has not consumed is deleted

      broken = false;
      await until(() => handled.length >= 6, 'six messages');
      expect(values(handled)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect(warnings.filter((w) => /skipping/.test(w.message))).toEqual([]);
      // Holding twice the retention for a lagging group is said once, naming the group and the partition.
      const held = warnings.filter((w) => /has not consumed/.test(w.message));
      expect(held).toHaveLength(1);
      expect(held[0]!.extra).toMatchObject({ topic, partition: 0, groups: [{ groupId: 'router', nextOffset: 0 }] });

      // Consumed by every group now: retention trims again (to the 2 kept, and the newest stays in the database).
      await until(async () => (await storedOffsets(topic)).length <= 3, 'retention to trim what was consumed');
      expect((await storedOffsets(topic)).at(-1)).toBe(5);
    } finally {
      await transport1.close();
    }
  });

  it('a group that was behind when the process stopped gets its backlog after a restart, even days later', async () => {
    const topic = unique('restart');
    const first = transport();
    await first.ensureTopics([{ topic, partitions: 1 }]);
    let attempts = 0;
    await first.subscribe({ groupId: 'tables', topics: [topic] }, async () => {
      attempts++;
      throw new Error('the tables app is failing');
    });
    for (let i = 0; i < 6; i++) await first.publish(topic, [{ key: 'k', value: `m${i}` }]);
    await until(() => attempts >= 1, 'a failed delivery');
    await first.close();
    expect(await storedOffsets(topic)).toEqual([0, 1, 2, 3, 4, 5]);

    // Started eight days later: every message is past the time retention (7 days) at start-up, and one more is
    // published (count retention) before the group subscribes again: it still gets everything.
    const second = transport({ now: () => Date.now() + 8 * DAY });
    try {
      await second.ensureTopics([{ topic, partitions: 1 }]);
      await second.publish(topic, [{ key: 'k', value: 'm6' }]);
      const handled: IncomingMessage[] = [];
      await second.subscribe({ groupId: 'tables', topics: [topic] }, async (m) => void handled.push(m));
      await until(() => handled.length >= 7, 'the backlog');
      expect(values(handled)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      await until(async () => (await storedOffsets(topic)).length <= 3, 'retention to trim what was consumed');
    } finally {
      await second.close();
    }
  });

  it('a group known only from its stored offsets (not subscribed yet) holds back retention at start-up', async () => {
    const topic = unique('stored-only');
    const first = transport();
    await first.ensureTopics([{ topic, partitions: 1 }]);
    const auditor = await first.subscribe({ groupId: 'auditor', topics: [topic] }, async () => undefined);
    const seen: IncomingMessage[] = [];
    await first.subscribe({ groupId: 'router', topics: [topic] }, async (m) => void seen.push(m));
    await first.publish(topic, [{ key: 'k', value: 'm0' }]);
    await until(() => seen.length === 1, 'm0');
    await auditor.stop(); // the auditor consumed m0 (or not); it is gone before the rest is published
    for (let i = 1; i < 6; i++) await first.publish(topic, [{ key: 'k', value: `m${i}` }]);
    await first.close();

    const second = transport({ now: () => Date.now() + 8 * DAY });
    try {
      await second.ensureTopics([{ topic, partitions: 1 }]);
      for (let i = 6; i < 9; i++) await second.publish(topic, [{ key: 'k', value: `m${i}` }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const handled: IncomingMessage[] = [];
      await second.subscribe({ groupId: 'auditor', topics: [topic] }, async (m) => void handled.push(m));
      await until(() => values(handled).includes('m8'), 'the auditor to catch up');
      expect(values(handled).filter((v) => v !== 'm0')).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    } finally {
      await second.close();
    }
  });

  it('retention still drops what every group consumed, and only below the lowest committed offset', async () => {
    const topic = unique('consumed');
    const transport1 = transport();
    try {
      await transport1.ensureTopics([{ topic, partitions: 1 }]);
      const fast: IncomingMessage[] = [];
      const slow: IncomingMessage[] = [];
      let slowBroken = true;
      await transport1.subscribe({ groupId: 'router', topics: [topic] }, async (m) => void fast.push(m));
      await transport1.subscribe({ groupId: 'tables', topics: [topic] }, async (m) => {
        if (slowBroken && m.value.toString('utf8') === 'm3') throw new Error('the tables app cannot handle m3 yet');
        slow.push(m);
      });
      for (let i = 0; i < 10; i++) await transport1.publish(topic, [{ key: 'k', value: `m${i}` }]);
      await until(() => fast.length === 10 && slow.length === 3, 'router to consume all, tables up to m3');
      // Both groups consumed m0..m2: those go; m3 on is kept for the tables app.
      await new Promise((resolve) => setTimeout(resolve, 100)); // several flushes of the store
      expect(await storedOffsets(topic)).toEqual([3, 4, 5, 6, 7, 8, 9]);

      slowBroken = false;
      await until(() => slow.length === 10, 'tables to catch up');
      expect(values(slow)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
      await until(async () => (await storedOffsets(topic)).length <= 3, 'retention to trim what both consumed');
      expect((await storedOffsets(topic)).at(-1)).toBe(9);

      // A new group starts at the oldest message retention kept, as before.
      const fresh: IncomingMessage[] = [];
      await transport1.subscribe({ groupId: 'newcomer', topics: [topic] }, async (m) => void fresh.push(m));
      await until(() => values(fresh).includes('m9'), 'the newcomer to read what is kept');
      expect(fresh.length).toBeLessThanOrEqual(3);
    } finally {
      await transport1.close();
    }
  });

  it('the time retention still drops what every group consumed', async () => {
    const topic = unique('aged');
    let now = Date.now();
    const transport1 = transport({ retentionPerPartition: 100, retentionMs: 60_000, now: () => now });
    try {
      await transport1.ensureTopics([{ topic, partitions: 1 }]);
      const seen: IncomingMessage[] = [];
      await transport1.subscribe({ groupId: 'router', topics: [topic] }, async (m) => void seen.push(m));
      for (let i = 0; i < 3; i++) await transport1.publish(topic, [{ key: 'k', value: `m${i}` }]);
      await until(() => seen.length === 3, 'three messages');
      now += 120_000;
      await transport1.publish(topic, [{ key: 'k', value: 'm3' }]);
      await until(async () => (await storedOffsets(topic)).length === 1, 'the aged messages to be dropped');
      expect(await storedOffsets(topic)).toEqual([3]);
    } finally {
      await transport1.close();
    }
  });
});
