import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An escalation raised before the facts of its case's signals reached the tables app goes out at once, and the
 * police gets the case again, complete, when they arrive (`EscalationCaseSupplemented`):
 * - `tables_pending_escalation_facts` holds such an escalation's case sheet, the case event that raised it and
 *   the signals it waits for;
 * - that second delivery is a disclosure of its own, so the register keeps one row per delivering event (its
 *   primary key derives from the event id) instead of one per recipient and escalation.
 */
export class EscalationsGetLateSignalFacts1764900013000 implements MigrationInterface {
  name = 'EscalationsGetLateSignalFacts1764900013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tables_pending_escalation_facts (
        escalation_id uuid PRIMARY KEY,
        case_id       text NOT NULL,
        sheet         jsonb NOT NULL,
        caused        jsonb NOT NULL,
        waiting_for   text[] NOT NULL,
        parked_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tables_pending_escalation_facts_waiting ON tables_pending_escalation_facts USING gin (waiting_for)`);
    await q.query(`ALTER TABLE table_disclosures DROP CONSTRAINT table_disclosures_once`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tables_pending_escalation_facts`);
    // Only restorable while no escalation was disclosed twice.
    await q.query(`ALTER TABLE table_disclosures ADD CONSTRAINT table_disclosures_once UNIQUE (subject_ref, recipient)`);
  }
}
