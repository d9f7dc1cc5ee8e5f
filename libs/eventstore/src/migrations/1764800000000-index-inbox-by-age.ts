import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A BRIN index on `inbox.processed_at`, so pruning finds the old inbox rows without reading the whole table.
 * Inbox rows arrive in time order, which is what BRIN summarises well: a summary per range of pages instead of a
 * second index entry for every claim, as a B-tree would add.
 */
export class IndexInboxByAge1764800000000 implements MigrationInterface {
  name = 'IndexInboxByAge1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX inbox_processed_at_brin ON inbox USING brin (processed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX inbox_processed_at_brin');
  }
}
