import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_request_keys`: the `Idempotency-Key`s of `POST /v1/cases` (per caller), with the case each opened and a
 * hash of the request, written in the statement that opens the case.
 */
export class CreateCaseRequestKeys1764900004000 implements MigrationInterface {
  name = 'CreateCaseRequestKeys1764900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_request_keys (
        key          text PRIMARY KEY,
        case_id      uuid NOT NULL,
        request_hash text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_request_keys');
  }
}
