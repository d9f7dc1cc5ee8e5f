import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why an escalation reached the coordinator (`alert_reason`, see `CoordinatorAlertReason`), shown to coordinators in
 * the escalation list: every tier ran out, the police table does not serve its municipality (raised undelivered), or
 * no longer serves it. Escalations already with the coordinator get theirs from their feed, as the liaison feed
 * projection folds it: the raise's `undelivered`, else every tier ran out (no other alert existed before).
 */
export class AddEscalationAlertReason1764900014000 implements MigrationInterface {
  name = 'AddEscalationAlertReason1764900014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE liaison_escalations ADD COLUMN alert_reason text`);
    await q.query(`
      UPDATE liaison_escalations e
         SET alert_reason = COALESCE(raised.data->>'undelivered', 'tiers-exhausted')
        FROM liaison_feed raised
       WHERE raised.escalation_id = e.escalation_id AND raised.type = 'EscalationRaised'
         AND EXISTS (SELECT 1 FROM liaison_feed alert WHERE alert.escalation_id = e.escalation_id AND alert.type = 'EscalationCoordinatorAlerted')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE liaison_escalations DROP COLUMN alert_reason`);
  }
}
