import { describe, expect, it } from '@jest/globals';
import { InProcessTransport } from '../src/in-process.transport.js';
import { body, MessageCollector } from './message.collector.js';
import { describeTransportContract } from './transport.contract.js';

// Short backoff keeps the "fails many times in a row" contract test fast.
describeTransportContract('InProcessTransport', () => new InProcessTransport({ redelivery: { initialBackoffMs: 10, maxBackoffMs: 100 } }));

describe('InProcessTransport specifics', () => {
  it('waits a doubling backoff before each redelivery', async () => {
    const transport = new InProcessTransport({ redelivery: { initialBackoffMs: 100, multiplier: 2, maxBackoffMs: 1_000 } });
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      const deliveredAt: number[] = [];
      const inbox = new MessageCollector();
      await transport.subscribe(
        { groupId: 'g', topics: ['t'] },
        inbox.handler((m) => {
          deliveredAt.push(performance.now());
          if (m.attempt < 3) throw new Error('simulated failure');
        }),
      );
      await transport.publish('t', [{ key: 'k', value: '{}' }]);
      await inbox.waitForCount(1);

      expect(inbox.messages[0].attempt).toBe(3);
      // Lower bounds only: a loaded machine may be slower, never faster (1 ms timer slack).
      expect(deliveredAt[1] - deliveredAt[0]).toBeGreaterThanOrEqual(99);
      expect(deliveredAt[2] - deliveredAt[1]).toBeGreaterThanOrEqual(199);
    } finally {
      await transport.close();
    }
  });

  it('keeps a bounded history per partition; a new group starts at the oldest retained message', async () => {
    const transport = new InProcessTransport({ retentionPerPartition: 10 });
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      for (let seq = 0; seq < 100; seq++) {
        await transport.publish('t', [{ key: 'k', value: JSON.stringify({ key: 'k', seq }) }]);
      }
      const inbox = new MessageCollector();
      await transport.subscribe({ groupId: 'g', topics: ['t'] }, inbox.handler());
      await inbox.waitUntil((ms) => ms.some((m) => body(m).seq === 99), 'the newest message');

      const seqs = inbox.messages.map((m) => body(m).seq);
      // Trimming happens in chunks of a quarter of the retention, so 10..12 messages remain.
      expect(seqs.length).toBeGreaterThanOrEqual(10);
      expect(seqs.length).toBeLessThanOrEqual(12);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 100 - seqs.length + i));
      expect(inbox.messages[0].offset).toBe(String(100 - seqs.length));
    } finally {
      await transport.close();
    }
  });

  it('drops messages older than its retention time, like Kafka\'s retention.ms, and says so as its redelivery horizon', async () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const transport = new InProcessTransport({ retentionMs: 60_000, now: () => now });
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      expect(await transport.redeliveryHorizon(['t'])).toEqual(new Map([['t', 60_000]]));
      for (let seq = 0; seq < 5; seq++) {
        await transport.publish('t', [{ key: 'k', value: JSON.stringify({ seq }) }]);
        now += 20_000;
      }
      // Now the first two messages are 100 and 80 s old, the third exactly 60 s: a new group starts at the third.
      const inbox = new MessageCollector();
      await transport.subscribe({ groupId: 'late', topics: ['t'] }, inbox.handler());
      await inbox.waitUntil((ms) => ms.some((m) => body(m).seq === 4), 'the newest message');
      expect(inbox.messages.map((m) => body(m).seq)).toEqual([2, 3, 4]);
      expect(inbox.messages[0]!.offset).toBe('2');
    } finally {
      await transport.close();
    }
  });

  it('answers the redelivery horizon only for topics it has', async () => {
    const transport = new InProcessTransport();
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      expect(await transport.redeliveryHorizon(['t'])).toEqual(new Map([['t', 7 * 24 * 3_600_000]]));
      await expect(transport.redeliveryHorizon(['t', 'nope'])).rejects.toThrow(/Topic "nope" does not exist/);
    } finally {
      await transport.close();
    }
  });

  it('rejects invalid partition counts', async () => {
    const transport = new InProcessTransport();
    await expect(transport.ensureTopics([{ topic: 't', partitions: 1.5 }])).rejects.toThrow(/positive integer/);
    await transport.close();
  });

  it('gives each delivery its own copy of the value', async () => {
    const transport = new InProcessTransport();
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      const a = new MessageCollector();
      const b = new MessageCollector();
      await transport.subscribe({ groupId: 'a', topics: ['t'] }, a.handler((m) => void m.value.fill(0)));
      const published = Buffer.from('abc');
      await transport.publish('t', [{ key: 'k', value: published }]);
      published.fill(0);
      await a.waitForCount(1);
      await transport.subscribe({ groupId: 'b', topics: ['t'] }, b.handler());
      await b.waitForCount(1);
      expect(b.messages[0].value.toString()).toBe('abc');
    } finally {
      await transport.close();
    }
  });
});
