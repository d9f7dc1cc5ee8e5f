import type { InProcessMessageStore, StoredInProcessMessage } from './in-process-message-store.port.js';
import { resolveMaxBatchSize } from './max-batch-size.validator.js';
import { partitionForKey } from './murmur2.partitioner.js';
import { silentTransportLogger, type TransportLogger } from './transport-logger.port.js';
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

/** Tuning of the in-process transport; every field has a default. */
export interface InProcessTransportOptions {
  /** Partition count `ensureTopics` uses when a spec gives none (JS callers). Default 3. */
  partitionsDefault?: number;
  /**
   * Messages kept per partition once every known group has consumed them; older ones are dropped (like Kafka's
   * retention), so a new `fromBeginning` group starts at the oldest kept. Default 10 000.
   *
   * Unlike Kafka, retention (this count and `retentionMs` alike) never drops a message that a known group has not
   * consumed yet: a group that subscribed in this process, or whose committed offsets the `store` keeps (a group
   * that subscribed once is known from then on; joining stores its starting offsets). A lagging group — a handler
   * that keeps failing, a process stopped for days — holds its partitions back until it catches up, so what got a
   * receipt is never dropped unconsumed; the partition grows meanwhile, in memory and in the store, and a warning
   * names the group and the partition when it holds twice its retention or an expired message (once per crossing,
   * again each time it doubles; rearmed once every known group has consumed the whole partition). A group's stored
   * offsets never expire, since expiring them would drop what the group has not consumed: a group that will never
   * come back (renamed, retired) must be removed from the store by hand (on the embedded default: delete its rows
   * from `transport_group_offsets` with the app stopped).
   */
  retentionPerPartition?: number;
  /**
   * How long a message is kept after publication, in milliseconds, once every known group has consumed it; older
   * ones are dropped like the count above (and like Kafka's `retention.ms`). Default 7 days, Kafka's default.
   */
  retentionMs?: number;
  /** The time messages are published and aged at, in ms since the epoch (tests move it). Default `Date.now`. */
  now?: () => number;
  /** Backoff before a failed message is redelivered: initial × multiplier^(failures−1), capped. */
  redelivery?: { initialBackoffMs?: number; maxBackoffMs?: number; multiplier?: number };
  logger?: TransportLogger;
  /**
   * Keeps the log and the groups' offsets, so that what was published and not yet consumed survives the process
   * (the embedded default: its database). A publish resolves once its messages are stored; committed offsets and
   * retention are saved every `storeFlushMs` and on close (a crash in between redelivers, at least once).
   */
  store?: InProcessMessageStore;
  /** How often committed offsets are saved to the store, in ms. Default 200. */
  storeFlushMs?: number;
}

interface StoredMessage {
  offset: number;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  publishedAt: number;
}

