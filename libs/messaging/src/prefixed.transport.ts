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
 * Puts a deployment's topics and consumer groups in a namespace of their own: the product keeps using the
 * logical names (`signaalroute.signals.v1`, group `signaalroute.intake.inbound`), the broker sees
 * `<prefix>signaalroute.signals.v1` and group `<prefix>signaalroute.intake.inbound`. Lets two deployments (an
 * acceptance and a production environment, or parallel test runs) share one Kafka cluster without reading
 * each other's events or joining each other's consumer groups (a group shared by deployments reading different
 * topics would rebalance between them and stall both). Everything above this layer (handlers, metrics labels)
 * sees logical names only.
 */
export class PrefixedTransport implements MessageTransport {
  constructor(
    private readonly inner: MessageTransport,
    private readonly prefix: string,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  /** The broker's name of a logical topic. */
  private physical = (topic: string): string => `${this.prefix}${topic}`;

  /** The broker's name of a logical consumer group: in the same namespace as the topics it reads. */
  private physicalGroup = (groupId: string): string => `${this.prefix}${groupId}`;

  /** Subscription options as the broker must see them: topics and consumer group prefixed. */
  private physicalOptions = <T extends SubscribeOptions>(options: T): T => ({ ...options, groupId: this.physicalGroup(options.groupId), topics: options.topics.map(this.physical) });

  private logical = (message: IncomingMessage): IncomingMessage =>
    message.topic.startsWith(this.prefix) ? { ...message, topic: message.topic.slice(this.prefix.length) } : message;

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(specs.map((s) => ({ ...s, topic: this.physical(s.topic) })));
  }

  publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    return this.inner.publish(this.physical(topic), messages);
  }

  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.inner.subscribe(this.physicalOptions(options), (m) => handler(this.logical(m)));
  }

  subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    return this.inner.subscribeBatch(this.physicalOptions(options), (batch) => handler(batch.map(this.logical)));
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
