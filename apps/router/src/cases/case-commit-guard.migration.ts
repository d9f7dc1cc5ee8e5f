import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CASE_COMMIT_GUARD } from './case-commit-guard.js';

/**
 * `case_commit_assert_allowed(signals, subject)`, evaluated in the statement of every case commit that puts
 * signals in a case, with the subject the case is about (see `caseCommitGuard`). It locks the rows the rules rest on, so a
 * dismissal or erasure in flight is waited for, and then checks the source of record with a fresh snapshot:
 *  - no signal was dismissed (a `SignalDismissed` on its own stream, whether or not the router's read model,
 *    fed over Kafka, shows it yet) — else `case_signals_not_dismissed`;
 *  - neither the case's subject nor a subject the signals are linked to (the latest link on each signal's stream)
 *    was erased — else `case_subjects_not_erased`.
 * And `case_key_assert_live(key)` for a commit with text sealed under a stored key: not destroyed meanwhile — else
 * `case_key_destroyed`.
 * All raise check_violation (23514) with that constraint name: a group commit refuses only the guarded command.
 */
export class CreateCaseCommitGuard1764900002000 implements MigrationInterface {
  name = 'CreateCaseCommitGuard1764900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ${CASE_COMMIT_GUARD.fn}(p_signals uuid[], p_subject uuid) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        erased boolean;
      BEGIN
        -- The dismissal locks the signal's row for update in its transaction: wait for it, then look. Locked as the
        -- commit's own write of the row will lock it (and in one order), so two commits of one signal queue here
        -- instead of deadlocking on the upgrade from a shared lock.
        PERFORM 1 FROM router_signals WHERE signal_id = ANY(p_signals) ORDER BY signal_id FOR NO KEY UPDATE;
        IF EXISTS (SELECT 1 FROM unnest(p_signals) AS s (id)
                    WHERE EXISTS (SELECT 1 FROM events WHERE stream_id = 'signal-' || s.id::text AND type = 'SignalDismissed')) THEN
          RAISE EXCEPTION 'a signal put in the case was dismissed' USING ERRCODE = '23514', CONSTRAINT = '${CASE_COMMIT_GUARD.dismissed}';
        END IF;
        -- The erasure locks the subject's row for update in its transaction: wait for it, then look.
        -- The subjects the signals are linked to now: the latest link on each signal's own stream (the router's
        -- read model may not show it yet), as the erasure reads them.
        SELECT bool_or(l.erased_at IS NOT NULL) INTO erased FROM (
          SELECT erased_at FROM subjects
           WHERE subject_id = p_subject
              OR subject_id IN (SELECT (SELECT (e.payload->>'subjectId')::uuid FROM events e
                                         WHERE e.stream_id = 'signal-' || s.id::text AND e.type = 'SignalLinkedToSubject'
                                         ORDER BY e.stream_version DESC LIMIT 1)
                                  FROM unnest(p_signals) AS s (id))
             FOR SHARE) AS l;
        IF erased THEN
          RAISE EXCEPTION 'the subject of the case was erased' USING ERRCODE = '23514', CONSTRAINT = '${CASE_COMMIT_GUARD.erased}';
        END IF;
        RETURN 1;
      END $$`);
    // Erasure destroys a key by updating its row: wait for one in flight, then look.
    await q.query(`
      CREATE FUNCTION ${CASE_COMMIT_GUARD.keyFn}(p_key uuid) RETURNS integer
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM (SELECT wrapped_key FROM data_keys WHERE key_id = p_key FOR SHARE) AS k WHERE k.wrapped_key IS NOT NULL) THEN
          RAISE EXCEPTION 'the data key of the case was destroyed' USING ERRCODE = '23514', CONSTRAINT = '${CASE_COMMIT_GUARD.keyDestroyed}';
        END IF;
        RETURN 1;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${CASE_COMMIT_GUARD.keyFn}(uuid)`);
    await q.query(`DROP FUNCTION ${CASE_COMMIT_GUARD.fn}(uuid[], uuid)`);
  }
}
