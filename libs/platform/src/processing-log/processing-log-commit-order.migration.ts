import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each processing-log line records the transaction that wrote it (`transaction_id`, xid8), and the lists that page
 * the log (the processing log, the break-the-glass review queue) go by (transaction_id, id) and only below the
 * oldest transaction still in flight, as the event store's readers do. A line id is drawn at insert, before the
 * commit, so paging by id alone passed lines that committed later with a lower id, and an auditor following the
 * cursors never saw them.
 *
 * The column is filled by its default, so no writer names it. Lines already written get 0: this migration waits for
 * every transaction writing the table (ALTER TABLE takes its lock), so they are all committed and none can turn up
 * late; 0 is below every transaction id, so they come first, in id order, which is the order the versions before
 * listed them, and a cursor those versions gave out (a line id) carries on from the same line. Adding a column
 * with a constant default does not rewrite the table; the default for new lines is set after.
 */
export class OrderProcessingLogByCommit1764900016300 implements MigrationInterface {
  name = 'OrderProcessingLogByCommit1764900016300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE processing_log ADD COLUMN transaction_id xid8 NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE processing_log ALTER COLUMN transaction_id SET DEFAULT pg_current_xact_id()`);
    // Every list filters by subject, actor, time or break-the-glass access and is read in commit order.
    await q.query(`CREATE INDEX processing_log_commit_order ON processing_log (transaction_id, id)`);
    await q.query(`CREATE INDEX processing_log_subject_commit_order ON processing_log (data_subject_ref, transaction_id, id) WHERE data_subject_ref IS NOT NULL`);
    await q.query(`CREATE INDEX processing_log_actor_commit_order ON processing_log (actor_id, transaction_id, id)`);
    await q.query(`CREATE INDEX processing_log_break_glass_commit_order ON processing_log (break_glass_id, transaction_id, id) WHERE break_glass_id IS NOT NULL`);
    await q.query(`DROP INDEX processing_log_subject, processing_log_actor, processing_log_break_glass`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX processing_log_subject ON processing_log (data_subject_ref, id) WHERE data_subject_ref IS NOT NULL`);
    await q.query(`CREATE INDEX processing_log_actor ON processing_log (actor_id, id)`);
    await q.query(`CREATE INDEX processing_log_break_glass ON processing_log (break_glass_id, id) WHERE break_glass_id IS NOT NULL`);
    await q.query(`DROP INDEX processing_log_commit_order, processing_log_subject_commit_order, processing_log_actor_commit_order, processing_log_break_glass_commit_order`);
    await q.query(`ALTER TABLE processing_log DROP COLUMN transaction_id`);
  }
}
