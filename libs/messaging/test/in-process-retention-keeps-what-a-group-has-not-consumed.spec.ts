import { describe, expect, it } from '@jest/globals';
import { InProcessTransport, type InProcessTransportOptions } from '../src/in-process.transport.js';
import type { IncomingMessage } from '../src/transport.port.js';

/**
 * Retention of the in-process transport (count and age) drops only what every known consumer group has consumed: a
 * lagging group holds its partition back until it catches up, and a warning names it. Without a store (memory only);
 * with the embedded store see libs/eventstore/test/in-process-retention-never-drops-what-a-group-has-not-consumed.spec.ts.
 */

const values = (messages: readonly IncomingMessage[]) => messages.map((m) => m.value.toString('utf8'));

async function until(probe: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function transportWithWarnings(options: InProcessTransportOptions = {}) {
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const transport = new InProcessTransport({
    retentionPerPartition: 2,
    redelivery: { initialBackoffMs: 5, maxBackoffMs: 20 },
    logger: (level, message, extra) => void (level === 'warn' && warnings.push({ message, extra })),
    ...options,
  });
  const held = () => warnings.filter((w) => /has not consumed/.test(w.message));
  return { transport, warnings, held };
}

describe('InProcessTransport retention and lagging groups', () => {
  it('keeps what a failing group has not consumed and delivers it all, in order, once the group recovers', async () => {
    const { transport, warnings } = transportWithWarnings();
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      let broken = true;
      let failures = 0;
      const handled: IncomingMessage[] = [];
      await transport.subscribeBatch({ groupId: 'router', topics: ['t'], maxBatchSize: 10 }, async (batch) => {
        if (broken && values(batch).includes('m0')) {
          failures++;
          throw new Error('not yet');
        }
        handled.push(...batch);
      });
      await transport.publish('t', [{ key: 'k', value: 'm0' }]);
      await until(() => failures >= 1, 'm0 to fail');
      for (let i = 1; i < 6; i++) await transport.publish('t', [{ key: 'k', value: `m${i}` }]);
      broken = false;
      await until(() => handled.length >= 6, 'six messages');
      expect(values(handled)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect(warnings.filter((w) => /skipping/.test(w.message))).toEqual([]);
    } finally {
      await transport.close();
    }
  });

  it('warns when a lagging group makes a partition hold twice its retention, again when it doubles, and again after it caught up and fell behind anew', async () => {
    const { transport, held } = transportWithWarnings();
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      let broken: (value: string) => boolean = (value) => value === 'm0';
      const handled: string[] = [];
      const fresh: string[] = [];
      let fastHandled = 0;
      await transport.subscribe({ groupId: 'fast', topics: ['t'] }, async () => void fastHandled++);
      await transport.subscribe({ groupId: 'tables', topics: ['t'] }, async (m) => {
        if (broken(m.value.toString('utf8'))) throw new Error('not yet');
        handled.push(m.value.toString('utf8'));
      });
      const publish = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          await transport.publish('t', [{ key: 'k', value: `m${i}` }]);
          await until(() => fastHandled === i + 1, `the fast group to consume m${i}`); // only the tables app lags
        }
      };
      await publish(0, 3);
      expect(held()).toHaveLength(0); // within the trim band (retention 2 trims past 3)
      await publish(3, 7);
      expect(held()).toHaveLength(1); // at 4 (twice the retention), not again up to 7
      expect(held()[0]!.extra).toMatchObject({ topic: 't', partition: 0, groups: [{ groupId: 'tables', nextOffset: 0 }], messages: 4, retentionPerPartition: 2 });
      await publish(7, 8);
      expect(held()).toHaveLength(2); // doubled: 8
      expect(held()[1]!.extra).toMatchObject({ messages: 8 });

      broken = () => false;
      await until(() => handled.length === 8, 'the tables app to catch up');
      expect(handled).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
      // Both groups consumed it all: retention trimmed, a new group finds only what it keeps.
      await transport.subscribe({ groupId: 'newcomer', topics: ['t'] }, async (m) => void fresh.push(m.value.toString('utf8')));
      await until(() => fresh.includes('m7'), 'the newcomer');
      expect(fresh.length).toBeLessThanOrEqual(3);

      broken = (value) => value === 'm8';
      await publish(8, 12);
      await until(() => held().length === 3, 'a new warning after falling behind again');
      expect(held()[2]!.extra).toMatchObject({ groups: [{ groupId: 'tables', nextOffset: 8 }], messages: 4 });
      broken = () => false;
      await until(() => handled.length === 12, 'the tables app to catch up again');
    } finally {
      await transport.close();
    }
  });

  it('the time retention keeps an expired message a group has not consumed, says so once, and drops it once consumed', async () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const { transport, held } = transportWithWarnings({ retentionPerPartition: 100, retentionMs: 60_000, now: () => now });
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      let broken = true;
      const handled: string[] = [];
      await transport.subscribe({ groupId: 'router', topics: ['t'] }, async (m) => {
        if (broken) throw new Error('not yet');
        handled.push(m.value.toString('utf8'));
      });
      await transport.publish('t', [{ key: 'k', value: 'old' }]);
      now += 120_000;
      await transport.publish('t', [{ key: 'k', value: 'new' }]);
      await transport.publish('t', [{ key: 'k', value: 'newer' }]);
      expect(held()).toHaveLength(1);
      expect(held()[0]!.extra).toMatchObject({ groups: [{ groupId: 'router', nextOffset: 0 }], oldestPublishedAt: now - 120_000 });

      broken = false;
      await until(() => handled.length === 3, 'the router to catch up');
      expect(handled).toEqual(['old', 'new', 'newer']);
      const late: IncomingMessage[] = [];
      await transport.subscribe({ groupId: 'late', topics: ['t'] }, async (m) => void late.push(m));
      await until(() => late.length === 2, 'the late group');
      expect(values(late)).toEqual(['new', 'newer']); // 'old' went once the router had it
    } finally {
      await transport.close();
    }
  });

  it('a group far behind (many times its retention) drains its backlog, and retention follows it', async () => {
    const { transport } = transportWithWarnings({ retentionPerPartition: 100 });
    try {
      await transport.ensureTopics([{ topic: 't', partitions: 1 }]);
      let broken = true;
      let handled = 0;
      let inOrder = true;
      await transport.subscribeBatch({ groupId: 'router', topics: ['t'], maxBatchSize: 50 }, async (batch) => {
        if (broken) throw new Error('not yet');
        for (const m of batch) inOrder &&= Number(m.offset) === handled++;
      });
      const total = 20_000;
      for (let i = 0; i < total; i += 100) {
        await transport.publish('t', Array.from({ length: 100 }, (_, j) => ({ key: 'k', value: `m${i + j}` })));
      }
      broken = false;
      await until(() => handled === total, 'the backlog', 60_000);
      expect(inOrder).toBe(true);
      const fresh: IncomingMessage[] = [];
      await transport.subscribe({ groupId: 'newcomer', topics: ['t'] }, async (m) => void fresh.push(m));
      await until(() => fresh.some((m) => m.offset === String(total - 1)), 'the newcomer');
      expect(fresh.length).toBeLessThanOrEqual(125);
    } finally {
      await transport.close();
    }
  });
});
