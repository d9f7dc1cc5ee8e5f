import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake's own tables: idempotency keys (a resend gets the same signal id), the reporter vault
 * (reporter identities kept apart from the event log) and the triage queue read model.
 */
export class CreateIntakeTables1764100001000 implements MigrationInterface {
  name = 'CreateIntakeTables1764100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intake_keys (
        key          text PRIMARY KEY,
        signal_id    uuid NOT NULL,
        received_at  timestamptz NOT NULL,
        request_hash text,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE reporter_vault (
        reporter_ref uuid PRIMARY KEY,
        signal_id    uuid NOT NULL UNIQUE,
        municipality text NOT NULL,
        source       text NOT NULL,
        reporter     jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE triage_queue (
        signal_id        uuid PRIMARY KEY,
        municipality     text NOT NULL,
        source           text NOT NULL,
        status           text NOT NULL,
        received_at      timestamptz NOT NULL,
        recorded_at      timestamptz NOT NULL,
        external_ref     text,
        theme            text,
        urgency          text,
        wvggz            boolean,
        special_category boolean NOT NULL,
        details          jsonb NOT NULL,
        event_position   bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX triage_queue_listing ON triage_queue (municipality, received_at DESC, signal_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE triage_queue, reporter_vault, intake_keys`);
  }
}

/** The side table of case links (until CaseLinksAsPlaceholderRows, and again when that is undone). */
const CREATE_CASE_LINKS_TABLE = `
  CREATE TABLE triage_queue_case_links (
    signal_id  uuid PRIMARY KEY,
    case_id    uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Triage results in the queue: the subject a signal is linked to and the case it is in. A case event can
 * arrive before the signal it names (the cases and signals topics are not ordered with each other), so case
 * links are also kept in `triage_queue_case_links`, which the signal's row picks up when it arrives.
 */
export class AddTriageLinksToQueue1764100001100 implements MigrationInterface {
  name = 'AddTriageLinksToQueue1764100001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE triage_queue ADD COLUMN subject_id uuid, ADD COLUMN case_id uuid`);
    await q.query(CREATE_CASE_LINKS_TABLE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE triage_queue_case_links`);
    await q.query(`ALTER TABLE triage_queue DROP COLUMN case_id, DROP COLUMN subject_id`);
  }
}

/**
 * A case link for a signal that has not arrived yet is a placeholder row of `triage_queue` (only `signal_id`,
 * `status` and `case_id`; no query shows a row without a municipality) instead of a row of a side table. The signal
 * and the link then write the same row, and the unique index orders two processes that do so at the same moment:
 * with the side table, a signal inserted while its link committed elsewhere could miss the link for good.
 */
export class CaseLinksAsPlaceholderRows1764900001200 implements MigrationInterface {
  name = 'CaseLinksAsPlaceholderRows1764900001200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE triage_queue
        ALTER COLUMN municipality DROP NOT NULL, ALTER COLUMN source DROP NOT NULL, ALTER COLUMN received_at DROP NOT NULL,
        ALTER COLUMN recorded_at DROP NOT NULL, ALTER COLUMN special_category DROP NOT NULL, ALTER COLUMN details DROP NOT NULL,
        ALTER COLUMN event_position DROP NOT NULL`);
    await q.query(`
      INSERT INTO triage_queue (signal_id, status, case_id)
      SELECT signal_id, 'in-behandeling', case_id FROM triage_queue_case_links
      ON CONFLICT (signal_id) DO NOTHING`);
    await q.query(`DROP TABLE triage_queue_case_links`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(CREATE_CASE_LINKS_TABLE);
    await q.query(`INSERT INTO triage_queue_case_links (signal_id, case_id) SELECT signal_id, case_id FROM triage_queue WHERE case_id IS NOT NULL`);
    await q.query(`DELETE FROM triage_queue WHERE source IS NULL`);
    await q.query(`
      ALTER TABLE triage_queue
        ALTER COLUMN municipality SET NOT NULL, ALTER COLUMN source SET NOT NULL, ALTER COLUMN received_at SET NOT NULL,
        ALTER COLUMN recorded_at SET NOT NULL, ALTER COLUMN special_category SET NOT NULL, ALTER COLUMN details SET NOT NULL,
        ALTER COLUMN event_position SET NOT NULL`);
  }
}

/**
 * An index on when the intake recorded a caller's `Idempotency-Key` (`idem:` keys only: MMA references and
 * deliveries never expire), so pruning the expired ones finds them without reading the whole table. A B-tree, not
 * BRIN as the inbox has: pruning deletes the oldest rows, new rows reuse their space, and a BRIN range's summary only
 * ever widens, so in time most ranges would match the pruning query.
 */
export class IndexIntakeIdempotencyKeysByAge1764900008000 implements MigrationInterface {
  name = 'IndexIntakeIdempotencyKeysByAge1764900008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX intake_keys_idempotency_created_at ON intake_keys (created_at) WHERE key LIKE 'idem:%'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX intake_keys_idempotency_created_at`);
  }
}

export const INTAKE_MIGRATIONS: Function[] = [CreateIntakeTables1764100001000, AddTriageLinksToQueue1764100001100, CaseLinksAsPlaceholderRows1764900001200, IndexIntakeIdempotencyKeysByAge1764900008000];
