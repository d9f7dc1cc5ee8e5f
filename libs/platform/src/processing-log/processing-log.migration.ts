import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AddBreakGlassToProcessingLog1764600000000 } from './break-glass.migration.js';
import { OrderProcessingLogByCommit1764900016300 } from './processing-log-commit-order.migration.js';

/**
 * The processing log, shaped after Logius' *Logboek Dataverwerkingen*: one line per processing action and
 * per data subject, with the W3C trace context, the processing activity, a pseudonymised subject reference,
 * who did it in which role, why, when and with what outcome. Append-only: UPDATE, DELETE and TRUNCATE are
 * refused by triggers.
 */
export class CreateProcessingLog1764300001000 implements MigrationInterface {
  name = 'CreateProcessingLog1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processing_log (
        id                  bigserial PRIMARY KEY,
        trace_id            text NOT NULL,
        span_id             text NOT NULL,
        parent_span_id      text,
        operation           text NOT NULL,
        processing_activity text NOT NULL,
        purpose             text NOT NULL,
        legal_basis         text,
        data_subject_type   text NOT NULL,
        data_subject_ref    text,
        actor_id            text NOT NULL,
        actor_role          text NOT NULL,
        method              text NOT NULL,
        route               text NOT NULL,
        status_code         smallint NOT NULL,
        outcome             text NOT NULL CHECK (outcome IN ('ok', 'error')),
        started_at          timestamptz NOT NULL,
        ended_at            timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX processing_log_subject ON processing_log (data_subject_ref, id) WHERE data_subject_ref IS NOT NULL`);
    await q.query(`CREATE INDEX processing_log_actor ON processing_log (actor_id, id)`);
    await q.query(`CREATE INDEX processing_log_time ON processing_log (started_at, id)`);
    await q.query(`
      CREATE FUNCTION processing_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the processing log is append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER processing_log_no_update_delete BEFORE UPDATE OR DELETE ON processing_log
      FOR EACH ROW EXECUTE FUNCTION processing_log_append_only()`);
    await q.query(`
      CREATE TRIGGER processing_log_no_truncate BEFORE TRUNCATE ON processing_log
      FOR EACH STATEMENT EXECUTE FUNCTION processing_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processing_log`);
    await q.query(`DROP FUNCTION processing_log_append_only()`);
  }
}

/** Migrations of the platform's own tables. */
export const PLATFORM_MIGRATIONS: Function[] = [CreateProcessingLog1764300001000, AddBreakGlassToProcessingLog1764600000000, OrderProcessingLogByCommit1764900016300];
