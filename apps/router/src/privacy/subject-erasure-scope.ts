import { SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE } from '#domain';
import type { SqlExecutor } from '#eventstore';
import { keyOwner } from '#platform';
import { signalStreamId } from '../signals/signal-stream.js';
import { signalsLinkedToSubject } from '../subjects/signals-linked-to-subject.js';

/** What an erasure of a subject destroys, and whose legal holds refuse it. */
export interface SubjectErasureScope {
  /** The subject's signals, in signal-id order. */
  signalIds: string[];
  /** Key owners to destroy: the subject, its signals and every case about it or one of its signals. */
  owners: string[];
  /** The owners, plus the subject each of its signals is linked to and the subject each of those cases is about. */
  holdOwners: string[];
}

/**
 * What an erasure of the subject reaches, read inside its transaction after the subject's row lock (a link, a
 * case about the subject or a signal added to one committed before it is seen; a later one is refused). The
 * subject's signals are those whose latest link names it (read on the signals' own streams) and every signal of a
 * case about it (named when the case was opened), linked or not — as the subject retention rule counts them:
 * a case can be opened about a subject from signals never linked to it. A signal moved on to another subject and
 * in no case about this one stays. The signals' key rows are then locked, so a case commit putting one of them in
 * a case (its guard holds the rows `FOR SHARE`) is waited for and its case read here; a later one finds the key
 * destroyed and is refused. The cases are those about the subject and those holding one of its signals. A legal
 * hold on any owner, on the subject a signal is linked to (it covers its linked signals) or on the subject one of
 * the cases is about (it holds that case) refuses the erasure. Take the municipality's personal-data lock before
 * (`lockPersonalDataOf`): a destruction takes it before locking keys.
 */
export async function subjectErasureScope(tx: SqlExecutor, subjectId: string): Promise<SubjectErasureScope> {
  const linked = await signalsLinkedToSubject(tx, subjectId);
  const inCases = await tx.query<{ signal_id: string }>(
    `SELECT DISTINCT s.id AS signal_id FROM case_view cv CROSS JOIN LATERAL jsonb_array_elements_text(cv.state->'signalIds') AS s (id)
      WHERE cv.state->>'subjectId' = $1`,
    [subjectId],
  );
  const signalIds = [...new Set([...linked, ...inCases.rows.map((r) => r.signal_id)])].sort();
  await tx.query('SELECT 1 FROM data_keys WHERE owner = ANY($1::text[]) ORDER BY owner, key_id FOR UPDATE', [signalIds.map(keyOwner.signal)]);
  const cases = await tx.query<{ case_id: string; subject_id: string | null }>(
    `SELECT case_id::text, state->>'subjectId' AS subject_id FROM case_view WHERE state->>'subjectId' = $1 OR state->'signalIds' ?| $2::text[]`,
    [subjectId, signalIds],
  );
  const links = await tx.query<{ subject_id: string }>(
    `SELECT DISTINCT ON (stream_id) payload->>'subjectId' AS subject_id FROM events
      WHERE stream_id = ANY($1::text[]) AND type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}' ORDER BY stream_id, stream_version DESC`,
    [signalIds.map(signalStreamId)],
  );
  const caseIds = [...new Set(cases.rows.map((r) => r.case_id))].sort();
  const owners = [keyOwner.subject(subjectId), ...signalIds.map(keyOwner.signal), ...caseIds.map(keyOwner.case)];
  const otherSubjects = [...new Set([...links.rows, ...cases.rows].map((r) => r.subject_id).filter((id): id is string => id !== null && id !== subjectId))].sort();
  return { signalIds, owners, holdOwners: [...owners, ...otherSubjects.map(keyOwner.subject)] };
}
