import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subject registry's table, written in the same statement as each `SubjectRegistered` event. Next to
 * the values as entered it keeps the normalised keys matching looks up (`name_key`, `address_key`,
 * `postcode`, `bsn`, `kvk_number`); suggestions are ranked by the pure rules in #domain. One person per BSN
 * per municipality.
 */
export class CreateSubjects1764200003000 implements MigrationInterface {
  name = 'CreateSubjects1764200003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subjects (
        subject_id    uuid PRIMARY KEY,
        municipality  text NOT NULL,
        kind          text NOT NULL,
        name          text,
        name_key      text,
        birth_date    text,
        bsn           text,
        address       text,
        address_key   text,
        postcode      text,
        kvk_number    text,
        group_name    text,
        registered_at timestamptz NOT NULL,
        registered_by text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX subjects_bsn_unique ON subjects (municipality, bsn) WHERE bsn IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_name_key ON subjects (municipality, name_key) WHERE name_key IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_address_key ON subjects (municipality, address_key) WHERE address_key IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_postcode ON subjects (municipality, postcode) WHERE postcode IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_kvk_number ON subjects (municipality, kvk_number) WHERE kvk_number IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subjects`);
  }
}

/**
 * Personal data of subjects is sealed under each subject's data key (`name`, `birth_date`, `bsn`, `address`,
 * `postcode` hold `pd1.…` values). Lookups use blind indexes instead (keyed HMACs of the normalised values:
 * `name_key`, `address_key`, and the new `bsn_key`, `birth_date_key`, `postcode_key`), which erasure clears
 * together with `erased_at`, so an erased subject is never suggested or matched again.
 */
export class SealSubjects1764500001000 implements MigrationInterface {
  name = 'SealSubjects1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subjects ADD COLUMN bsn_key text, ADD COLUMN birth_date_key text, ADD COLUMN postcode_key text, ADD COLUMN erased_at timestamptz`);
    await q.query(`DROP INDEX subjects_bsn_unique`);
    await q.query(`DROP INDEX subjects_postcode`);
    await q.query(`CREATE UNIQUE INDEX subjects_bsn_unique ON subjects (municipality, bsn_key) WHERE bsn_key IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_postcode_key ON subjects (municipality, postcode_key) WHERE postcode_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX subjects_postcode_key`);
    await q.query(`DROP INDEX subjects_bsn_unique`);
    await q.query(`ALTER TABLE subjects DROP COLUMN bsn_key, DROP COLUMN birth_date_key, DROP COLUMN postcode_key, DROP COLUMN erased_at`);
    await q.query(`CREATE UNIQUE INDEX subjects_bsn_unique ON subjects (municipality, bsn) WHERE bsn IS NOT NULL`);
    await q.query(`CREATE INDEX subjects_postcode ON subjects (municipality, postcode) WHERE postcode IS NOT NULL`);
  }
}

/** Migrations of the subject registry (add them to the router app's migrations). */
export const SUBJECTS_MIGRATIONS: Function[] = [CreateSubjects1764200003000, SealSubjects1764500001000];
