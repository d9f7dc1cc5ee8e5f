/** A message of the in-process transport as its store keeps it. */
export interface StoredInProcessMessage {
  partition: number;
  offset: number;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** ms since the epoch. */
  publishedAt: number;
}

/**
 * Where the in-process transport keeps its log and its groups' offsets, so that what was published and not
 * yet consumed survives a stop or a crash of the process (the embedded default keeps them in its database).
 * Without a store the transport keeps everything in memory only.
 */
export interface InProcessMessageStore {
  /**
   * Creates the topic with `partitions` unless it exists, and answers with the partition count it has (an existing
   * topic keeps its own, as on Kafka: another count would move keys to other partitions and break their order).
   */
  ensureTopic(topic: string, partitions: number): Promise<number>;
  /** The kept messages of a topic, per partition in offset order (the newest of each partition always among them). */
  load(topic: string): Promise<StoredInProcessMessage[]>;
  /** Stores published messages; resolves once they are durable. */
  append(topic: string, messages: readonly StoredInProcessMessage[]): Promise<void>;
  /** A group's committed offsets (the next offset to consume) per partition of a topic. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, number>>;
  /**
   * Every group's committed offsets of a topic: group id → partition → next offset to consume. The transport's
   * retention never drops a message one of these groups has not consumed, even before the group subscribes again
   * in this process (a store without it protects only the groups that subscribed in this process).
   */
  groupsCommittedOffsets?(topic: string): Promise<Map<string, Map<number, number>>>;
  /**
   * Records committed offsets (the next offset to consume), and forgets messages older than each partition's retention
   * start. The transport never moves a retention start past a stored group's committed offset; a store may refuse to
   * forget such messages anyway.
   */
  save(commits: readonly { groupId: string; topic: string; partition: number; nextOffset: number }[], retentionStarts: readonly { topic: string; partition: number; startOffset: number }[]): Promise<void>;
}
