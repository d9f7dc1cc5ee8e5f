import type { InProcessMessageStore, StoredInProcessMessage } from '#messaging';
import type { Database } from '../database/sql-executor.js';

/**
 * The in-process transport's store in the product's own database (`transport_topics`, `transport_messages`,
 * `transport_group_offsets`): the embedded default keeps what was published and not yet consumed across a stop
 * or a crash, as Kafka would. Values are kept as bytes (base64 on the wire, so PGlite and `pg` bind them alike).
 *
 * A group's rows in `transport_group_offsets` hold back retention for good: messages it has not consumed are kept
 * until it consumes them, however long it stays away (see `InProcessTransportOptions.retentionPerPartition`). A group
 * that will never come back (renamed or retired) is released, with the app stopped, by
 * `DELETE FROM transport_group_offsets WHERE group_id = '<group>'`.
 */
export class EmbeddedMessageStore implements InProcessMessageStore {
  constructor(private readonly db: Database) {}

  async ensureTopic(topic: string, partitions: number): Promise<number> {
    await this.db.query('INSERT INTO transport_topics (topic, partitions) VALUES ($1, $2) ON CONFLICT (topic) DO NOTHING', [topic, partitions]);
    const r = await this.db.query<{ partitions: number }>('SELECT partitions FROM transport_topics WHERE topic = $1', [topic]);
    return r.rows[0]!.partitions;
  }

  async load(topic: string): Promise<StoredInProcessMessage[]> {
    const r = await this.db.query<{ partition: number; offset: string; message_key: string; value: string; headers: Record<string, string> | string; published_at: string }>(
      `SELECT partition, "offset"::text AS offset, message_key, encode(value, 'base64') AS value, headers, (extract(epoch FROM published_at) * 1000)::bigint::text AS published_at
         FROM transport_messages WHERE topic = $1 ORDER BY partition, "offset"`,
      [topic],
    );
    return r.rows.map((row) => ({
      partition: row.partition,
      offset: Number(row.offset),
      key: row.message_key,
      value: Buffer.from(row.value, 'base64'),
      headers: typeof row.headers === 'string' ? (JSON.parse(row.headers) as Record<string, string>) : row.headers,
      publishedAt: Number(row.published_at),
    }));
  }

  async append(topic: string, messages: readonly StoredInProcessMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.query(
      `INSERT INTO transport_messages (topic, partition, "offset", message_key, value, headers, published_at)
       SELECT $1, m.partition, m.offset, m.message_key, decode(m.value, 'base64'), m.headers, to_timestamp(m.published_at / 1000.0)
         FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::bigint[]) AS m (partition, "offset", message_key, value, headers, published_at)`,
      [
        topic,
        messages.map((m) => m.partition),
        messages.map((m) => m.offset),
        messages.map((m) => m.key),
        messages.map((m) => m.value.toString('base64')),
        messages.map((m) => JSON.stringify(m.headers)),
        messages.map((m) => m.publishedAt),
      ],
    );
  }

  async committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const r = await this.db.query<{ partition: number; next_offset: string }>(
      'SELECT partition, next_offset::text AS next_offset FROM transport_group_offsets WHERE group_id = $1 AND topic = $2',
      [groupId, topic],
    );
    return new Map(r.rows.map((row) => [row.partition, Number(row.next_offset)]));
  }

  async groupsCommittedOffsets(topic: string): Promise<Map<string, Map<number, number>>> {
    const r = await this.db.query<{ group_id: string; partition: number; next_offset: string }>(
      'SELECT group_id, partition, next_offset::text AS next_offset FROM transport_group_offsets WHERE topic = $1',
      [topic],
    );
    const groups = new Map<string, Map<number, number>>();
    for (const row of r.rows) {
      let offsets = groups.get(row.group_id);
      if (!offsets) groups.set(row.group_id, (offsets = new Map()));
      offsets.set(row.partition, Number(row.next_offset));
    }
    return groups;
  }

  async save(
    commits: readonly { groupId: string; topic: string; partition: number; nextOffset: number }[],
    retentionStarts: readonly { topic: string; partition: number; startOffset: number }[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (commits.length > 0) {
        await tx.query(
          `INSERT INTO transport_group_offsets (group_id, topic, partition, next_offset)
           SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
           ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
          [commits.map((c) => c.groupId), commits.map((c) => c.topic), commits.map((c) => c.partition), commits.map((c) => c.nextOffset)],
        );
      }
      if (retentionStarts.length > 0) {
        // The newest message of a partition stays, whatever its age: it tells the next process where the partition ends.
        // Nor does a message go that a group with committed offsets here has not consumed (the transport never asks
        // for that; this is the last guard of "a message with a receipt is never lost"). The commits above count.
        await tx.query(
          `WITH s AS (
             SELECT s.topic, s.partition,
                    LEAST(s.start_offset, COALESCE((SELECT min(g.next_offset) FROM transport_group_offsets g WHERE g.topic = s.topic AND g.partition = s.partition), s.start_offset)) AS start_offset,
                    (SELECT max(n."offset") FROM transport_messages n WHERE n.topic = s.topic AND n.partition = s.partition) AS newest
               FROM unnest($1::text[], $2::int[], $3::bigint[]) AS s (topic, partition, start_offset))
           DELETE FROM transport_messages t USING s
            WHERE t.topic = s.topic AND t.partition = s.partition AND t."offset" < s.start_offset AND t."offset" < s.newest`,
          [retentionStarts.map((s) => s.topic), retentionStarts.map((s) => s.partition), retentionStarts.map((s) => s.startOffset)],
        );
      }
    });
  }
}
