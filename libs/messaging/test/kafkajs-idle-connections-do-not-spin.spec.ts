import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KafkaTransport } from '../src/kafka.transport.js';
import { scheduleCheckPendingRequestsWithoutSpin } from '../src/kafkajs-idle-timer.fix.js';
import type { Subscription } from '../src/transport.port.js';

/**
 * kafkajs 2.2.4 re-arms a 1 ms timer on every broker connection forever, also when it has nothing to do
 * (tulios/kafkajs#1556): ~900 wake-ups a second per idle process here. The transport fixes that method.
 */

/** A stand-in with the RequestQueue fields the method reads. */
function queue(pending: number, throttledForMs: number) {
  const q = {
    pending: Array.from({ length: pending }, () => ({})),
    throttledUntil: throttledForMs > 0 ? Date.now() + throttledForMs : -1,
    throttleCheckTimeoutId: null as ReturnType<typeof setTimeout> | null,
    checks: 0,
    checkPendingRequests() {
      q.checks++;
    },
    scheduleCheckPendingRequests: scheduleCheckPendingRequestsWithoutSpin,
  };
  return q;
}

describe('the kafkajs request queue, fixed', () => {
  it('schedules nothing when no request is pending and no throttle is in effect', () => {
    const q = queue(0, 0);
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('checks pending requests again later (10 ms, or when a throttle ends), once', async () => {
    const held = queue(2, 0);
    held.scheduleCheckPendingRequests();
    const first = held.throttleCheckTimeoutId;
    expect(first).not.toBeNull();
    held.scheduleCheckPendingRequests();
    expect(held.throttleCheckTimeoutId).toBe(first);
    await new Promise((r) => setTimeout(r, 40));
    expect(held.checks).toBe(1);
    expect(held.throttleCheckTimeoutId).toBeNull();

    const throttled = queue(0, 30);
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    await new Promise((r) => setTimeout(r, 80));
    expect(throttled.checks).toBe(1);
  });
});

describe('an idle Kafka consumer on the real broker', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const runId = randomBytes(4).toString('hex');
  const topic = `sr-idle-test-${runId}`;
  let transport: KafkaTransport;
  let subscription: Subscription;

  beforeAll(async () => {
    transport = new KafkaTransport({ brokers, clientId: `signaalroute-idle-test-${runId}`, logLevel: 'nothing' });
    await transport.ensureTopics([{ topic, partitions: 1 }]);
    subscription = await transport.subscribe({ groupId: `sr-idle-test-${runId}`, topics: [topic] }, async () => undefined);
    await transport.publish(topic, [{ key: 'k', value: 'warm the producer connection too' }]);
  }, 120_000);
  afterAll(async () => {
    await subscription?.stop();
    await transport?.close();
  });

  it('checks its request queues only when there is something to check (a handful of times a second, not hundreds)', async () => {
    const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as { prototype: { checkPendingRequests(): void } };
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      return original.call(this);
    };
    try {
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      RequestQueue.prototype.checkPendingRequests = original;
    }
    // Idle: a fetch every 500 ms and a heartbeat a second per consumer, each checking once when answered.
    // The unfixed kafkajs checks about a thousand times a second per connection.
    expect(checks).toBeLessThan(60);
  }, 120_000);
});