interface Backoff {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

/** How a group member takes its messages: one per handler call (`subscribe`) or in batches. */
type Delivery =
  | { kind: 'message'; handler: MessageHandler }
  | { kind: 'batch'; handler: BatchMessageHandler; maxBatchSize: number };

/**
 * Message transport inside one process with Kafka's semantics: keyed partitions (the same murmur2
 * placement as Kafka), per-partition order, consumer groups with committed offsets, at-least-once
 * redelivery with backoff while later messages of the partition wait, retention by count and age that keeps
 * whatever a known group has not consumed yet (see `retentionPerPartition`).
 * Batch subscribers get up to `maxBatchSize` queued messages of one partition per call.
 *
 * Differences from Kafka worth knowing: partitions of one group are delivered concurrently (a
 * failing message only holds back its own partition), nothing survives the process unless a `store` keeps
 * it, and `publish`/`subscribe` on a topic that `ensureTopics` did not create throw (auto-create off).
 */
export class InProcessTransport implements MessageTransport {
  readonly kind = 'in-process' as const;

  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly partitionsDefault: number;
  private readonly retention: PartitionRetention;
  private readonly backoff: Backoff;
  private readonly logger: TransportLogger;
  private readonly store: InProcessMessageStore | undefined;
  private readonly storeFlushMs: number;
  /** Publications to the store, one after another: each takes the offsets after the one before. */
  private publishing: Promise<void> = Promise.resolve();
  private readonly unsavedCommits = new Map<string, { groupId: string; topic: string; partition: number; nextOffset: number }>();
  private readonly unsavedStarts = new Map<string, { topic: string; partition: number; startOffset: number }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: InProcessTransportOptions = {}) {
    this.partitionsDefault = positiveInteger(options.partitionsDefault ?? 3, 'partitionsDefault');
    this.retention = {
      messages: positiveInteger(options.retentionPerPartition ?? 10_000, 'retentionPerPartition'),
      ms: positiveInteger(options.retentionMs ?? DEFAULT_RETENTION_MS, 'retentionMs'),
      now: options.now ?? Date.now,
    };
    this.backoff = {
      initialMs: options.redelivery?.initialBackoffMs ?? 50,
      maxMs: options.redelivery?.maxBackoffMs ?? 2_000,
      multiplier: options.redelivery?.multiplier ?? 2,
    };
    this.logger = options.logger ?? silentTransportLogger;
    this.store = options.store;
    this.storeFlushMs = positiveInteger(options.storeFlushMs ?? 200, 'storeFlushMs');
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of specs) {
      if (this.topics.has(spec.topic)) continue;
      let partitions = positiveInteger(spec.partitions || this.partitionsDefault, `partitions of ${spec.topic}`);
      if (this.store) partitions = await this.store.ensureTopic(spec.topic, partitions);
      const kept = this.store ? await this.store.load(spec.topic) : [];
      // Groups that committed offsets in an earlier process hold back retention before they subscribe again.
      const stored = (await this.store?.groupsCommittedOffsets?.(spec.topic)) ?? new Map<string, Map<number, number>>();
      if (this.topics.has(spec.topic)) continue;
      const log = new TopicLog(spec.topic, partitions, this.retention, this.logger, (partition, startOffset) => this.retained(spec.topic, partition, startOffset));
      for (const message of kept) log.partitions[message.partition]?.restore(message);
      for (const [groupId, offsets] of stored) {
        for (const [partition, nextOffset] of offsets) if (partition < partitions) log.position(groupId, partition, nextOffset);
      }
      for (const partition of log.partitions) partition.enforceRetention();
      this.topics.set(spec.topic, log);
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    const log = this.requireTopic(topic);
    // Validate and copy everything first so a bad message rejects the whole call, as one Kafka request would.
    const publishedAt = this.retention.now();
    const prepared = messages.map((m) => ({
      key: m.key,
      value: typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : Buffer.from(m.value),
      headers: copyHeaders(m.headers),
      publishedAt,
    }));
    for (const message of prepared) {
      if (typeof message.key !== 'string') throw new Error(`Message key must be a string (topic "${topic}")`);
    }
    const store = this.store;
    if (!store) {
      for (const message of prepared) log.partitions[partitionForKey(message.key, log.partitions.length)]!.append(message);
      return;
    }
    // Stored first, then delivered: a consumer never sees a message that a crash could take back.
    const publication = this.publishing.then(async () => {
      const next = new Map<number, number>();
      const stored: StoredInProcessMessage[] = prepared.map((message) => {
        const partition = partitionForKey(message.key, log.partitions.length);
        const offset = next.get(partition) ?? log.partitions[partition]!.endOffset;
        next.set(partition, offset + 1);
        return { partition, offset, ...message };
      });
      try {
        await store.append(topic, stored);
      } catch (error) {
        // The store may have kept them after all (a connection lost during the commit): take up whatever it holds
        // past what this process knows, so the next publication does not collide with it.
        await this.takeUpStored(topic, log).catch(() => undefined);
        // Nothing is wrong with the messages: the publisher should try again without charging them an attempt.
        throw Object.assign(new Error(`Storing the published messages failed: ${(error as Error).message}`, { cause: error }), { transient: true });
      }
      for (const message of stored) log.partitions[message.partition]!.append(message);
    });
    this.publishing = publication.catch(() => undefined);
    return publication;
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.join(options, { kind: 'message', handler });
  }

