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
} from '#messaging';
import type { ProcessMetrics } from './process-metrics.js';

/**
 * Counts what passes through a transport (published, consumed, failed) and how far behind each consumer
 * runs, without changing any semantics: results and errors pass through untouched.
 */
export class MeteredTransport implements MessageTransport {
  constructor(
    private readonly inner: MessageTransport,
    private readonly metrics: ProcessMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(specs);
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    try {
      await this.inner.publish(topic, messages);
    } catch (error) {
      this.metrics.publishFailures.inc({ topic });
      throw error;
    }
    this.metrics.published.inc({ topic }, messages.length);
  }

  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.inner.subscribe(options, async (message) => {
      await this.measured(options.groupId, message.topic, () => handler(message));
      this.handled(options.groupId, [message]);
    });
  }

  subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    return this.inner.subscribeBatch(options, async (batch) => {
      await this.measured(options.groupId, batch[0]!.topic, () => handler(batch));
      this.handled(options.groupId, batch);
    });
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>> {
    return this.inner.redeliveryHorizon(topics);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async measured(consumer: string, topic: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.metrics.consumeFailures.inc({ consumer, topic });
      throw error;
    }
  }

  private handled(consumer: string, messages: readonly IncomingMessage[]): void {
    const now = this.now();
    for (const m of messages) {
      this.metrics.consumed.inc({ consumer, topic: m.topic });
      // A clock step between two machines can make this negative; such a sample says nothing, so it is left out.
      const lagMs = now - m.publishedAt;
      if (Number.isFinite(lagMs) && lagMs >= 0) this.metrics.consumerLag.observe({ consumer, topic: m.topic }, lagMs / 1000);
    }
  }
}
