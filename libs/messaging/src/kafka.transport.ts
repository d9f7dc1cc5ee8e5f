import kafkajs, {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type ConsumerRunConfig,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { kafkaRedeliveryHorizon, type KafkaTopicRetentionConfig } from './kafka-redelivery-horizon.js';
import { fixIdleTimerLoop } from './kafkajs-idle-timer.fix.js';
import { resolveMaxBatchSize } from './max-batch-size.validator.js';
import { silentTransportLogger, type TransportLogLevel, type TransportLogger } from './transport-logger.port.js';
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

/** Consumer tuning; the defaults favour fast group joins and quick redelivery. */
export interface KafkaConsumerTuning {
  /** Default 10 000 (the broker's minimum is 6 000). */
  sessionTimeoutMs?: number;
  /** Default 1 000; must stay below a third of the session timeout. */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for members to rejoin. Default 10 000. */
  rebalanceTimeoutMs?: number;
  /** Long-poll wait of an idle fetch; also bounds how long `stop()` waits for it. Default 500. */
  maxWaitTimeMs?: number;
  /** Partitions handled at the same time by one subscription. Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * How often a batch subscription commits the offsets of the batches it handled (also on stop). kafkajs commits
   * after every batch: at a few messages a second that is a commit request per message per consumer group. A crash
   * redelivers at most this long's messages, which the inbox turns into no-ops. 0 commits after every batch.
   * Default 1 000.
   */
  commitIntervalMs?: number;
  /**
   * Redelivery after a handler error is kafkajs' consumer retry: backoff from `initialRetryTimeMs`
   * doubling up to `maxRetryTimeMs`; after `retries` failures in a row the consumer restarts
   * (rejoins the group) and keeps redelivering. Defaults 100 / 2 000 / 5.
   */
  retry?: { initialRetryTimeMs?: number; maxRetryTimeMs?: number; retries?: number };
}

export interface KafkaTransportConfig {
  brokers: string[];
  clientId: string;
  /** Most verbose level passed to `logger`. Default 'warn'. */
  logLevel?: TransportLogLevel | 'nothing';
  /** Receives kafkajs' log output. Default: drops everything. */
  logger?: TransportLogger;
  /** TCP connect timeout per broker. Default 3 000. */
  connectionTimeoutMs?: number;
  /** Partition count `ensureTopics` uses when a spec gives none (JS callers). Default 3. */
  partitionsDefault?: number;
  /** `healthy()` answers false when the cluster cannot be described within this time. Default 2 000. */
  healthTimeoutMs?: number;
  consumer?: KafkaConsumerTuning;
}

type ResolvedTuning = Required<Omit<KafkaConsumerTuning, 'retry'>> & {
  retry: Required<NonNullable<KafkaConsumerTuning['retry']>>;
};

const LEVEL_RANK: Record<TransportLogLevel | 'nothing', number> = { nothing: 0, error: 1, warn: 2, info: 3, debug: 4 };
const TO_KAFKAJS_LEVEL = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

/**
 * kafkajs warns about this on every idempotent producer with bounded retries. Bounded retries are
 * deliberate here: `publish` must reject so the outbox relay can retry, and consumers are idempotent.
 */
const EXPECTED_PRODUCER_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * kafkajs' text for LEADER_NOT_AVAILABLE. Creating topics, kafkajs waits for their leaders by asking for
 * metadata until the broker names one, and logs every "not yet" answer at error level before it asks again;
 * a busy broker gives several. They are part of the wait, not a failure (a wait that gives up throws).
 */
const LEADER_NOT_YET_ELECTED = 'There is no leader for this topic-partition as we are in the middle of a leadership election';

/**
 * The broker's answer to a group member's heartbeat while the group rebalances (a member joined or left: another
 * process or worker started or stopped). kafkajs logs each at error level and then rejoins, as it should.
 */
const GROUP_REBALANCING = 'The group is rebalancing, so a rejoin is needed';
const REJOINING = 'The group is rebalancing, re-joining';

/** The level a kafkajs log entry is passed on at: its own, except for the expected messages above. */
export function transportLevelOf(level: KafkaLogLevel, message: string, extra: Record<string, unknown>): TransportLogLevel {
  if (message === EXPECTED_PRODUCER_WARNING) return 'debug';
  if (message.startsWith('Response Metadata(') && extra.error === LEADER_NOT_YET_ELECTED) return 'debug';
  if (message.startsWith('Response Heartbeat(') && extra.error === GROUP_REBALANCING) return 'debug';
  if (message === REJOINING) return 'info';
  return fromKafkaLevel(level);
}

/** Failed-attempt counters kept per subscription; bounded so revoked partitions cannot grow it forever. */
const MAX_TRACKED_FAILURES = 10_000;

/** How a subscription hands messages to its handler: one per call (`subscribe`) or in batches. */
type Delivery =
  | { kind: 'message'; handler: MessageHandler }
  | { kind: 'batch'; handler: BatchMessageHandler; maxBatchSize: number };

/**
 * Thrown into kafkajs in place of the handler's error. kafkajs treats TypeError, RangeError and the
 * like as unrecoverable and would stop the consumer for good; marked retriable, the failure makes
 * kafkajs re-fetch from the failed (uncommitted) offset after its retry backoff instead.
 */
class HandlerFailedError extends Error {
  readonly retriable = true;

  constructor(cause: unknown, what = 'Message handler') {
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'HandlerFailedError';
  }
}

/**
 * Kafka adapter of the message transport (kafkajs). Producer: idempotent, acks=all, one request in
 * flight, murmur2 partitioner. Consumers commit an offset only after the handler succeeded; a
 * throwing handler gets the same message again (attempt + 1) and the partition waits. Batch
 * subscriptions use kafkajs `eachBatch` and hand each fetched partition batch over in chunks of up
 * to `maxBatchSize`; a failed chunk is fetched again from its first message.
 *
 * Topics are never auto-created by this client, whatever the broker allows: a publish or subscribe
 * to a topic that `ensureTopics` did not create rejects, like the in-process transport.
 */
export class KafkaTransport implements MessageTransport {
  readonly kind = 'kafka' as const;

  private readonly kafka: Kafka;
  private readonly logger: TransportLogger;
  private readonly partitionsDefault: number;
  private readonly healthTimeoutMs: number;
  private readonly tuning: ResolvedTuning;
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  /** Admin operations in flight (`adminOperation`), which `close` lets settle before it disconnects the admin client. */
  private readonly adminOperations = new Set<Promise<void>>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closing: Promise<void> | undefined;

  constructor(config: KafkaTransportConfig) {
    // kafkajs 2.2.4 spins a 1 ms timer per broker connection when idle; see kafkajs-idle-timer.fix.ts.
    fixIdleTimerLoop();
    if (config.brokers.length === 0) throw new Error('KafkaTransport needs at least one broker');
    this.logger = config.logger ?? silentTransportLogger;
    this.partitionsDefault = config.partitionsDefault ?? 3;
    this.healthTimeoutMs = config.healthTimeoutMs ?? 2_000;
    const consumer = config.consumer ?? {};
    this.tuning = {
      sessionTimeoutMs: consumer.sessionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: consumer.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeoutMs: consumer.rebalanceTimeoutMs ?? 10_000,
      maxWaitTimeMs: consumer.maxWaitTimeMs ?? 500,
      partitionsConsumedConcurrently: consumer.partitionsConsumedConcurrently ?? 1,
      commitIntervalMs: consumer.commitIntervalMs ?? 1_000,
      retry: {
        initialRetryTimeMs: consumer.retry?.initialRetryTimeMs ?? 100,
        maxRetryTimeMs: consumer.retry?.maxRetryTimeMs ?? 2_000,
        retries: consumer.retry?.retries ?? 5,
      },
    };
    const level = config.logLevel ?? 'warn';
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      connectionTimeout: config.connectionTimeoutMs ?? 3_000,
      // Explicit, because kafkajs silently switches to other retry defaults when NODE_ENV=test.
      // Applies to connects and admin calls; producer and consumer override parts of it.
      retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5, factor: 0.2, multiplier: 2 },
      logLevel: TO_KAFKAJS_LEVEL[level],
      logCreator: () => (entry) => this.log(level, entry),
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.assertOpen();
    if (specs.length === 0) return;
    return this.adminOperation(() => this.createMissingTopics(specs));
  }

  private async createMissingTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.connectedAdmin();
    this.assertOpen();
    const existing = new Set(await admin.listTopics());
    this.assertOpen();
    const missing = new Map<string, number>();
    for (const spec of specs) {
      if (!existing.has(spec.topic)) missing.set(spec.topic, spec.partitions || this.partitionsDefault);
    }
    if (missing.size === 0) return;
    // kafkajs resolves false (no throw) when a concurrent caller created them first.
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [...missing].map(([topic, numPartitions]) => ({ topic, numPartitions })),
      });
    } catch (error) {
      // A busy broker can take longer to announce new partitions than kafkajs' own wait allows: the topics are
      // created, their leaders are not in the metadata yet. Wait for them ourselves, for a bounded time.
      if (!hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION') && !hasKafkaErrorType(error, 'LEADER_NOT_AVAILABLE')) throw error;
      await this.waitForLeaders(admin, [...missing.keys()], error);
    }
  }

  /** Polls topic metadata until every partition of `topics` has a leader; rethrows `cause` after {@link TOPIC_READY_TIMEOUT_MS}. */
  private async waitForLeaders(admin: Admin, topics: string[], cause: unknown): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (;;) {
      this.assertOpen();
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (!hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION') && !hasKafkaErrorType(error, 'LEADER_NOT_AVAILABLE')) throw error;
      }
      if (Date.now() > deadline) throw cause;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    const connecting = this.connectedProducer();
    const producer = await connecting;
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    } catch (error) {
      this.discardProducer(connecting);
      if (hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw missingTopicError(topic, error);
      throw error;
    }
  }

  /**
   * After a failed send the idempotent producer's sequence numbers cannot be trusted: one produce request carries
   * every partition of the broker, the broker may have written some of them, and kafkajs rolls back the sequence of
   * all of them (so each later send to a written partition is refused as OUT_OF_ORDER_SEQUENCE_NUMBER, for good).
   * The next send gets a new producer, with a new producer id and sequences from zero. What the failed send did
   * write may be sent again under the new id: a duplicate, which consumers' inboxes ignore.
   */
  private discardProducer(failed: Promise<Producer>): void {
    if (this.producer !== failed) return;
    this.producer = undefined;
    void failed.then((p) => p.disconnect()).catch(() => undefined);
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.startSubscription(options, { kind: 'message', handler });
  }

  async subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    const maxBatchSize = resolveMaxBatchSize(options.maxBatchSize);
    return this.startSubscription(options, { kind: 'batch', handler, maxBatchSize });
  }

  async healthy(): Promise<boolean> {
    if (this.closing) return false;
    const probe = this.adminOperation(async () => {
      const admin = await this.connectedAdmin();
      this.assertOpen();
      await admin.describeCluster();
      return true;
    });
    return withTimeout(probe, this.healthTimeoutMs).catch(() => false);
  }

  async redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>> {
    this.assertOpen();
    const horizons = new Map<string, number | null>();
    if (topics.length === 0) return horizons;
    const described = await this.adminOperation(async () => {
      const admin = await this.connectedAdmin();
      this.assertOpen();
      return admin
        .describeConfigs({
          includeSynonyms: false,
          resources: [...new Set(topics)].map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'segment.ms', 'cleanup.policy'] })),
        })
        .catch((error: unknown) => {
          if (!hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
          throw new Error(`cannot read how long ${topics.join(', ')} keep messages: one of them does not exist (${(error as Error).message})`, { cause: error });
        });
    });
    for (const resource of described.resources) {
      if (resource.errorCode !== 0) throw new Error(`topic ${resource.resourceName}: the broker did not describe its configuration (${resource.errorMessage ?? `error ${resource.errorCode}`})`);
      const config: KafkaTopicRetentionConfig = Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]));
      horizons.set(resource.resourceName, kafkaRedeliveryHorizon(resource.resourceName, config));
    }
    return horizons;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
      // An admin call made after the admin client is disconnected makes kafkajs connect again, and nothing would
      // close that connection: the operations in flight stop at their next step (`assertOpen`) and settle first.
      await Promise.allSettled([...this.adminOperations]);
      await Promise.allSettled([disconnect(this.producer), disconnect(this.admin)]);
    })();
    return this.closing;
  }

  /** Runs an operation on the admin client that `close` waits for before it disconnects the client. */
  private adminOperation<T>(operation: () => Promise<T>): Promise<T> {
    const running = operation();
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.adminOperations.add(settled);
    void settled.then(() => this.adminOperations.delete(settled));
    return running;
  }

  /** Creates one group member and resolves once it has joined and fetched (see `KafkaSubscription.start`). */
  private async startSubscription(options: SubscribeOptions, delivery: Delivery): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const subscription = new KafkaSubscription(this.kafka, options, delivery, this.tuning, this.logger, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.stop().catch(() => undefined);
      if (hasKafkaErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw missingTopicError(options.topics.join('", "'), error);
      throw error;
    }
    return subscription;
  }

  /** Connects the producer once and reuses it; a failed connect is retried by the next publish. */
  private connectedProducer(): Promise<Producer> {
    this.producer ??= connect(
      this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // kafkajs' own short retry for transient broker errors; the outbox relay owns real retries.
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      }),
      () => (this.producer = undefined),
    );
    return this.producer;
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= connect(this.kafka.admin(), () => (this.admin = undefined));
    return this.admin;
  }

  private log(configured: TransportLogLevel | 'nothing', { namespace, level, log }: LogEntry): void {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    const mapped = transportLevelOf(level, message, extra);
    if (LEVEL_RANK[mapped] > LEVEL_RANK[configured]) return;
    this.logger(mapped, message, { namespace, ...extra });
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('KafkaTransport is closed');
  }
}