  async subscribeBatch(options: BatchSubscribeOptions, handler: BatchMessageHandler): Promise<Subscription> {
    const maxBatchSize = resolveMaxBatchSize(options.maxBatchSize);
    return this.join(options, { kind: 'batch', handler, maxBatchSize });
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  /**
   * Every topic keeps its messages `retentionMs` once every known group has consumed them. A message is delivered
   * later than that only to a group that has not committed it yet (retention holds it back for that group).
   */
  async redeliveryHorizon(topics: readonly string[]): Promise<Map<string, number | null>> {
    for (const topic of topics) this.requireTopic(topic);
    return new Map(topics.map((topic) => [topic, this.retention.ms]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.groups.values()].map((group) => group.close()));
    await this.publishing;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  private async join(options: SubscribeOptions, delivery: Delivery): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const logs = options.topics.map((topic) => this.requireTopic(topic));
    // A group's offsets as it committed them before the process stopped (the store's), for the topics it has none of yet.
    const committed = new Map<string, Map<number, number>>();
    if (this.store) {
      for (const log of logs) {
        if (!this.groups.get(options.groupId)?.hasOffsets(log.name)) committed.set(log.name, await this.store.committedOffsets(options.groupId, log.name));
      }
      this.assertOpen();
    }
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new ConsumerGroup(options.groupId, this.backoff, this.logger, (topic, partition, nextOffset) => this.committed(options.groupId, topic, partition, nextOffset));
      this.groups.set(options.groupId, group);
    }
    const member = group.join(logs, options.fromBeginning ?? true, delivery, committed);
    return { stop: () => member.stop() };
  }

  /** Appends in memory the stored messages of `topic` this process has not got (after a failed store append). */
  private async takeUpStored(topic: string, log: TopicLog): Promise<void> {
    for (const message of await this.store!.load(topic)) {
      const partition = log.partitions[message.partition];
      if (partition && message.offset === partition.endOffset) partition.append(message);
    }
  }

  /** A group consumed everything of `partition` before `nextOffset` (or starts there): retention may drop what every group consumed. */
  private committed(groupId: string, topic: string, partition: number, nextOffset: number): void {
    const log = this.topics.get(topic);
    if (log) {
      log.position(groupId, partition, nextOffset);
      log.partitions[partition]?.enforceRetention();
    }
    if (!this.store) return;
    this.unsavedCommits.set(`${groupId}\u0000${topic}\u0000${partition}`, { groupId, topic, partition, nextOffset });
    this.scheduleFlush();
  }

  private retained(topic: string, partition: number, startOffset: number): void {
    if (!this.store) return;
    this.unsavedStarts.set(`${topic}\u0000${partition}`, { topic, partition, startOffset });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.storeFlushMs);
    this.flushTimer.unref();
  }

  /** Saves the offsets committed and the retention moved since the last save; a failed save is logged (redelivery covers it). */
  private flush(): Promise<void> {
    const store = this.store;
    if (!store || (this.unsavedCommits.size === 0 && this.unsavedStarts.size === 0)) return this.saving;
    const commits = [...this.unsavedCommits.values()];
    const starts = [...this.unsavedStarts.values()];
    this.unsavedCommits.clear();
    this.unsavedStarts.clear();
    this.saving = this.saving
      .then(() => store.save(commits, starts))
      .catch((error: unknown) => this.logger('warn', 'Saving consumer offsets failed; messages after the last saved offset are delivered again after a restart', { error }));
    return this.saving;
  }

  private requireTopic(topic: string): TopicLog {
    const log = this.topics.get(topic);
    if (!log) {
      throw new Error(
        `Topic "${topic}" does not exist; create it with ensureTopics() first (the in-process transport never auto-creates topics)`,
      );
    }
    return log;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InProcessTransport is closed');
  }
}

/** Seven days, Kafka's default `retention.ms`. */
const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

/** How much of its past a partition keeps: at most `messages` messages, none older than `ms`. */
interface PartitionRetention {
  messages: number;
  ms: number;
  now: () => number;
}

/** A group that has not consumed a partition past `nextOffset`. */
interface GroupPosition {
  groupId: string;
  nextOffset: number;
}

