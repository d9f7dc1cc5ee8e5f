import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal holds: while a hold on a subject, signal or case is active (`lifted_at IS NULL`), no erasure request
 * and no retention rule destroys the personal data it covers. Placing and lifting are events too.
 */
export class CreateLegalHolds1764500002000 implements MigrationInterface {
  name = 'CreateLegalHolds1764500002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_holds (
        hold_id      uuid PRIMARY KEY,
        owner        text NOT NULL,
        municipality text NOT NULL,
        reason       text NOT NULL,
        placed_by    text NOT NULL,
        placed_at    timestamptz NOT NULL,
        lifted_at    timestamptz,
        lifted_by    text,
        lift_reason  text
      )`);
    await q.query(`CREATE INDEX legal_holds_active ON legal_holds (owner) WHERE lifted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE legal_holds`);
  }
}

/**
 * Retention runs: one row per run of the retention job, with what it did (`summary`). At most one daily
 * run per Dutch calendar day: the unique index is the claim that lets several router processes poll for
 * the daily run while only one of them does it. Runs an administrator starts are not limited.
 */
export class CreateRetentionRuns1764500003000 implements MigrationInterface {
  name = 'CreateRetentionRuns1764500003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_runs (
        run_id       uuid PRIMARY KEY,
        run_day      date NOT NULL,
        trigger      text NOT NULL CHECK (trigger IN ('daily', 'admin')),
        requested_by text NOT NULL,
        started_at   timestamptz NOT NULL,
        finished_at  timestamptz,
        summary      jsonb
      )`);
    await q.query(`CREATE UNIQUE INDEX retention_runs_one_daily ON retention_runs (run_day) WHERE trigger = 'daily'`);
    await q.query(`CREATE INDEX retention_runs_recent ON retention_runs (started_at DESC, run_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retention_runs`);
  }
}

/**
 * The retention job finds every signal ever linked to a subject from the links on the signals' streams
 * (`SignalLinkedToSubject`, the source of record); this partial index on the ledger's events lets it read them
 * by subject instead of scanning every event. An index only: the events and their hashes are untouched.
 */
export class IndexSignalLinksBySubject1764650000000 implements MigrationInterface {
  name = 'IndexSignalLinksBySubject1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_signal_links_by_subject ON events ((payload->>'subjectId')) WHERE type = 'SignalLinkedToSubject'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_signal_links_by_subject`);
  }
}

export const PRIVACY_MIGRATIONS: Function[] = [CreateLegalHolds1764500002000, CreateRetentionRuns1764500003000, IndexSignalLinksBySubject1764650000000];
