import { Kafka, logLevel, Partitioners, type Admin, type Consumer } from 'kafkajs';
import type { MessageTransport, Subscription } from '#messaging';

/**
 * Test-side Kafka helpers. Every test run shares one broker and the product's topic names are fixed
 * (`signaalroute.signals.v1`, …), so a topic is never assumed empty: tests find their own messages (by key
 * or signal id), and consumers start at the current end of a topic instead of replaying its history.
 */

/** A message as a test sees it: raw bytes, so assertions can search them for values that must not be there. */
export interface WatchedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** Records every message published to some topics after it started. */
export interface TopicWatcher {
  readonly messages: readonly WatchedMessage[];
  /** Messages matching `predicate` so far. */
  matching(predicate: (m: WatchedMessage) => boolean): WatchedMessage[];
  /** Resolves with the matching messages once there are at least `count` (default 1); rejects after `timeoutMs`. */
  waitFor(predicate: (m: WatchedMessage) => boolean, options?: { count?: number; timeoutMs?: number; what?: string }): Promise<WatchedMessage[]>;
  stop(): Promise<void>;
}

class RecordingWatcher implements TopicWatcher {
  readonly messages: WatchedMessage[] = [];
  private readonly waiters = new Set<() => void>();
  stopper: () => Promise<void> = async () => undefined;

  record(message: WatchedMessage): void {
    this.messages.push(message);
    for (const wake of [...this.waiters]) wake();
  }

  matching(predicate: (m: WatchedMessage) => boolean): WatchedMessage[] {
    return this.messages.filter(predicate);
  }

  waitFor(predicate: (m: WatchedMessage) => boolean, options: { count?: number; timeoutMs?: number; what?: string } = {}): Promise<WatchedMessage[]> {
    const count = options.count ?? 1;
    const timeoutMs = options.timeoutMs ?? 20_000;
    const found = () => this.matching(predicate);
    if (found().length >= count) return Promise.resolve(found());
    return new Promise((resolve, reject) => {
      const wake = () => {
        const hits = found();
        if (hits.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(hits);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${count} message(s): ${options.what ?? 'matching predicate'}; saw ${found().length} matching of ${this.messages.length}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  stop(): Promise<void> {
    return this.stopper();
  }
}

function kafkaClient(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 } });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A raw kafkajs consumer in a group of its own that records what is published to `topics` from now on.
 * Resolves after its first fetch, when its start offsets (the topics' ends) are fixed: anything published
 * after that is seen.
 */
export async function watchKafkaTopics(brokers: readonly string[], topics: string[], groupId: string, topicPrefix = ''): Promise<TopicWatcher> {
  const watcher = new RecordingWatcher();
  const consumer: Consumer = kafkaClient(brokers, groupId).consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  watcher.stopper = () => consumer.disconnect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => `${topicPrefix}${t}`), fromBeginning: false });
    const firstFetch = new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events.FETCH, () => {
        remove();
        resolve();
      });
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, raw] of Object.entries(message.headers ?? {})) {
          const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
          if (v !== undefined) headers[name] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        }
        const logical = topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic;
        watcher.record({ topic: logical, partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value ?? Buffer.alloc(0), headers });
      },
    });
    await withTimeout(firstFetch, 30_000, `first fetch of watcher ${groupId}`);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return watcher;
}

/** The same, through the app's in-process transport (the fallback when no broker is reachable). */
export async function watchTransportTopics(transport: MessageTransport, topics: string[], groupId: string): Promise<TopicWatcher> {
  const watcher = new RecordingWatcher();
  const subscription: Subscription = await transport.subscribe({ groupId, topics, fromBeginning: false }, async (m) => {
    watcher.record({ topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers });
  });
  watcher.stopper = () => subscription.stop();
  return watcher;
}

/** A consumer group and the topics it reads. */
export interface GroupTopics {
  groupId: string;
  topics: readonly string[];
}

/**
 * Commits, for groups that do not run yet, offsets at the current end of their topics, so a consumer that
 * subscribes `fromBeginning` starts there instead of replaying what earlier test runs left on the shared
 * topics (old inbound messages would otherwise be ingested again and old events projected again). Topics
 * that do not exist yet are created (`partitions` each) so there is an end to point at.
 */
