import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { KafkaTransport } from '../src/kafka.transport.js';

/**
 * A process whose start-up fails closes its transport while it may still be creating topics. Before, the admin
 * client was disconnected under the running `ensureTopics`, which went on calling it ("Not connected", "Closed
 * connection") with kafkajs retrying in the background: a process (or Jest) that did not exit. Now `close` lets the
 * admin operations in flight stop at their next step ("KafkaTransport is closed") and settle before it disconnects
 * the client, and no connection to the broker stays open. Real broker (KAFKA_BROKERS).
 */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const brokerPort = Number(brokers[0]!.slice(brokers[0]!.lastIndexOf(':') + 1));

/** Open sockets of this process to the broker. */
const brokerSockets = (): Socket[] =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h): h is Socket => h instanceof Socket && h.remotePort === brokerPort && !h.destroyed);

async function settledSockets(before: number): Promise<number> {
  // Sockets close asynchronously after disconnect: give them a moment, then count.
  for (let i = 0; i < 40 && brokerSockets().length > before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return brokerSockets().length;
}

describe('a Kafka transport closed while it creates topics', () => {
  it.each([0, 1, 5, 20])('stops the operation before it disconnects, and leaves no connection open (closed %i ms after ensureTopics began)', async (delayMs) => {
    const before = brokerSockets().length;
    const transport = new KafkaTransport({ brokers, clientId: `sr-close-test-${randomBytes(3).toString('hex')}`, logLevel: 'nothing' });
    const ensuring = transport.ensureTopics([{ topic: `sr-close-test-${randomBytes(4).toString('hex')}`, partitions: 1 }]).then(
      () => 'created',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await transport.close();
    const outcome = await ensuring;
    expect(await settledSockets(before)).toBe(before);
    // It either finished first or stopped because the transport closed, not on a client disconnected under it.
    expect(outcome).toMatch(/^created$|closed/);
  });
});