/** One consumer (one group member) with its in-memory attempt counters. */
class KafkaSubscription implements Subscription {
  private readonly consumer: Consumer;
  /** Failed deliveries per `topic/partition/offset`; dropped once the message succeeds. */
  private readonly failures = new Map<string, number>();
  private readonly readyTimeoutMs: number;
  private readonly partitionsConsumedConcurrently: number;
  private readonly commitIntervalMs: number;
  /** Batch delivery: the next offset to read per partition, handled but not committed yet. */
  private readonly handled = new Map<string, { topic: string; partition: number; offset: string }>();
  /** Commits run one after another, so an older offset never lands after a newer one. */
  private committing: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: SubscribeOptions,
    private readonly delivery: Delivery,
    tuning: ResolvedTuning,
    private readonly logger: TransportLogger,
    private readonly onStopped: () => void,
  ) {
    this.readyTimeoutMs = tuning.sessionTimeoutMs + tuning.rebalanceTimeoutMs;
    this.partitionsConsumedConcurrently = tuning.partitionsConsumedConcurrently;
    this.commitIntervalMs = tuning.commitIntervalMs;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      retry: {
        initialRetryTime: tuning.retry.initialRetryTimeMs,
        maxRetryTime: tuning.retry.maxRetryTimeMs,
        retries: tuning.retry.retries,
        // A crash after exhausted retries must not end consumption; only stop() does.
        restartOnFailure: async () => !this.stopped,
      },
    });
  }

  /** Joins the group and resolves after the first fetch, so start offsets are resolved by then. */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    const ready = this.firstFetch();
    try {
      await this.consumer.run({
        // Batch subscriptions commit on their own timer (commitIntervalMs); message subscriptions after each batch.
        autoCommit: !this.commitsOnTimer(),
        partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
        ...this.runHandlers(),
      });
    } catch (error) {
      ready.cancel();
      throw error;
    }
    if (this.commitsOnTimer()) {
      this.commitTimer = setInterval(() => void this.commitHandled(), this.commitIntervalMs);
      this.commitTimer.unref();
      // After a rebalance, offsets of partitions this member no longer owns are its new owner's to commit.
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        for (const [key, { topic, partition }] of this.handled) {
          if (!payload.memberAssignment[topic]?.includes(partition)) this.handled.delete(key);
        }
      });
    }
    await ready.promise;
  }

  stop(): Promise<void> {
    // consumer.disconnect() waits for the handler call in flight before leaving the group; that call commits
    // its own offsets (deliverBatch, once stopped), what was handled before it is committed here.
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.commitTimer);
      try {
        await this.commitHandled();
        await this.consumer.disconnect();
      } finally {
        this.onStopped();
      }
    })();
    return this.stopping;
  }

  private commitsOnTimer(): boolean {
    return this.delivery.kind === 'batch' && this.commitIntervalMs > 0;
  }

  /**
   * Commits the offsets handled since the last commit. A failed commit (the group is rebalancing, the broker is
   * away) is logged and dropped: those messages are delivered again, to this member or the partition's new owner.
   */
  private commitHandled(commit: (offsets: { topic: string; partition: number; offset: string }[]) => Promise<void> = (offsets) => this.consumer.commitOffsets(offsets)): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (this.handled.size === 0) return;
      const offsets = [...this.handled.values()];
      this.handled.clear();
      try {
        await commit(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
      } catch (error) {
        this.logger('warn', 'Offset commit failed; the messages handled since the last commit will be delivered again', {
          groupId: this.options.groupId,
          partitions: offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return this.committing;
  }

  private runHandlers(): Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch' | 'eachBatchAutoResolve'> {
    const delivery = this.delivery;
    if (delivery.kind === 'message') {
      return { eachMessage: ({ topic, partition, message }) => this.deliver(topic, partition, message, delivery.handler) };
    }
    // Offsets are resolved by deliverBatch, chunk by chunk, only after the handler succeeded.
    return {
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.deliverBatch(payload, delivery.handler, delivery.maxBatchSize),
    };
  }

  private async deliver(topic: string, partition: number, message: KafkaMessage, handler: MessageHandler): Promise<void> {
    const incoming = this.toIncoming(topic, partition, message);
    try {
      await handler(incoming);
    } catch (error) {
      this.recordFailure(incoming);
      // Rethrown so kafkajs does not resolve the offset and fetches this message again.
      throw new HandlerFailedError(error);
    }
    this.clearFailure(incoming);
  }

  /**
   * Hands a fetched partition batch to the handler in chunks of up to `maxBatchSize`, resolving each
   * chunk's offsets only after the handler succeeded. kafkajs commits resolved offsets when its
   * auto-commit conditions say so, and always at the end of the fetched batch, before a rebalance,
   * on stop and when a chunk fails. A failing chunk is rethrown (retriable), so kafkajs fetches again
   * from the chunk's first message after its retry backoff.
   */
  private async deliverBatch(
    { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload,
    handler: BatchMessageHandler,
    maxBatchSize: number,
  ): Promise<void> {
    const { topic, partition, messages } = batch;
    for (let start = 0; start < messages.length; start += maxBatchSize) {
      // Stopping or a seek: leave the rest unresolved, it is fetched again (by whoever owns it then).
      if (!isRunning() || isStale()) return;
      const chunk = messages.slice(start, start + maxBatchSize).map((m) => this.toIncoming(topic, partition, m));
      try {
        await handler(chunk);
      } catch (error) {
        for (const message of chunk) this.recordFailure(message);
        throw new HandlerFailedError(error, 'Batch handler');
      }
      for (const message of chunk) this.clearFailure(message);
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      if (this.commitsOnTimer()) {
        this.handled.set(`${topic}\u0000${partition}`, { topic, partition, offset: (BigInt(last) + 1n).toString() });
        // Stopping: commit now, while this member is still in the group (it leaves once this call returns). Through
        // the batch's own commit: kafkajs has stopped its runner by now, and the consumer's commitOffsets does
        // nothing on a stopped runner (the batch in flight at stop() was delivered again after every stop).
        if (this.stopped) await this.commitHandled((offsets) => commitOffsetsIfNecessary({ topics: byTopic(offsets) }));
      } else {
        await commitOffsetsIfNecessary();
      }
      await heartbeat();
    }
  }

  private toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
    const repeated = repeatedHeaderNames(message.headers);
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value ?? Buffer.alloc(0),
      headers: headersToStrings(message.headers),
      ...(repeated.length > 0 ? { repeatedHeaders: repeated } : {}),
      attempt: (this.failures.get(failureKey(topic, partition, message.offset)) ?? 0) + 1,
      publishedAt: Number(message.timestamp),
    };
  }

  private recordFailure({ topic, partition, offset, attempt }: IncomingMessage): void {
    const key = failureKey(topic, partition, offset);
    // Re-inserted so the map's insertion order stays oldest-failure-first for the eviction below.
    this.failures.delete(key);
    this.failures.set(key, attempt);
    if (this.failures.size > MAX_TRACKED_FAILURES) this.failures.delete(this.failures.keys().next().value!);
  }

  private clearFailure({ topic, partition, offset }: IncomingMessage): void {
    if (this.failures.size > 0) this.failures.delete(failureKey(topic, partition, offset));
  }

  /**
   * Settles on the first completed fetch, or rejects when the consumer crashed for good; gives up
   * waiting (with a warning) after session + rebalance timeout.
   */
  private firstFetch(): { promise: Promise<void>; cancel: () => void } {
    let settle!: (error?: unknown) => void;
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.logger('warn', 'Consumer has not fetched yet; subscribe returns anyway', {
          groupId: this.options.groupId,
          topics: this.options.topics,
          waitedMs: this.readyTimeoutMs,
        });
        settle();
      }, this.readyTimeoutMs);
      const removeFetch = this.consumer.on(this.consumer.events.FETCH, () => settle());
      const removeCrash = this.consumer.on(this.consumer.events.CRASH, (event) => {
        if (!event.payload.restart) settle(event.payload.error);
      });
      settle = (error?: unknown) => {
        clearTimeout(timer);
        removeFetch();
        removeCrash();
        if (error) reject(error);
        else resolve();
      };
    });
    // The crash may come while run() is still pending; start() awaits the promise afterwards.
    promise.catch(() => undefined);
    return { promise, cancel: () => settle() };
  }
}

