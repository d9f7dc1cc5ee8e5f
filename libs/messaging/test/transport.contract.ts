import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { partitionForKey } from '../src/murmur2.partitioner.js';
import type { IncomingMessage, MessageTransport, OutgoingMessage, Subscription } from '../src/transport.port.js';
import { body, deferred, MessageCollector } from './message.collector.js';

const range = (length: number, from = 0): number[] => Array.from({ length }, (_, i) => from + i);

/**
 * Describes every batch that breaks the batch shape: empty, larger than `maxBatchSize`, more than
 * one topic-partition, or offsets that are not consecutive and ascending.
 */
function malformedBatches(batches: IncomingMessage[][], maxBatchSize: number): string[] {
  const problems: string[] = [];
  batches.forEach((batch, index) => {
    if (batch.length === 0 || batch.length > maxBatchSize) problems.push(`batch ${index} has ${batch.length} messages`);
    const [first] = batch;
    const ordered = batch.every(
      (m, i) => m.topic === first.topic && m.partition === first.partition && Number(m.offset) === Number(first.offset) + i,
    );
    if (!ordered) problems.push(`batch ${index}: ${batch.map((m) => `${m.partition}@${m.offset}`).join(' ')}`);
  });
  return problems;
}

export interface TransportContractOptions {
  /** Prefix of every topic and group the suite creates (lets a runner clean up afterwards). */
  namePrefix?: string;
}

/**
 * The semantics every MessageTransport adapter must keep (see transport.port.ts), run against one
 * adapter. `makeTransport` is called once for the shared transport and again by tests that need
 * their own (close). Topic and group names are unique per run, so reruns never collide.
 */
