import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds a case's escalations (a coordinator's `GET /v1/liaison/escalations?caseId=`) without reading them all. */
export class IndexEscalationsByCase1764900012000 implements MigrationInterface {
  name = 'IndexEscalationsByCase1764900012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX liaison_escalations_case ON liaison_escalations (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX liaison_escalations_case`);
  }
}
