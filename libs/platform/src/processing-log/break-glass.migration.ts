import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Break-the-glass on the processing log: every line of a request that broke the glass carries the access
 * id, the reason and the municipality entered (all three or none); `break_glass_reviews` holds an auditor's
 * verdict on an access, one per access, append-only like the log itself.
 */
export class AddBreakGlassToProcessingLog1764600000000 implements MigrationInterface {
  name = 'AddBreakGlassToProcessingLog1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE processing_log
        ADD COLUMN break_glass_id uuid,
        ADD COLUMN break_glass_reason text,
        ADD COLUMN break_glass_municipality text,
        ADD CONSTRAINT processing_log_break_glass_complete CHECK (
          (break_glass_id IS NULL AND break_glass_reason IS NULL AND break_glass_municipality IS NULL)
          OR (break_glass_id IS NOT NULL AND break_glass_reason IS NOT NULL AND break_glass_municipality IS NOT NULL))`);
    await q.query(`CREATE INDEX processing_log_break_glass ON processing_log (break_glass_id, id) WHERE break_glass_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE break_glass_reviews (
        access_id     uuid PRIMARY KEY,
        verdict       text NOT NULL CHECK (verdict IN ('gerechtvaardigd', 'niet-gerechtvaardigd')),
        note          text NOT NULL,
        reviewer_id   text NOT NULL,
        reviewer_role text NOT NULL,
        reviewed_at   timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TRIGGER break_glass_reviews_no_update_delete BEFORE UPDATE OR DELETE ON break_glass_reviews
      FOR EACH ROW EXECUTE FUNCTION processing_log_append_only()`);
    await q.query(`
      CREATE TRIGGER break_glass_reviews_no_truncate BEFORE TRUNCATE ON break_glass_reviews
      FOR EACH STATEMENT EXECUTE FUNCTION processing_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE break_glass_reviews`);
    await q.query(`DROP INDEX processing_log_break_glass`);
    await q.query(`
      ALTER TABLE processing_log
        DROP CONSTRAINT processing_log_break_glass_complete,
        DROP COLUMN break_glass_id, DROP COLUMN break_glass_reason, DROP COLUMN break_glass_municipality`);
  }
}
