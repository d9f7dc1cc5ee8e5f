import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CASE_COMMIT_GUARD } from './case-commit-guard.js';

/**
 * `case_signals_assert_not_erased(signals)`, evaluated in the statement of every case commit that puts signals in
 * a case, after `case_commit_assert_allowed` (see `caseCommitGuard`): no signal's personal data was erased, i.e. no
 * signal has data keys of which none is live (a signal from before field encryption has none and may be put in a
 * case). An erasure or retention destroys a key by updating its row, and an erasure locks the keys of the signals
 * it erases before reading the cases they are in: the rows are held `FOR SHARE`, so a destruction in flight is
 * waited for and then seen, and one that comes later sees the case. Raises check_violation (23514) with the
 * constraint `case_signals_not_erased`.
 */
export class CreateCaseSignalsNotErasedGuard1764900015000 implements MigrationInterface {
  name = 'CreateCaseSignalsNotErasedGuard1764900015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ${CASE_COMMIT_GUARD.signalsFn}(p_signals uuid[]) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM (SELECT owner, wrapped_key FROM data_keys
                                   WHERE owner = ANY(ARRAY(SELECT 'signal:' || s.id::text FROM unnest(p_signals) AS s (id)))
                                   ORDER BY owner, key_id FOR SHARE) AS k
                    GROUP BY k.owner HAVING bool_and(k.wrapped_key IS NULL)) THEN
          RAISE EXCEPTION 'the personal data of a signal put in the case was erased' USING ERRCODE = '23514', CONSTRAINT = '${CASE_COMMIT_GUARD.signalErased}';
        END IF;
        RETURN 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${CASE_COMMIT_GUARD.signalsFn}(uuid[])`);
  }
}
