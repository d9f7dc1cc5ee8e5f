import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each data key records which master key wrapped it (`master_key_id`, the key's fingerprint id), so the master
 * key can be rotated: new keys are wrapped under the current master key, and `npm run keys -- rotate` re-wraps
 * the others. Rows from before stay NULL ("wrapped before ids were recorded": the one master key of that time,
 * which a migration cannot name — it never sees the key); the keyring finds the configured key that opens them
 * and rotation re-wraps them like any other.
 */
export class DataKeysMasterKeyId1764700000000 implements MigrationInterface {
  name = 'DataKeysMasterKeyId1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE data_keys ADD COLUMN master_key_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE data_keys DROP COLUMN master_key_id`);
  }
}
