import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AddEscalationAlertReason1764900014000 } from './liaison/escalation-alert-reason.migration.js';
import { AddEscalationLastReport1764900011000 } from './liaison/escalation-last-report.migration.js';
import { IndexEscalationsByCase1764900012000 } from './liaison/escalations-by-case.migration.js';
import { EscalationsGetLateSignalFacts1764900013000 } from './liaison/late-signal-facts.migration.js';

/**
 * The tables app's own tables, all rebuildable from the topics and its event streams:
 * - `tables_signal_facts`, `tables_case_sheets`: what it knows of signals and cases (shareable facts only);
 * - `table_referrals`: the table register (one row per referral, with its durable timers);
 * - `table_disclosures`: every disclosure (recipient, legal basis, processing activity, fields, payload hash);
 * - `liaison_escalations` and `liaison_feed`: police escalations (durable tier timers) and the feed the SSE
 *   stream serves, read in commit order like the event store (`transaction_id`, `seq`).
 */
export class CreateTablesTables1764300001000 implements MigrationInterface {
  name = 'CreateTablesTables1764300001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tables_signal_facts (
        signal_id        text PRIMARY KEY,
        municipality     text,
        facts            jsonb NOT NULL,
        special_category boolean NOT NULL DEFAULT false,
        recorded_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tables_case_sheets (
        case_id      text PRIMARY KEY,
        municipality text NOT NULL,
        sheet        jsonb NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE table_referrals (
        referral_id   text PRIMARY KEY,
        case_id       text NOT NULL,
        table_id      text NOT NULL,
        municipality  text NOT NULL,
        case_type     text NOT NULL,
        status        text NOT NULL CHECK (status IN ('open', 'accepted', 'returned', 'rejected')),
        referred_at   timestamptz NOT NULL,
        published_at  timestamptz NOT NULL,
        accept_by     timestamptz,
        remind_at     timestamptz,
        reminded_at   timestamptz,
        overdue_at    timestamptz,
        decided_at    timestamptz,
        decided_by    text,
        reason        text,
        rejection     text,
        fields        text[] NOT NULL DEFAULT '{}',
        payload       jsonb,
        version       integer NOT NULL
      )`);
    await q.query(`CREATE INDEX table_referrals_listing ON table_referrals (table_id, municipality, referred_at DESC, referral_id DESC)`);
    await q.query(`CREATE INDEX table_referrals_case ON table_referrals (case_id)`);
    await q.query(`CREATE INDEX table_referrals_due ON table_referrals (accept_by) WHERE status = 'open' AND overdue_at IS NULL`);
    await q.query(`
      CREATE TABLE table_disclosures (
        disclosure_id       uuid PRIMARY KEY,
        subject_ref         text NOT NULL,
        recipient           text NOT NULL,
        municipality        text NOT NULL,
        case_id             text NOT NULL,
        legal_basis         text NOT NULL,
        processing_activity text NOT NULL,
        fields              text[] NOT NULL,
        payload_sha256      text NOT NULL,
        event_id            uuid NOT NULL,
        disclosed_at        timestamptz NOT NULL,
        CONSTRAINT table_disclosures_once UNIQUE (subject_ref, recipient)
      )`);
    await q.query(`CREATE INDEX table_disclosures_case ON table_disclosures (case_id, disclosed_at)`);
    await q.query(`
      CREATE TABLE liaison_escalations (
        escalation_id   uuid PRIMARY KEY,
        case_id         text NOT NULL,
        municipality    text NOT NULL,
        case_type       text NOT NULL,
        trigger         jsonb NOT NULL,
        policy_id       text,
        tiers           jsonb NOT NULL,
        status          text NOT NULL CHECK (status IN ('open', 'acknowledged', 'coordinator-alerted')),
        tier_index      integer NOT NULL,
        attempt         integer NOT NULL,
        ack_due_at      timestamptz,
        acknowledged_at timestamptz,
        acknowledged_by text,
        raised_at       timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL,
        summary         jsonb NOT NULL,
        version         integer NOT NULL
      )`);
    await q.query(`CREATE INDEX liaison_escalations_listing ON liaison_escalations (municipality, raised_at DESC, escalation_id DESC)`);
    await q.query(`CREATE INDEX liaison_escalations_due ON liaison_escalations (ack_due_at) WHERE status = 'open'`);
    await q.query(`
      CREATE TABLE liaison_feed (
        seq            bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id       uuid NOT NULL UNIQUE,
        escalation_id  uuid NOT NULL,
        municipality   text NOT NULL,
        type           text NOT NULL,
        data           jsonb NOT NULL,
        at             timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX liaison_feed_commit_order ON liaison_feed (transaction_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE liaison_feed, liaison_escalations, table_disclosures, table_referrals, tables_case_sheets, tables_signal_facts`);
  }
}

/**
 * `tables_pending_referrals`: a referral whose signal facts have not arrived yet (they come on another topic).
 * It waits here with the case sheet as it was when it was referred and the signals it still waits for;
 * the transaction that records the last of those facts publishes it and deletes the row.
 */
export class CreateTablesPendingReferrals1764300002000 implements MigrationInterface {
  name = 'CreateTablesPendingReferrals1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tables_pending_referrals (
        referral_id text PRIMARY KEY,
        case_id     text NOT NULL,
        sheet       jsonb NOT NULL,
        event       jsonb NOT NULL,
        waiting_for text[] NOT NULL,
        parked_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tables_pending_referrals_waiting ON tables_pending_referrals USING gin (waiting_for)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tables_pending_referrals`);
  }
}

export const TABLES_MIGRATIONS: Function[] = [
  CreateTablesTables1764300001000,
  CreateTablesPendingReferrals1764300002000,
  AddEscalationLastReport1764900011000,
  IndexEscalationsByCase1764900012000,
  EscalationsGetLateSignalFacts1764900013000,
  AddEscalationAlertReason1764900014000,
];