export async function startGroupsAtEnd(brokers: readonly string[], groups: readonly GroupTopics[], partitions: number): Promise<void> {
  if (groups.length === 0) return;
  const kafka = kafkaClient(brokers, 'sr-test-offsets');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const allTopics = [...new Set(groups.flatMap((g) => g.topics))];
    const existing = new Set(await admin.listTopics());
    const missing = allTopics.filter((t) => !existing.has(t));
    if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
    for (const group of groups) {
      // A seek can be dropped when the member's assignment is not in place yet (seen once in CI on a fresh
      // broker): position again, up to three times, before giving up.
      for (let attempt = 1; ; attempt++) {
        const missed = await positionAtEnd(kafka, admin, group);
        if (missed.length === 0) break;
        if (attempt === 3) throw new Error(`group ${group.groupId} was not positioned at the end of ${missed.join(', ')}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Seeks one short-poll member of `group` to the end of every partition of its topics (seeks are committed) and
 * returns the partitions whose committed offset is still short of that end (`topic/partition (committed …, end …)`).
 * An empty partition (end 0) needs no commit: a consumer starting from the beginning starts at its end.
 */
async function positionAtEnd(kafka: Kafka, admin: Admin, group: GroupTopics): Promise<string[]> {
  const ends: { topic: string; partition: number; offset: string }[] = [];
  for (const topic of group.topics) {
    for (const p of await topicEnds(admin, topic)) ends.push({ topic, partition: p.partition, offset: p.high });
  }
  // kafkajs' admin.setOffsets does this one topic at a time with a 5 s fetch wait each; one short-poll
  // member per group that seeks every partition (seeks are committed) takes a fraction of a second.
  const consumer = kafka.consumer({ groupId: group.groupId, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...group.topics], fromBeginning: true });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const remove = consumer.on(consumer.events.FETCH, () => {
          remove();
          resolve();
        });
        consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
        consumer.pause(group.topics.map((topic) => ({ topic })));
        for (const end of ends) consumer.seek(end);
      }),
      30_000,
      `positioning group ${group.groupId}`,
    );
    await consumer.stop();
  } finally {
    await consumer.disconnect();
  }
  const committed = await whileRetriable(admin, group.topics, () => admin.fetchOffsets({ groupId: group.groupId, topics: [...group.topics] }));
  const missed: string[] = [];
  for (const end of ends) {
    if (BigInt(end.offset) === 0n) continue;
    const got = committed.find((t) => t.topic === end.topic)?.partitions.find((p) => p.partition === end.partition)?.offset;
    if (got === undefined || BigInt(got) < BigInt(end.offset)) missed.push(`${end.topic}/${end.partition} (committed ${got}, end ${end.offset})`);
  }
  return missed;
}

/**
 * `admin.fetchTopicOffsets`, retried while the broker answers with a retriable error. kafkajs retries only an
 * unknown topic there and gives up at once on "not the leader for that topic-partition", which a KRaft broker
 * answers for a moment after a topic was created (even with `waitForLeaders`, when another process created
 * it): CI failed on exactly that.
 */
export function topicEnds(admin: Admin, topic: string): Promise<{ partition: number; high: string }[]> {
  return whileRetriable(admin, [topic], () => admin.fetchTopicOffsets(topic));
}

/**
 * Runs an admin request again, for up to 30 s, while the broker answers with a retriable error such as "This
 * server does not host this topic-partition", which a KRaft broker answers for a moment after a topic was
 * created by another process (CI failed on it); the topic's metadata is refreshed between attempts.
 */
async function whileRetriable<T>(admin: Admin, topics: readonly string[], request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: unknown }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.fetchTopicMetadata({ topics: [...topics] }).catch(() => undefined);
    }
  }
}

/** Consumer groups whose id starts with `prefix` (to spot groups a test did not position). */
export async function groupsWithPrefix(brokers: readonly string[], prefix: string): Promise<string[]> {
  const admin = kafkaClient(brokers, 'sr-test-groups').admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
}

/** The committed offset of a group on one partition (null when none). */
export async function committedOffset(brokers: readonly string[], groupId: string, topic: string, partition: number): Promise<bigint | null> {
  const admin = kafkaClient(brokers, 'sr-test-committed').admin();
  await admin.connect();
  try {
    const [t] = await whileRetriable(admin, [topic], () => admin.fetchOffsets({ groupId, topics: [topic] }));
    const offset = t?.partitions.find((p) => p.partition === partition)?.offset;
    return offset === undefined || offset === '-1' ? null : BigInt(offset);
  } finally {
    await admin.disconnect();
  }
}

/** A raw producer for tests (kafkajs' default murmur2 partitioner, as the product uses). */
export async function kafkaProducer(brokers: readonly string[], clientId: string): Promise<{ send(topic: string, messages: { key: string; value: string | Buffer; headers?: Record<string, string | string[]> }[]): Promise<void>; close(): Promise<void> }> {
  const producer = kafkaClient(brokers, clientId).producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    send: async (topic, messages) => {
      await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}

/** Deletes the topics whose names start with `prefix` (a test run's own namespace). */
export async function deleteTopicsWithPrefix(brokers: readonly string[], prefix: string): Promise<void> {
  const admin = kafkaClient(brokers, `${prefix}cleanup`).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
