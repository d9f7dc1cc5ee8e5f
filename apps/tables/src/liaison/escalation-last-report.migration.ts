import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest report back on a police escalation (outcome, when, by whom), shown in the escalation list; the
 * reports themselves, with their text, are the escalation's `EscalationReportedBack` events and feed rows.
 * Adding nullable columns without a default rewrites nothing and holds its lock only for the catalogue change.
 */
export class AddEscalationLastReport1764900011000 implements MigrationInterface {
  name = 'AddEscalationLastReport1764900011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE liaison_escalations
        ADD COLUMN last_report_outcome text,
        ADD COLUMN last_reported_at    timestamptz,
        ADD COLUMN last_reported_by    text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE liaison_escalations DROP COLUMN last_reported_by, DROP COLUMN last_reported_at, DROP COLUMN last_report_outcome`);
  }
}
