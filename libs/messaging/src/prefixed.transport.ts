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
} from './transport.port.js';

/**
 * Puts a deployment's topics in a namespace of their own: the product keeps using the logical names
 * (`signaalroute.signals.v1`), the broker sees `<prefix>signaalroute.signals.v1`. Lets two deployments (an
 * acceptance and a production environment, or parallel test runs) share one Kafka cluster without reading
 * each other's events.
 */
export class PrefixedTransport implements MessageTransport {
  constructor(
    private readonly inner: MessageTransport,
    private readonly prefix: string,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  private physical = (topic: string): string => `${this.prefix}${topic}`;

  private logical = (message: IncomingMessage): IncomingMessage =>
    message.topic.startsWith(this.prefix) ? { ...message, topic: message.topic.slice(this.prefix.length) } : message;

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(specs.map((s) => ({ ...s, topic: this.physical(s.topic) })));
  }

  publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    return this.inner.publish(this.physical(topic), messages);
  }

  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.inner.subscribe({ ...options, topics: options.topics.map(this.physical) }, (m) => handler(this.logical(m)));
  }

  subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    return this.inner.subscribeBatch({ ...options, topics: options.topics.map(this.physical) }, (batch) => handler(batch.map(this.logical)));
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  async redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>> {
    const physical = await this.inner.redeliveryHorizon(topics.map(this.physical));
    return new Map(topics.map((topic) => [topic, physical.get(this.physical(topic)) ?? null]));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
