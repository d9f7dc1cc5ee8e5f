import { caseRelatedStreams } from '#contracts';
import type { SqlExecutor } from '../database/sql-executor.js';

/** The case a referral or escalation stream belongs to, and the person that case is about (null: none registered). */
export interface CaseOfRelatedStream {
  caseId: string;
  subjectId: string | null;
}

const CASE_STREAM = /^case-(.+)$/;

/**
 * The case a stream holds part of the history of, as the ledger relates them: the stream's first event was caused
 * by an event of a case stream that names this stream (`caseRelatedStreams`: the referral of its `CaseReferred`, the
 * escalation it raised). That is the relation `exportCaseBundle` follows from the case and `verify-bundle` checks,
 * read the other way, so a stream is tied to exactly the case whose bundle holds it. Null for any other stream (a
 * case or signal stream, one that does not exist, or one whose first event points at a case event that does not
 * name it). Reads only the event store, which every app shares, not the tables app's registers: two lookups on
 * unique indexes (the stream's version 1, the causing event's id) and the case's `CaseOpened`.
 */
export async function caseOfRelatedStream(db: SqlExecutor, streamId: string): Promise<CaseOfRelatedStream | null> {
  const r = await db.query<{ id: string; type: string; stream_id: string; referral_id: string | null; subject_id: string | null }>(
    `SELECT cause.id, cause.type, cause.stream_id, cause.payload->>'referralId' AS referral_id,
            (SELECT o.payload->>'subjectId' FROM events o WHERE o.stream_id = cause.stream_id AND o.type = 'CaseOpened' ORDER BY o.stream_version LIMIT 1) AS subject_id
       FROM events opening JOIN events cause ON cause.id = opening.causation_id
      WHERE opening.stream_id = $1 AND opening.stream_version = 1`,
    [streamId],
  );
  const cause = r.rows[0];
  const caseId = cause ? CASE_STREAM.exec(cause.stream_id)?.[1] : undefined;
  if (!cause || caseId === undefined) return null;
  const named = caseRelatedStreams([{ id: cause.id, type: cause.type, payload: { referralId: cause.referral_id } }]);
  return named.some((s) => s.streamId === streamId && s.causedBy === cause.id) ? { caseId, subjectId: cause.subject_id } : null;
}
