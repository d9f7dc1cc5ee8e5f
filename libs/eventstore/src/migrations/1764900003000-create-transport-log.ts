import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-process transport's log and its consumer groups' offsets (`EmbeddedMessageStore`): with the embedded
 * default, what the outbox relay published and the consumers had not handled yet survives a stop or a crash.
 * Unused (empty) when Kafka carries the messages.
 */
export class CreateTransportLog1764900003000 implements MigrationInterface {
  name = 'CreateTransportLog1764900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE transport_topics (topic text PRIMARY KEY, partitions integer NOT NULL CHECK (partitions > 0))`);
    await q.query(`
      CREATE TABLE transport_messages (
        topic        text NOT NULL,
        partition    integer NOT NULL,
        "offset"     bigint NOT NULL,
        message_key  text NOT NULL,
        value        bytea NOT NULL,
        headers      jsonb NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (topic, partition, "offset")
      )`);
    await q.query(`
      CREATE TABLE transport_group_offsets (
        group_id    text NOT NULL,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        next_offset bigint NOT NULL,
        PRIMARY KEY (group_id, topic, partition)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE transport_group_offsets, transport_messages, transport_topics');
  }
}
