import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on `created_at` of each table of callers' `Idempotency-Key`s, so pruning the expired keys finds them
 * without reading the whole table. A B-tree, not BRIN as the inbox has: pruning deletes the oldest rows, new rows
 * reuse their space, and a BRIN range's summary only ever widens, so in time most ranges would match the pruning query.
 */
export class IndexRequestKeysByAge1764900009000 implements MigrationInterface {
  name = 'IndexRequestKeysByAge1764900009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_request_keys_created_at ON case_request_keys (created_at)`);
    await q.query(`CREATE INDEX subject_request_keys_created_at ON subject_request_keys (created_at)`);
    await q.query(`CREATE INDEX legal_hold_request_keys_created_at ON legal_hold_request_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX legal_hold_request_keys_created_at, subject_request_keys_created_at, case_request_keys_created_at`);
  }
}
