import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keyring: one data key per owner (a signal at intake, a subject at registration), stored wrapped under
 * the master key. Crypto-shredding clears `wrapped_key` and records which destruction did it; the row stays
 * so that "this key existed and was destroyed by …" can still be shown. Destruction records keep the data
 * class, the rule, the reason and who approved; they are append-only (UPDATE, DELETE, TRUNCATE refused).
 */
export class CreateKeyring1764500000000 implements MigrationInterface {
  name = 'CreateKeyring1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_keys (
        key_id         uuid PRIMARY KEY,
        owner          text NOT NULL,
        municipality   text NOT NULL,
        wrapped_key    text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        destroyed_at   timestamptz,
        destruction_id uuid,
        CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX data_keys_owner ON data_keys (owner)`);
    await q.query(`
      CREATE TABLE destruction_records (
        destruction_id uuid PRIMARY KEY,
        owner          text NOT NULL,
        municipality   text NOT NULL,
        data_class     text NOT NULL,
        rule           text NOT NULL,
        reason         text NOT NULL,
        approved_by    text NOT NULL,
        approved_role  text NOT NULL,
        keys_destroyed integer NOT NULL,
        destroyed_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX destruction_records_owner ON destruction_records (owner)`);
    await q.query(`
      CREATE FUNCTION destruction_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'destruction_records is append-only' USING ERRCODE = 'P0001';
      END $$`);
    await q.query(`CREATE TRIGGER destruction_records_no_update BEFORE UPDATE OR DELETE ON destruction_records FOR EACH ROW EXECUTE FUNCTION destruction_records_append_only()`);
    await q.query(`CREATE TRIGGER destruction_records_no_truncate BEFORE TRUNCATE ON destruction_records FOR EACH STATEMENT EXECUTE FUNCTION destruction_records_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE destruction_records, data_keys`);
    await q.query(`DROP FUNCTION destruction_records_append_only()`);
  }
}