export function describeTransportContract(
  name: string,
  makeTransport: () => MessageTransport | Promise<MessageTransport>,
  options: TransportContractOptions = {},
): void {
  describe(`${name} (transport contract)`, () => {
    const prefix = options.namePrefix ?? `sr-contract-${randomBytes(4).toString('hex')}`;
    let transport: MessageTransport;
    let counter = 0;
    const subscriptions: Subscription[] = [];

    const unique = (what: string) => `${prefix}-${what}-${++counter}`;
    const newTopic = async (partitions = 3) => {
      const topic = unique('topic');
      await transport.ensureTopics([{ topic, partitions }]);
      return topic;
    };
    const subscribe = async (...args: Parameters<MessageTransport['subscribe']>) => {
      const subscription = await transport.subscribe(...args);
      subscriptions.push(subscription);
      return subscription;
    };
    const subscribeBatch = async (...args: Parameters<MessageTransport['subscribeBatch']>) => {
      const subscription = await transport.subscribeBatch(...args);
      subscriptions.push(subscription);
      return subscription;
    };
    const message = (key: string, seq: number, headers?: Record<string, string>): OutgoingMessage => ({
      key,
      value: JSON.stringify({ key, seq }),
      headers,
    });

    beforeAll(async () => {
      transport = await makeTransport();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });

    afterAll(async () => {
      await transport?.close();
    });

    it('reports itself healthy', async () => {
      expect(await transport.healthy()).toBe(true);
    });

    it('delivers the messages of each key in publish order, history included (20 keys x 50)', async () => {
      const topic = await newTopic(4);
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
      // Half is published before the group exists (history via fromBeginning), half after.
      for (let seq = 0; seq < 25; seq++) await transport.publish(topic, keys.map((k) => message(k, seq)));

      const inbox = new MessageCollector();
      await subscribe({ groupId: unique('group'), topics: [topic] }, inbox.handler());
      for (let seq = 25; seq < 50; seq++) await transport.publish(topic, keys.map((k) => message(k, seq)));
      await inbox.waitForCount(1000);

      for (const key of keys) {
        const ofKey = inbox.messages.filter((m) => m.key === key);
        expect(ofKey.map((m) => body(m).seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        // One partition per key, the one Kafka's murmur2 partitioner picks.
        expect(new Set(ofKey.map((m) => m.partition))).toEqual(new Set([partitionForKey(key, 4)]));
        expect(ofKey.every((m) => m.attempt === 1 && m.topic === topic)).toBe(true);
      }
    });

    it('gives every consumer group all messages', async () => {
      const topic = await newTopic();
      const first = new MessageCollector();
      const second = new MessageCollector();
      await subscribe({ groupId: unique('group-a'), topics: [topic] }, first.handler());
      await subscribe({ groupId: unique('group-b'), topics: [topic] }, second.handler());

      const sent = Array.from({ length: 30 }, (_, i) => message(`k${i % 7}`, i));
      await transport.publish(topic, sent);
      await Promise.all([first.waitForCount(30), second.waitForCount(30)]);

      const seqs = (c: MessageCollector) => c.messages.map((m) => body(m).seq).sort((a, b) => a - b);
      expect(seqs(first)).toEqual(sent.map((_, i) => i));
      expect(seqs(second)).toEqual(sent.map((_, i) => i));
    });

    it('lets the members of one group share the partitions', async () => {
      const topic = await newTopic(4);
      const groupId = unique('group');
      const all = new MessageCollector();
      const a: IncomingMessage[] = [];
      const b: IncomingMessage[] = [];
      await subscribe({ groupId, topics: [topic] }, all.handler((m) => void a.push(m)));
      await subscribe({ groupId, topics: [topic] }, all.handler((m) => void b.push(m)));

      const keys = Array.from({ length: 40 }, (_, i) => `member-key-${i}`);
      await transport.publish(topic, keys.map((k, i) => message(k, i)));
      await all.waitUntil((ms) => new Set(ms.map((m) => m.key)).size === 40, 'all 40 keys');

      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      const partitionsOfB = new Set(b.map((m) => m.partition));
      expect(a.filter((m) => partitionsOfB.has(m.partition))).toEqual([]);
    });

    it('redelivers a message whose handler threw, with attempt 2, and holds back the next message of its key', async () => {
      const topic = await newTopic();
      const inbox = new MessageCollector();
      const seen: string[] = [];
      await subscribe(
        { groupId: unique('group'), topics: [topic] },
        inbox.handler((m) => {
          seen.push(`${m.key}:${body(m).seq}#${m.attempt}`);
          // A TypeError on purpose: kafkajs treats it as unrecoverable unless the adapter guards it.
          if (m.key === 'flaky' && body(m).seq === 1 && m.attempt === 1) throw new TypeError('simulated handler bug');
        }),
      );

      await transport.publish(topic, [message('flaky', 1), message('flaky', 2), message('steady', 1)]);
      await inbox.waitUntil((ms) => ms.some((m) => m.key === 'flaky' && body(m).seq === 2), 'flaky:2');
      await inbox.waitUntil((ms) => ms.some((m) => m.key === 'steady'), 'steady:1');

      expect(seen.filter((s) => s.startsWith('flaky:'))).toEqual(['flaky:1#1', 'flaky:1#2', 'flaky:2#1']);
      expect(inbox.messages.filter((m) => m.key === 'flaky').map((m) => [body(m).seq, m.attempt])).toEqual([
        [1, 2],
        [2, 1],
      ]);
    });

    it('keeps redelivering a message that fails many times in a row, then moves on', async () => {
      const topic = await newTopic(1);
      const inbox = new MessageCollector();
      await subscribe(
        { groupId: unique('group'), topics: [topic] },
        inbox.handler((m) => {
          if (body(m).seq === 1 && m.attempt < 6) throw new Error(`simulated failure ${m.attempt}`);
        }),
      );

      await transport.publish(topic, [message('k', 1), message('k', 2)]);
      await inbox.waitForCount(2, 45_000);
      expect(inbox.messages.map((m) => [body(m).seq, m.attempt])).toEqual([
        [1, 6],
        [2, 1],
      ]);
    });

    it('round-trips key, bytes and headers', async () => {
      const topic = await newTopic();
      const inbox = new MessageCollector();
      await subscribe({ groupId: unique('group'), topics: [topic] }, inbox.handler());

      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const headers = { 'content-type': 'application/json', 'x-trace': 'abc-123', 'x-naam': 'Zoë' };
      await transport.publish(topic, [
        { key: 'json', value: '{"tekst":"één"}', headers },
        { key: 'bytes', value: bytes },
      ]);
      await inbox.waitForCount(2);

      const json = inbox.messages.find((m) => m.key === 'json')!;
      expect(json.value.toString('utf8')).toBe('{"tekst":"één"}');
      expect(json.headers).toEqual(headers);
      expect(typeof json.offset).toBe('string');
      const raw = inbox.messages.find((m) => m.key === 'bytes')!;
      expect(Buffer.compare(raw.value, bytes)).toBe(0);
      expect(raw.headers).toEqual({});
    });

    it('says when each message was published (what consumer lag is measured from)', async () => {
      const topic = await newTopic();
      const inbox = new MessageCollector();
      await subscribe({ groupId: unique('group'), topics: [topic] }, inbox.handler());
      const before = Date.now();
      await transport.publish(topic, [{ key: 'k', value: 'v' }]);
      const after = Date.now();
      await inbox.waitForCount(1);
      // Kafka stamps the record when the producer builds it: within the publish call (1 ms of rounding allowed).
      expect(inbox.messages[0]!.publishedAt).toBeGreaterThanOrEqual(before - 1);
      expect(inbox.messages[0]!.publishedAt).toBeLessThanOrEqual(after + 1);
    });

    it('ensureTopics is idempotent and leaves existing topics as they are', async () => {
      const topic = unique('topic');
      await transport.ensureTopics([{ topic, partitions: 2 }]);
      await transport.ensureTopics([{ topic, partitions: 2 }]);
      await transport.ensureTopics([{ topic, partitions: 6 }, { topic: unique('other'), partitions: 1 }]);

      const inbox = new MessageCollector();
      await subscribe({ groupId: unique('group'), topics: [topic] }, inbox.handler());
      const keys = Array.from({ length: 30 }, (_, i) => `idem-${i}`);
      await transport.publish(topic, keys.map((k, i) => message(k, i)));
      await inbox.waitForCount(30);
      // Still 2 partitions: every key lands where a 2-partition topic puts it.
      for (const m of inbox.messages) expect(m.partition).toBe(partitionForKey(m.key!, 2));
    });

    it('rejects a publish or subscribe to a topic that was never created', async () => {
      const missing = unique('missing');
      await expect(transport.publish(missing, [message('k', 1)])).rejects.toThrow(
        new RegExp(`Topic "${missing}" does not exist`),
      );
      await expect(
        transport.subscribe({ groupId: unique('group'), topics: [missing] }, async () => undefined),
      ).rejects.toThrow(/does not exist/);
    });

    it('resumes a group from its committed offsets; fromBeginning=false skips history of a new group', async () => {
      const topic = await newTopic(1);
      const groupId = unique('group');
      await transport.publish(topic, [message('k', 1), message('k', 2)]);

      const before = new MessageCollector();
      const first = await transport.subscribe({ groupId, topics: [topic] }, before.handler());
      await before.waitForCount(2);
      await first.stop();

      const latecomer = new MessageCollector();
      await subscribe({ groupId: unique('late'), topics: [topic], fromBeginning: false }, latecomer.handler());
      const after = new MessageCollector();
      await subscribe({ groupId, topics: [topic] }, after.handler());
      await transport.publish(topic, [message('k', 3)]);
      await Promise.all([after.waitForCount(1), latecomer.waitForCount(1)]);

      expect(after.messages.map((m) => body(m).seq)).toEqual([3]);
      expect(latecomer.messages.map((m) => body(m).seq)).toEqual([3]);
    });

    it('stop() waits for the handler call in flight', async () => {
      const topic = await newTopic(1);
      const started = deferred();
      const release = deferred();
      const events: string[] = [];
      const subscription = await transport.subscribe({ groupId: unique('group'), topics: [topic] }, async () => {
        started.resolve();
        await release.promise;
        events.push('handler finished');
      });
      await transport.publish(topic, [message('k', 1)]);
      await started.promise;

      const stopping = subscription.stop().then(() => events.push('stop resolved'));
      // A short window to show stop() does not resolve while the handler is still blocked.
      await new Promise((resolve) => setTimeout(resolve, 250));
      events.push('released');
      release.resolve();
      await stopping;
      expect(events).toEqual(['released', 'handler finished', 'stop resolved']);
    });

    it('close() stops the subscriptions and refuses further use', async () => {
      const own = await makeTransport();
      const topic = unique('topic');
      await own.ensureTopics([{ topic, partitions: 1 }]);
      const inbox = new MessageCollector();
      await own.subscribe({ groupId: unique('group'), topics: [topic] }, inbox.handler());
      await own.publish(topic, [message('k', 1)]);
      await inbox.waitForCount(1);

      await own.close();
      await own.close();
      await expect(own.publish(topic, [message('k', 2)])).rejects.toThrow(/closed/);
      expect(await own.healthy()).toBe(false);
    });

    describe('batch consumption (subscribeBatch)', () => {
      it('delivers batches of one topic-partition in offset order, at most maxBatchSize each; per-key order holds across batches (20 keys x 50)', async () => {
        const topic = await newTopic(4);
        const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
        // History (fromBeginning) fills batches up to the limit; later publishes arrive in small batches.
        for (let seq = 0; seq < 25; seq++) await transport.publish(topic, keys.map((k) => message(k, seq)));

        const inbox = new MessageCollector();
        await subscribeBatch({ groupId: unique('group'), topics: [topic], maxBatchSize: 64 }, inbox.batchHandler());
        for (let seq = 25; seq < 50; seq++) await transport.publish(topic, keys.map((k) => message(k, seq)));
        await inbox.waitForCount(1000);

        expect(malformedBatches(inbox.batches, 64)).toEqual([]);
        expect(Math.max(...inbox.batches.map((b) => b.length))).toBe(64);
        for (let partition = 0; partition < 4; partition++) {
          // The batches of a partition continue each other: every offset exactly once, in order.
          const offsets = inbox.batches.filter((b) => b[0].partition === partition).flatMap((b) => b.map((m) => Number(m.offset)));
          expect(offsets).toEqual(range(offsets.length));
        }
        for (const key of keys) {
          const ofKey = inbox.messages.filter((m) => m.key === key);
          expect(ofKey.map((m) => body(m).seq)).toEqual(range(50));
          expect(new Set(ofKey.map((m) => m.partition))).toEqual(new Set([partitionForKey(key, 4)]));
          expect(ofKey.every((m) => m.attempt === 1 && m.topic === topic)).toBe(true);
        }
      });

      it('batches at most 500 messages by default and delivers what is there without waiting to fill a batch', async () => {
        const topic = await newTopic(1);
        await transport.publish(topic, range(510).map((seq) => message(`k${seq % 5}`, seq)));
        const inbox = new MessageCollector();
        await subscribeBatch({ groupId: unique('group'), topics: [topic] }, inbox.batchHandler());
        await inbox.waitForCount(510);

        expect(malformedBatches(inbox.batches, 500)).toEqual([]);
        expect(Math.max(...inbox.batches.map((b) => b.length))).toBe(500);
        expect(inbox.messages.map((m) => body(m).seq)).toEqual(range(510));

        // A lone message comes as a batch of one: nothing waits for more messages to arrive.
        await transport.publish(topic, [message('lone', 510)]);
        await inbox.waitForCount(511);
        expect(inbox.batches.at(-1)!.map((m) => body(m).seq)).toEqual([510]);
      });

      it('rejects a maxBatchSize that is not a positive integer', async () => {
        const topic = await newTopic(1);
        for (const maxBatchSize of [0, -1, 1.5, Number.NaN]) {
          await expect(
            transport.subscribeBatch({ groupId: unique('group'), topics: [topic], maxBatchSize }, async () => undefined),
          ).rejects.toThrow(/maxBatchSize must be a positive integer/);
        }
      });

      it('redelivers a failed batch from its first message with attempt 2; later messages of the partition wait, none lost or reordered', async () => {
        const topic = await newTopic(1);
        await transport.publish(topic, range(30).map((seq) => message(`k${seq % 3}`, seq)));
        const calls: string[] = [];
        const inbox = new MessageCollector();
        await subscribeBatch(
          { groupId: unique('group'), topics: [topic], maxBatchSize: 10 },
          inbox.batchHandler((batch) => {
            calls.push(`${batch[0].offset}-${batch.at(-1)!.offset}#${[...new Set(batch.map((m) => m.attempt))].join('/')}`);
            // A TypeError on purpose: kafkajs treats it as unrecoverable unless the adapter guards it.
            if (batch[0].offset === '10' && batch[0].attempt === 1) throw new TypeError('simulated batch handler bug');
          }),
        );
        await inbox.waitForCount(30);

        // "from-to#attempts": the failed batch comes again whole, every message at attempt 2, before anything after it.
        expect(calls).toEqual(['0-9#1', '10-19#1', '10-19#2', '20-29#1']);
        expect(inbox.messages.map((m) => body(m).seq)).toEqual(range(30));
        expect(malformedBatches(inbox.batches, 10)).toEqual([]);
      });

      it('commits offsets only after a batch succeeded: the same group resumes after the handled batches', async () => {
        const topic = await newTopic(1);
        const groupId = unique('group');
        await transport.publish(topic, range(20).map((seq) => message(`k${seq % 4}`, seq)));

        // Batches 0-6 and 7-13 succeed; 14-19 keeps failing until the subscription stops.
        const failed = deferred();
        const before = new MessageCollector();
        const first = await transport.subscribeBatch(
          { groupId, topics: [topic], maxBatchSize: 7 },
          before.batchHandler((batch) => {
            if (batch[0].offset !== '14') return;
            failed.resolve();
            throw new Error('simulated failure');
          }),
        );
        await failed.promise;
        await first.stop();
        expect(before.messages.map((m) => body(m).seq)).toEqual(range(14));

        await transport.publish(topic, range(5, 20).map((seq) => message(`k${seq % 4}`, seq)));
        const after = new MessageCollector();
        await subscribeBatch({ groupId, topics: [topic], maxBatchSize: 7 }, after.batchHandler());
        await after.waitForCount(11);
        expect(after.messages.map((m) => body(m).seq)).toEqual(range(11, 14));
        expect(after.batches[0][0].offset).toBe('14');
      });
    });
  });
}
