import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The global checkpoint chain of the tamper-evident ledger. Each row seals a range of events in commit
 * order, `(from, to]` as (transaction_id, position) cursors: `lines` holds `<transaction_id>:<position>:<hash>\n`
 * of every event in the range (so a verifier can say exactly which event was deleted, moved or rewritten,
 * and an export can prove an event's place offline), `digest` is sha256 over `lines`, and
 * `checkpoint_hash` chains the row to its predecessor. Append-only, like `events`; TRUNCATE is refused on both tables too (row
 * triggers do not see it).
 */
export class CreateLedgerCheckpoints1764300000000 implements MigrationInterface {
  name = 'CreateLedgerCheckpoints1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_checkpoints (
        seq                  bigint PRIMARY KEY CHECK (seq > 0),
        from_transaction_id  xid8 NOT NULL,
        from_position        bigint NOT NULL,
        to_transaction_id    xid8 NOT NULL,
        to_position          bigint NOT NULL,
        event_count          integer NOT NULL CHECK (event_count > 0),
        digest               text NOT NULL,
        lines                text NOT NULL,
        prev_checkpoint_hash text,
        checkpoint_hash      text NOT NULL,
        created_at           timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION ledger_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger checkpoints are append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`
      CREATE TRIGGER ledger_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON ledger_checkpoints
      FOR EACH ROW EXECUTE FUNCTION ledger_checkpoints_append_only()`);
    await q.query(`
      CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_checkpoints_append_only()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER events_no_truncate ON events`);
    await q.query(`DROP TABLE ledger_checkpoints`);
    await q.query(`DROP FUNCTION ledger_checkpoints_append_only()`);
  }
}