class TopicLog {
  readonly partitions: PartitionLog[];
  /** Next offset to consume per known group, per partition: retention keeps everything from the lowest on. */
  private readonly positions = new Map<string, (number | undefined)[]>();

  constructor(
    readonly name: string,
    partitionCount: number,
    retention: PartitionRetention,
    logger: TransportLogger,
    onRetained?: (partition: number, startOffset: number) => void,
  ) {
    this.partitions = Array.from(
      { length: partitionCount },
      (_, partition) =>
        new PartitionLog(retention, {
          lowest: () => this.lowestPosition(partition),
          behind: (offsetConsumed) => this.groupsBehind(partition, offsetConsumed),
          held: (extra) => logger('warn', 'Retention is keeping messages a consumer group has not consumed yet; the partition grows (in memory and in the store) until the group catches up', { topic: name, partition, ...extra }),
          retained: onRetained && ((startOffset) => onRetained(partition, startOffset)),
        }),
    );
  }

  /** Records that `groupId` has consumed `partition` up to `nextOffset` (it continues there). */
  position(groupId: string, partition: number, nextOffset: number): void {
    let offsets = this.positions.get(groupId);
    if (!offsets) this.positions.set(groupId, (offsets = []));
    offsets[partition] = nextOffset;
  }

  /** The lowest next offset of the known groups in `partition`; undefined when no group is known there. */
  private lowestPosition(partition: number): number | undefined {
    let lowest: number | undefined;
    for (const offsets of this.positions.values()) {
      const offset = offsets[partition];
      if (offset !== undefined && (lowest === undefined || offset < lowest)) lowest = offset;
    }
    return lowest;
  }

  /** The groups whose next message in `partition` is one `consumed` says they should have consumed, lowest first. */
  private groupsBehind(partition: number, consumed: (offset: number) => boolean): GroupPosition[] {
    const behind: GroupPosition[] = [];
    for (const [groupId, offsets] of this.positions) {
      const nextOffset = offsets[partition];
      if (nextOffset !== undefined && consumed(nextOffset)) behind.push({ groupId, nextOffset });
    }
    return behind.sort((a, b) => a.nextOffset - b.nextOffset);
  }
}

/** What a partition's retention asks of its topic: where the known groups are, and whom to tell what. */
interface PartitionConsumers {
  lowest(): number | undefined;
  behind(consumed: (offset: number) => boolean): GroupPosition[];
  held(extra: Record<string, unknown>): void;
  retained?: (startOffset: number) => void;
}

class PartitionLog {
  /** The kept messages are `messages[head..]`; dropped ones are cut off in bulk, so dropping stays amortised O(1). */
  private messages: StoredMessage[] = [];
  private head = 0;
  /** Offset of the oldest kept message; grows when retention drops old messages. */
  startOffset = 0;
  private readonly listeners = new Set<() => void>();
  /** Messages the partition held when it last warned that a lagging group holds retention back; 0 = no warning since rearmed. */
  private heldWarnedAt = 0;

  constructor(
    private readonly retention: PartitionRetention,
    private readonly consumers: PartitionConsumers,
  ) {}

  /** Messages kept. */
  get size(): number {
    return this.messages.length - this.head;
  }

  /** Offset the next appended message gets. */
  get endOffset(): number {
    return this.startOffset + this.size;
  }

  get(offset: number): StoredMessage | undefined {
    return offset < this.startOffset ? undefined : this.messages[this.head + offset - this.startOffset];
  }

  /** Puts back a message the store kept (in offset order); a gap starts the partition anew at it. */
  restore(message: StoredInProcessMessage): void {
    if (message.offset !== this.endOffset || this.size === 0) {
      this.messages = [];
      this.head = 0;
      this.startOffset = message.offset;
    }
    this.messages.push({ offset: message.offset, key: message.key, value: message.value, headers: message.headers, publishedAt: message.publishedAt });
  }

