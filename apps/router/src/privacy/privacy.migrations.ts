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

export const PRIVACY_MIGRATIONS: Function[] = [CreateLegalHolds1764500002000];
