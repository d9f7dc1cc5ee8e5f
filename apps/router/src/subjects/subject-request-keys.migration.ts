import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `subject_request_keys`: the `Idempotency-Key`s of `POST /v1/subjects` (per caller), with the subject each
 * registered and a keyed fingerprint of the request, written in the statement that registers the subject.
 */
export class CreateSubjectRequestKeys1764900006000 implements MigrationInterface {
  name = 'CreateSubjectRequestKeys1764900006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_request_keys (
        key          text PRIMARY KEY,
        subject_id   uuid NOT NULL,
        request_hash text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE subject_request_keys');
  }
}
