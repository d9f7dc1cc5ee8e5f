import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `referral_case_links`: which case each referral belongs to. Table members know referrals, never case ids; a
 * member acting on a case through their referral (`GET|POST /v1/tables/{table}/referrals/{id}/case…`) is led to
 * the case by this table. Filled from the referrals made so far, then written in the statement that refers a case.
 */
export class CreateReferralCaseLinks1764900010000 implements MigrationInterface {
  name = 'CreateReferralCaseLinks1764900010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral_case_links (
        referral_id uuid PRIMARY KEY,
        case_id     uuid NOT NULL
      )`);
    await q.query(`
      INSERT INTO referral_case_links (referral_id, case_id)
      SELECT (payload->>'referralId')::uuid, (payload->>'caseId')::uuid FROM events
       WHERE type = 'CaseReferred'
         AND payload->>'referralId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
         AND payload->>'caseId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE referral_case_links');
  }
}
