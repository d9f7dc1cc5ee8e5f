/**
 * The integration channel between apps. Two adapters implement it with the same semantics:
 * Kafka (kafkajs) and in-process. Semantics every adapter must keep:
 *  - messages with the same key are delivered in publish order (per-key order);
 *  - at-least-once: a message is delivered again when the handler throws, and the next message of
 *    that key waits until it succeeds;
 *  - each consumer group receives every message; members of one group share the partitions.
 */
export interface OutgoingMessage {
  key: string;
  /** UTF-8 JSON text, or raw bytes. */
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** 1 on first delivery; grows on redelivery after a handler error (best effort across restarts). */
  attempt: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /** Start at the earliest offset when the group has no committed offset. Default true. */
  fromBeginning?: boolean;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface MessageTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** Resolves once every message is durably accepted (Kafka: acks=all). Rejects on failure; nothing is retried here. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription>;
  /** True when the transport can reach its backend (readiness). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Nest injection token for the configured transport. */
export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
