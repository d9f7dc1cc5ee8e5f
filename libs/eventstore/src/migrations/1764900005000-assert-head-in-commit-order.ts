import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events_assert_head` also fails the statement when the head was written by a transaction younger than the one
 * appending (which got its id at an earlier write): readers consume in (transaction id, position) order and would
 * read the new version before the one it follows. The appender sends it again, in a new transaction.
 */
export class AssertHeadInCommitOrder1764900005000 implements MigrationInterface {
  name = 'AssertHeadInCommitOrder1764900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION events_assert_head(p_stream text, p_version integer, p_hash text) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM events WHERE stream_id = p_stream AND stream_version = p_version AND hash = p_hash
                        AND NOT coalesce(transaction_id > pg_current_xact_id_if_assigned(), false)) THEN
          RAISE EXCEPTION 'stream % is not at version % with the given head hash, written before this transaction', p_stream, p_version USING ERRCODE = 'SR409';
        END IF;
        RETURN 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION events_assert_head(p_stream text, p_version integer, p_hash text) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM events WHERE stream_id = p_stream AND stream_version = p_version AND hash = p_hash) THEN
          RAISE EXCEPTION 'stream % is not at version % with the given head hash', p_stream, p_version USING ERRCODE = 'SR409';
        END IF;
        RETURN 1;
      END $$`);
  }
}