function failureKey(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}

/** Names of the headers given more than once (kafkajs hands a repeated header over as a list of its values). */
function repeatedHeaderNames(headers: IHeaders | undefined): string[] {
  return Object.entries(headers ?? {})
    .filter(([, raw]) => Array.isArray(raw) && raw.length > 1)
    .map(([name]) => name);
}

/** Kafka headers may repeat or be bytes; the port wants one string per name, so the last value wins. */
function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    result[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return result;
}

function fromKafkaLevel(level: number): TransportLogLevel {
  if (level <= KafkaLogLevel.ERROR) return 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (level === KafkaLogLevel.INFO) return 'info';
  return 'debug';
}

/** True when the error or one of its causes is a Kafka protocol error of the given type. */
/** How long `ensureTopics` waits for the leaders of topics it created when kafkajs' own wait gave up. */
const TOPIC_READY_TIMEOUT_MS = 30_000;

function hasKafkaErrorType(error: unknown, type: string): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 10; depth++) {
    if (e.type === type) return true;
    e = e.cause as typeof e;
  }
  return false;
}

function missingTopicError(topic: string, cause: unknown): Error {
  return new Error(
    `Topic "${topic}" does not exist on Kafka (UNKNOWN_TOPIC_OR_PARTITION); create it with ensureTopics() first (this client never auto-creates topics)`,
    { cause },
  );
}

function connect<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  client: T,
  onFailure: () => void,
): Promise<T> {
  return client.connect().then(
    () => client,
    async (error: unknown) => {
      onFailure();
      await client.disconnect().catch(() => undefined);
      throw error;
    },
  );
}

async function disconnect(client: Promise<{ disconnect(): Promise<void> }> | undefined): Promise<void> {
  const connected = await client?.catch(() => undefined);
  await connected?.disconnect();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Offsets as a commit request lists them: per topic, its partitions. */
function byTopic(offsets: readonly { topic: string; partition: number; offset: string }[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset }]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
