import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events_assert_head(stream, version, hash)`: fails the statement unless the stream's event at `version`
 * has `hash`. Lets a writer that keeps the head hash in a read model skip reading the stream head, without
 * ever chaining a new event to the wrong predecessor.
 */
export class CreateAssertStreamHead1764400000000 implements MigrationInterface {
  name = 'CreateAssertStreamHead1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION events_assert_head(p_stream text, p_version integer, p_hash text) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM events WHERE stream_id = p_stream AND stream_version = p_version AND hash = p_hash) THEN
          RAISE EXCEPTION 'stream % is not at version % with the given head hash', p_stream, p_version USING ERRCODE = 'SR409';
        END IF;
        RETURN 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION events_assert_head(text, integer, text)');
  }
}
