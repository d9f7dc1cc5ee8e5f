/**
 * The integration channel between apps. Two adapters implement it with the same semantics:
 * Kafka (kafkajs) and in-process. Semantics every adapter must keep:
 *  - messages with the same key are delivered in publish order (per-key order);
 *  - at-least-once: a message is delivered again when the handler throws, and the next message of
 *    that key waits until it succeeds;
 *  - each consumer group receives every message; members of one group share the partitions;
 *  - batch consumption (`subscribeBatch`) keeps all of the above, one topic-partition per batch.
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
  /** Each header's value (of a header sent more than once, the last). */
  headers: Record<string, string>;
  /**
   * Names of headers the message carried more than once (Kafka allows it; `headers` holds the last value), so a
   * consumer that reads one of them can refuse the message instead of picking a value. Absent when there are none.
   */
  repeatedHeaders?: readonly string[];
  /** 1 on first delivery; grows on redelivery after a handler error (best effort across restarts). */
  attempt: number;
  /** When the message was published, in ms since the epoch (Kafka: the record's timestamp). */
  publishedAt: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/** Receives a non-empty batch: messages of one topic-partition in offset order. */
export type BatchMessageHandler = (batch: IncomingMessage[]) => Promise<void>;

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

/** Default of `BatchSubscribeOptions.maxBatchSize`. */
export const DEFAULT_MAX_BATCH_SIZE = 500;

export interface BatchSubscribeOptions extends SubscribeOptions {
  /** Most messages per handler call; a positive integer. Default 500 (`DEFAULT_MAX_BATCH_SIZE`). */
  maxBatchSize?: number;
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
  /**
   * Like `subscribe`, but hands the handler many messages per call, so a consumer can apply them in
   * one transaction (one database round trip instead of one per message). Semantics:
   *  - every batch holds messages of ONE topic-partition, in offset order, and batches of a
   *    partition follow each other in offset order, so per-key order holds within and across
   *    batches (batches of different partitions may be handled concurrently);
   *  - at-least-once: when the handler throws, the whole batch is delivered again from its first
   *    message (`attempt` incremented on each message, after the adapter's redelivery backoff) and
   *    later messages of that partition wait (the redelivered batch starts at the same message and
   *    may hold more messages than the failed one when more arrived meanwhile);
   *  - offsets are committed only after the handler succeeded for the whole batch;
   *  - at most `maxBatchSize` (default 500) messages per batch; a batch is delivered as soon as
   *    messages are available, without waiting to fill it;
   *  - the handler is never called with an empty batch.
   * Rejects when `maxBatchSize` is not a positive integer.
   */
  subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription>;
  /** True when the transport can reach its backend (readiness). */
  healthy(): Promise<boolean>;
  /**
   * For each topic: the longest a message may still be delivered after it was published, in milliseconds, or
   * null when the topic keeps messages without a time limit (Kafka: `retention.ms` -1, or a compacted topic).
   * A consumer that must recognise a redelivered message (the inbox) has to remember it at least this long.
   */
  redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>>;
  close(): Promise<void>;
}

/** Nest injection token for the configured transport. */
export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
