import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ROUTER_SIGNALS_MIGRATIONS } from './signals/router-signals.migrations.js';
import { CreateLegalHoldRequestKeys1764900007000 } from './privacy/legal-holds/legal-hold-request-keys.migration.js';
import { CreateSubjectRequestKeys1764900006000 } from './subjects/subject-request-keys.migration.js';
import { SUBJECTS_MIGRATIONS } from './subjects/subjects.migrations.js';
import { PRIVACY_MIGRATIONS } from './privacy/privacy.migrations.js';
import { CreateCaseCommitGuard1764900002000 } from './cases/case-commit-guard.migration.js';
import { CreateCaseSignalsNotErasedGuard1764900015000 } from './cases/case-signals-not-erased-guard.migration.js';
import { CreateCaseRequestKeys1764900004000 } from './cases/case-request-keys.migration.js';
import { CreateReferralCaseLinks1764900010000 } from './referrals/referral-case-links.migration.js';
import { IndexRequestKeysByAge1764900009000 } from './request-keys-by-age.migration.js';

/**
 * The router's own tables (the signals read model and subjects come with their own migrations):
 * - `model_versions`: escalation-model versions published by an administrator (the built-ins ship in code);
 * - `case_view`: one row per case with its full state, written in the same statement as the case's events.
 *   It is what commands load (decide on it, append at its version) and what reads answer from, and
 *   `next_deadline_at` is the durable timer the deadline scheduler polls.
 */
export class CreateRouterTables1764200001000 implements MigrationInterface {
  name = 'CreateRouterTables1764200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_versions (
        id           text NOT NULL,
        version      integer NOT NULL CHECK (version > 0),
        definition   jsonb NOT NULL,
        published_at timestamptz NOT NULL,
        published_by text NOT NULL,
        CONSTRAINT model_versions_pkey PRIMARY KEY (id, version)
      )`);
    await q.query(`
      CREATE TABLE case_view (
        case_id          uuid PRIMARY KEY,
        municipality     text NOT NULL,
        model_id         text NOT NULL,
        model_version    integer NOT NULL,
        current_state    text NOT NULL,
        status           text NOT NULL CHECK (status IN ('open', 'closed')),
        version          integer NOT NULL,
        special_category boolean NOT NULL DEFAULT false,
        state            jsonb NOT NULL,
        next_deadline_at timestamptz,
        opened_at        timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX case_view_next_deadline ON case_view (next_deadline_at) WHERE next_deadline_at IS NOT NULL`);
    await q.query(`CREATE INDEX case_view_listing ON case_view (municipality, opened_at DESC, case_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_view, model_versions`);
  }
}

/** Every table of the router app: the case view and model versions, plus the signals and subjects read models. */
/** The hash of the case stream's last event, so a command chains to it without reading the stream head. */
export class AddCaseViewHeadHash1764200002000 implements MigrationInterface {
  name = 'AddCaseViewHeadHash1764200002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_view ADD COLUMN head_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_view DROP COLUMN head_hash`);
  }
}

export const ROUTER_MIGRATIONS: Function[] = [CreateRouterTables1764200001000, ...ROUTER_SIGNALS_MIGRATIONS, ...SUBJECTS_MIGRATIONS, AddCaseViewHeadHash1764200002000, ...PRIVACY_MIGRATIONS, CreateCaseCommitGuard1764900002000, CreateCaseRequestKeys1764900004000, CreateSubjectRequestKeys1764900006000, CreateLegalHoldRequestKeys1764900007000, IndexRequestKeysByAge1764900009000, CreateReferralCaseLinks1764900010000, CreateCaseSignalsNotErasedGuard1764900015000];
