import { describe, expect, it } from '@jest/globals';
import { PrefixedTransport } from '../src/prefixed.transport.js';
import type {
  BatchMessageHandler,
  BatchSubscribeOptions,
  IncomingMessage,
  MessageHandler,
  MessageTransport,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../src/transport.port.js';

/** Records what reaches the broker side of a `PrefixedTransport` and lets the test deliver messages back. */
class FakeInnerTransport implements MessageTransport {
  readonly kind = 'kafka' as const;
  readonly ensured: TopicSpec[] = [];
  readonly published: { topic: string; messages: OutgoingMessage[] }[] = [];
  readonly subscriptions: (SubscribeOptions | BatchSubscribeOptions)[] = [];
  readonly handlers: MessageHandler[] = [];
  readonly batchHandlers: BatchMessageHandler[] = [];
  readonly stopped: string[] = [];

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.ensured.push(...specs);
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    this.published.push({ topic, messages });
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    this.subscriptions.push(options);
    this.handlers.push(handler);
    return { stop: async () => void this.stopped.push(options.groupId) };
  }

  async subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    this.subscriptions.push(options);
    this.batchHandlers.push(handler);
    return { stop: async () => void this.stopped.push(options.groupId) };
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  async redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>> {
    return new Map(topics.map((t) => [t, 1000]));
  }

  async close(): Promise<void> {}
}

const message = (topic: string): IncomingMessage => ({
  topic,
  partition: 0,
  offset: '0',
  key: 'k',
  value: Buffer.from('{}'),
  headers: {},
  attempt: 1,
  publishedAt: 0,
});

describe('PrefixedTransport (KAFKA_TOPIC_PREFIX)', () => {
  it('puts the consumer group in the namespace with the topics, so deployments sharing a cluster never share a group', async () => {
    const inner = new FakeInnerTransport();
    const acc = new PrefixedTransport(inner, 'acc.');
    const prod = new PrefixedTransport(inner, 'prod.');
    await acc.subscribe({ groupId: 'signaalroute.intake.inbound', topics: ['signaalroute.inbound.mma.v1'], fromBeginning: true }, async () => undefined);
    await prod.subscribeBatch({ groupId: 'signaalroute.intake.inbound', topics: ['signaalroute.inbound.mma.v1'], maxBatchSize: 10 }, async () => undefined);

    expect(inner.subscriptions).toEqual([
      { groupId: 'acc.signaalroute.intake.inbound', topics: ['acc.signaalroute.inbound.mma.v1'], fromBeginning: true },
      { groupId: 'prod.signaalroute.intake.inbound', topics: ['prod.signaalroute.inbound.mma.v1'], maxBatchSize: 10 },
    ]);
  });

  it('keeps logical names towards the product: handlers see the topic without the prefix', async () => {
    const inner = new FakeInnerTransport();
    const transport = new PrefixedTransport(inner, 'acc.');
    const seen: string[] = [];
    await transport.subscribe({ groupId: 'g', topics: ['t'] }, async (m) => void seen.push(m.topic));
    await transport.subscribeBatch({ groupId: 'g', topics: ['t'] }, async (batch) => void seen.push(...batch.map((m) => m.topic)));
    await inner.handlers[0]!(message('acc.t'));
    await inner.batchHandlers[0]!([message('acc.t'), message('acc.t')]);
    expect(seen).toEqual(['t', 't', 't']);
  });

  it('prefixes the topics it creates, publishes to and asks the redelivery horizon of', async () => {
    const inner = new FakeInnerTransport();
    const transport = new PrefixedTransport(inner, 'acc.');
    await transport.ensureTopics([{ topic: 't', partitions: 3 }]);
    await transport.publish('t', [{ key: 'k', value: 'v' }]);
    expect(inner.ensured).toEqual([{ topic: 'acc.t', partitions: 3 }]);
    expect(inner.published.map((p) => p.topic)).toEqual(['acc.t']);
    expect(await transport.redeliveryHorizon(['t'])).toEqual(new Map([['t', 1000]]));
  });
});