  append(message: Omit<StoredMessage, 'offset'>): void {
    this.messages.push({ ...message, offset: this.endOffset });
    this.enforceRetention();
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Drops what retention no longer keeps — the messages past `retention.messages` (trimmed in chunks of a quarter
   * of it) and those older than `retention.ms` — except what a known group has not consumed yet: nothing at or after
   * the lowest group position goes. Runs on every append and every commit (a group catching up releases retention).
   */
  enforceRetention(): void {
    const kept = this.retention.messages;
    const size = this.size;
    const overCount = size > kept + Math.max(1, kept >>> 2) ? size - kept : 0;
    const cutoff = this.retention.now() - this.retention.ms;
    const expiredAt = (offset: number) => (this.get(offset)?.publishedAt ?? Infinity) < cutoff;
    if (overCount > 0 || expiredAt(this.startOffset)) {
      const lowest = this.consumers.lowest();
      const start = this.startOffset;
      // Everything before the lowest group position was consumed by every known group; nothing from it on was.
      const droppable = lowest === undefined ? size : Math.min(size, Math.max(0, lowest - start));
      let expired = 0;
      while (expired < droppable && expiredAt(start + expired)) expired++;
      const heldByCount = overCount > droppable;
      const heldByTime = droppable < size && expiredAt(start + droppable);
      const count = Math.max(Math.min(overCount, droppable), expired);
      if (count > 0) this.drop(count);
      if (heldByCount || heldByTime) {
        this.warnHeld(size, heldByTime, (offset) => offset < start + overCount || expiredAt(offset));
        return;
      }
    }
    // Rearmed once every known group has consumed the whole partition.
    if (this.heldWarnedAt > 0 && (this.consumers.lowest() ?? Infinity) >= this.endOffset) this.heldWarnedAt = 0;
  }

  /** Warns that retention keeps messages for lagging groups: at twice the retention or an expired message, then at each doubling. */
  private warnHeld(size: number, heldByTime: boolean, dropWanted: (offset: number) => boolean): void {
    const kept = this.retention.messages;
    const due = this.heldWarnedAt === 0 ? heldByTime || size >= 2 * kept : size >= 2 * Math.max(this.heldWarnedAt, kept);
    if (!due) return;
    this.heldWarnedAt = size;
    this.consumers.held({
      groups: this.consumers.behind(dropWanted),
      messages: size,
      oldestPublishedAt: this.get(this.startOffset)?.publishedAt,
      retentionPerPartition: kept,
      retentionMs: this.retention.ms,
    });
  }

  private drop(count: number): void {
    this.head += count;
    this.startOffset += count;
    // Cut the dropped messages off once they are half the array: each message is copied at most once on average.
    if (this.head * 2 >= this.messages.length) {
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
    this.consumers.retained?.(this.startOffset);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

class ConsumerGroup {
  private readonly members = new Set<GroupMember>();
  /** Next offset to consume per topic and partition (the group's committed offsets). */
  private readonly offsets = new Map<string, number[]>();
  /** Failed deliveries so far per `topic/partition/offset`; dropped once the message succeeds. */
  private readonly failures = new Map<string, number>();
  private readonly workers = new Map<string, PartitionWorker>();
  private closed = false;

  constructor(
    readonly id: string,
    private readonly backoff: Backoff,
    private readonly logger: TransportLogger,
    private readonly onCommit?: (topic: string, partition: number, nextOffset: number) => void,
  ) {}

  hasOffsets(topic: string): boolean {
    return this.offsets.has(topic);
  }

  /** `committed`: offsets the group committed in an earlier process (from the store), per topic and partition. */
  join(logs: TopicLog[], fromBeginning: boolean, delivery: Delivery, committed: ReadonlyMap<string, ReadonlyMap<number, number>> = new Map()): GroupMember {
    for (const log of logs) {
      if (!this.offsets.has(log.name)) {
        // No committed offset yet: start at the oldest retained message or at the end, like auto.offset.reset.
        for (const p of log.partitions) p.enforceRetention();
        const before = committed.get(log.name);
        const offsets = log.partitions.map((p, partition) => {
          const offset = before?.get(partition);
          if (offset === undefined) return fromBeginning ? p.startOffset : p.endOffset;
          return Math.min(offset, p.endOffset);
        });
        this.offsets.set(log.name, offsets);
        // Committed at once: from now on retention keeps what the group has not consumed, in this process and after it.
        offsets.forEach((offset, partition) => this.onCommit?.(log.name, partition, offset));
      }
    }
    const member = new GroupMember(this, logs, delivery, this.logger);
    this.members.add(member);
    this.rebalance();
    return member;
  }

  leave(member: GroupMember): void {
    this.members.delete(member);
    this.rebalance();
  }

  /**
   * The member that owns a partition right now: partitions are spread round-robin over the members
   * subscribed to the topic, so members of one group share the partitions.
   */
  ownerOf(topic: string, partition: number): GroupMember | undefined {
    const eligible = [...this.members].filter((m) => m.subscribes(topic));
    return eligible.length === 0 ? undefined : eligible[partition % eligible.length];
  }

  nextOffset(topic: string, partition: number): number {
    return this.offsets.get(topic)![partition];
  }

  /** Marks `firstOffset..lastOffset` handled: the group continues after `lastOffset`. */
  commit(topic: string, partition: number, lastOffset: number, firstOffset = lastOffset): void {
    this.offsets.get(topic)![partition] = lastOffset + 1;
    this.onCommit?.(topic, partition, lastOffset + 1);
    if (this.failures.size === 0) return;
    for (let offset = firstOffset; offset <= lastOffset; offset++) this.failures.delete(`${topic}/${partition}/${offset}`);
  }

  /** Records a failed delivery and returns how many deliveries of this message have failed. */
  recordFailure(topic: string, partition: number, offset: number): number {
    const key = `${topic}/${partition}/${offset}`;
    const failed = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failed);
    return failed;
  }

  failuresOf(topic: string, partition: number, offset: number): number {
    return this.failures.get(`${topic}/${partition}/${offset}`) ?? 0;
  }

  backoffAfter(failures: number): number {
    const { initialMs, maxMs, multiplier } = this.backoff;
    return Math.min(initialMs * multiplier ** (failures - 1), maxMs);
  }

  /** Stops workers of partitions nobody subscribes to any more and starts the missing ones. */
  rebalance(): void {
    for (const worker of this.workers.values()) {
      if (!this.ownerOf(worker.log.name, 0)) worker.abort();
    }
    if (this.closed) return;
    for (const member of this.members) {
      for (const log of member.logs) {
        log.partitions.forEach((partitionLog, partition) => {
          const key = `${log.name}/${partition}`;
          if (this.workers.has(key)) return;
          const worker = new PartitionWorker(this, log, partition, partitionLog, this.logger);
          this.workers.set(key, worker);
          void worker.run().finally(() => {
            if (this.workers.get(key) === worker) this.workers.delete(key);
            // A member may have joined while this worker was winding down.
            this.rebalance();
          });
        });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.members].map((m) => m.stop()));
    const workers = [...this.workers.values()];
    workers.forEach((w) => w.abort());
    await Promise.all(workers.map((w) => w.finished));
  }
}

class GroupMember {
  private readonly topicNames: Set<string>;
  private readonly inFlight = new Set<Promise<boolean>>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly group: ConsumerGroup,
    readonly logs: TopicLog[],
    private readonly delivery: Delivery,
    private readonly logger: TransportLogger,
  ) {
    this.topicNames = new Set(logs.map((l) => l.name));
  }

  /** Most messages per handler call: 1 for `subscribe`. */
  get maxBatchSize(): number {
    return this.delivery.kind === 'batch' ? this.delivery.maxBatchSize : 1;
  }

  subscribes(topic: string): boolean {
    return this.topicNames.has(topic);
  }

  /**
   * Runs the handler on `batch` (one message, or up to `maxBatchSize` for a batch member); resolves
   * true on success, false when it threw. Registered as in flight synchronously so that `stop()`
   * called right after always waits for it.
   */
  deliver(batch: IncomingMessage[]): Promise<boolean> {
    const delivery = this.delivery;
    const [first] = batch;
    const run = Promise.resolve()
      .then(() => (delivery.kind === 'batch' ? delivery.handler(batch) : delivery.handler(first)))
      .then(
        () => true,
        (error: unknown) => {
          const what = delivery.kind === 'batch' ? 'Batch handler failed; the batch' : 'Message handler failed; the message';
          this.logger('error', `${what} will be redelivered`, {
            groupId: this.group.id,
            topic: first.topic,
            partition: first.partition,
            offset: first.offset,
            ...(delivery.kind === 'batch' && { lastOffset: batch[batch.length - 1].offset, size: batch.length }),
            attempt: first.attempt,
            error,
          });
          return false;
        },
      );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Leaves the group and waits for the handler calls still running. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.group.leave(this);
      await Promise.all([...this.inFlight]);
    })();
    return this.stopping;
  }
}

