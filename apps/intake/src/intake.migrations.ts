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

/**
 * Triage results in the queue: the subject a signal is linked to and the case it is in. A case event can
 * arrive before the signal it names (the cases and signals topics are not ordered with each other), so case
 * links are also kept in `triage_queue_case_links`, which the signal's row picks up when it arrives.
 */
export class AddTriageLinksToQueue1764100001100 implements MigrationInterface {
  name = 'AddTriageLinksToQueue1764100001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE triage_queue ADD COLUMN subject_id uuid, ADD COLUMN case_id uuid`);
    await q.query(`
      CREATE TABLE triage_queue_case_links (
        signal_id  uuid PRIMARY KEY,
        case_id    uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE triage_queue_case_links`);
    await q.query(`ALTER TABLE triage_queue DROP COLUMN case_id, DROP COLUMN subject_id`);
  }
}

export const INTAKE_MIGRATIONS: Function[] = [CreateIntakeTables1764100001000, AddTriageLinksToQueue1764100001100];
