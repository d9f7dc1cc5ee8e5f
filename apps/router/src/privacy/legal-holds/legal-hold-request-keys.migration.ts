import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `legal_hold_request_keys`: the `Idempotency-Key`s of `POST /v1/legal-holds` (per caller), with the hold each
 * placed and a keyed fingerprint of the request, written in the transaction that places the hold.
 */
export class CreateLegalHoldRequestKeys1764900007000 implements MigrationInterface {
  name = 'CreateLegalHoldRequestKeys1764900007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_hold_request_keys (
        key          text PRIMARY KEY,
        hold_id      uuid NOT NULL,
        request_hash text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE legal_hold_request_keys');
  }
}