/**
 * Delivers one partition to its current owner in the group, strictly in offset order: one message
 * per call, or for a batch member every queued message up to its `maxBatchSize`.
 */
class PartitionWorker {
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private aborted = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly group: ConsumerGroup,
    readonly log: TopicLog,
    private readonly partition: number,
    private readonly partitionLog: PartitionLog,
    private readonly logger: TransportLogger,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  abort(): void {
    this.aborted = true;
    this.interrupt();
  }

  async run(): Promise<void> {
    const unlisten = this.partitionLog.onAppend(() => this.interrupt());
    try {
      while (!this.aborted) {
        const owner = this.group.ownerOf(this.log.name, this.partition);
        if (!owner) return;
        let offset = this.group.nextOffset(this.log.name, this.partition);
        if (offset < this.partitionLog.startOffset) {
          // Retention keeps what a known group has not consumed, so only messages lost otherwise (a store that no
          // longer holds them) end up here.
          this.logger('warn', 'Consumer group fell behind retention; skipping dropped messages', {
            groupId: this.group.id,
            topic: this.log.name,
            partition: this.partition,
            from: offset,
            to: this.partitionLog.startOffset,
          });
          offset = this.partitionLog.startOffset;
          this.group.commit(this.log.name, this.partition, offset - 1);
        }
        const batch = this.queuedFrom(offset, owner.maxBatchSize);
        if (batch.length === 0) {
          await this.pause();
          continue;
        }
        const lastOffset = batch[batch.length - 1].offset;
        const attemptOf = (stored: StoredMessage) => this.group.failuresOf(this.log.name, this.partition, stored.offset) + 1;
        const ok = await owner.deliver(batch.map((stored) => this.toIncoming(stored, attemptOf(stored))));
        if (ok) {
          this.group.commit(this.log.name, this.partition, lastOffset, offset);
        } else {
          // Every message of the batch failed once more; the backoff follows the first one's count.
          let failures = 0;
          for (const stored of batch) {
            const failed = this.group.recordFailure(this.log.name, this.partition, stored.offset);
            if (stored.offset === offset) failures = failed;
          }
          await this.pause(this.group.backoffAfter(failures));
        }
      }
    } finally {
      unlisten();
      this.resolveFinished();
    }
  }

  /** Up to `max` stored messages from `offset` on, in offset order; empty when none is queued. */
  private queuedFrom(offset: number, max: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    for (let next = offset; batch.length < max; next++) {
      const stored = this.partitionLog.get(next);
      if (!stored) break;
      batch.push(stored);
    }
    return batch;
  }

  private toIncoming(stored: StoredMessage, attempt: number): IncomingMessage {
    // Fresh copies per delivery: one group's handler must not see another's mutations.
    return {
      topic: this.log.name,
      partition: this.partition,
      offset: String(stored.offset),
      key: stored.key,
      value: Buffer.from(stored.value),
      headers: { ...stored.headers },
      attempt,
      publishedAt: stored.publishedAt,
    };
  }

  /** Waits for `ms` (backoff) or, without `ms`, for the next append; `abort()` ends either wait. */
  private pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      };
      if (ms === undefined) {
        this.wake = done;
      } else {
        // Appends must not cut a backoff short, so only abort() may interrupt it.
        this.wake = () => {
          if (this.aborted) done();
        };
        this.timer = setTimeout(done, ms);
      }
    });
  }

  private interrupt(): void {
    this.wake?.();
  }
}

function copyHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value !== 'string') throw new Error(`Header "${name}" must be a string`);
    copy[name] = value;
  }
  return copy;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}
