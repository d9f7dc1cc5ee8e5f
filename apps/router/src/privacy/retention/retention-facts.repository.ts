import { Inject, Injectable } from '@nestjs/common';
import { SIGNAL_DISMISSED_EVENT_TYPE, SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, type RetentionFacts, type SignalSource } from '#domain';
import type { Database, SqlExecutor } from '#eventstore';
import { DATABASE } from '#platform';
import type { MunicipalityScope } from '#security';
import { signalStreamId } from '../../signals/signal-stream.js';
import { signalHoldOwners, type CaseOfSignal } from './cases-of-a-signal.js';

/** A signal whose personal data still exists, with what the retention rules need and who may hold it. */
export interface RetentionCandidate {
  signalId: string;
  municipality: string;
  facts: RetentionFacts;
  /** Owners whose legal hold covers this signal (`signalHoldOwners`): the signal, its subject, its cases and their subjects. */
  holdOwners: string[];
}

/** A signal as it stands inside the destroying transaction: a candidate, with every case it is in. */
export interface CurrentSignal extends RetentionCandidate {
  /** Every case the signal is in (from the case view), in case-id order. */
  cases: CaseOfSignal[];
}

interface Row {
  signal_id: string;
  municipality: string;
  source: SignalSource;
  received_at: Date | string;
  subject_id: string | null;
  dismissed_at: Date | string | null;
  /** The case that decides the signal's rule (`page`: the read model's one; `current`: an open one, else the newest). */
  case_id: string | null;
  model_id: string | null;
  current_state: string | null;
  status: 'open' | 'closed' | null;
  closed_at: string | null;
  /** The retention class of the state the case was closed in (`CaseClosed`), or null. */
  retention_class: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const DISMISSED_AT = `(SELECT min(e.occurred_at) FROM events e WHERE e.stream_id = 'signal-' || rs.signal_id::text AND e.type = '${SIGNAL_DISMISSED_EVENT_TYPE}')`;

/** `cases`: the cases the signal is known to be in (a case the signal points at but that is not in the case view yet still counts for holds). */
function toCandidate(r: Row, cases: readonly Pick<CaseOfSignal, 'caseId' | 'subjectId'>[]): RetentionCandidate {
  // A case the signal points at but that is not (yet) in the case view counts as open: nothing is destroyed.
  const closed = r.status === 'closed';
  const inCase = r.case_id === null ? null : { model: r.model_id ?? '', state: r.current_state ?? '', closedAt: closed ? r.closed_at : null, retentionClass: closed ? r.retention_class : null };
  const known = r.case_id === null || cases.some((c) => c.caseId === r.case_id) ? cases : [{ caseId: r.case_id, subjectId: null }, ...cases];
  return {
    signalId: r.signal_id,
    municipality: r.municipality,
    facts: { source: r.source, receivedAt: iso(r.received_at), dismissedAt: r.dismissed_at === null ? null : iso(r.dismissed_at), case: inCase },
    holdOwners: signalHoldOwners(r.signal_id, r.subject_id, known),
  };
}

/**
 * What the retention job reads: signals whose data key still exists (`data_keys`), with their source and
 * receipt (`router_signals`), dismissal (the signal's stream) and case (`case_view`: model, state, closing and
 * the retention class of the closing state).
 */
@Injectable()
export class RetentionFactsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * One page of candidates received before `receivedBefore` (an instant), in signal-id order after `after`,
   * from the read models (cheap; re-checked before destruction). The holds they show come from the read
   * model's case (the newest one) and its subject; the destroying transaction checks every case.
   */
  async page(after: string | null, limit: number, scope: MunicipalityScope, receivedBefore: string): Promise<RetentionCandidate[]> {
    const params: unknown[] = [after ?? '00000000-0000-0000-0000-000000000000', limit, receivedBefore];
    const inScope = scope === 'all' ? '' : `AND rs.municipality = ANY($${params.push(scope)}::text[])`;
    const r = await this.db.query<Row & { case_subject_id: string | null }>(
      `SELECT rs.signal_id, rs.municipality, rs.source, rs.received_at, rs.subject_id, ${DISMISSED_AT} AS dismissed_at,
              rs.case_id, cv.model_id, cv.current_state, cv.status, cv.state->>'closedAt' AS closed_at,
              cv.state->>'retentionClass' AS retention_class, cv.state->>'subjectId' AS case_subject_id
         FROM router_signals rs
         LEFT JOIN case_view cv ON cv.case_id = rs.case_id
        WHERE rs.source IS NOT NULL AND rs.signal_id > $1::uuid AND rs.received_at < $3::timestamptz ${inScope}
          AND EXISTS (SELECT 1 FROM data_keys dk WHERE dk.owner = 'signal:' || rs.signal_id::text AND dk.wrapped_key IS NOT NULL)
        ORDER BY rs.signal_id LIMIT $2`,
      params,
    );
    return r.rows.map((row) => toCandidate(row, row.case_id === null ? [] : [{ caseId: row.case_id, subjectId: row.case_subject_id }]));
  }

  /**
   * The signal as it stands now, inside the destroying transaction, from the sources of record: its subject
   * from the links on its own stream, its cases from the case view (the read model may lag behind both). A
   * signal may be in several cases (an intake assessment, then a case under another model): an open one among
   * them decides its rule (nothing is destroyed while a case still uses the signal), else the newest; a hold on
   * any of them or on the subject any of them is about keeps it; and each case comes with how many of its other
   * signals still hold data, so that every case the signal leaves without one loses its key with it
   * (`casesLeftWithoutLiveSignal`). Before, the newest case alone decided: a tip in an open AVE case was
   * destroyed under the rule of a later intake case that had closed.
   */
  async current(tx: SqlExecutor, signalId: string): Promise<CurrentSignal | null> {
    const r = await tx.query<Row & { cases: CaseOfSignal[] | string }>(
      `SELECT rs.signal_id, rs.municipality, rs.source, rs.received_at,
              COALESCE((SELECT (e.payload->>'subjectId')::uuid FROM events e WHERE e.stream_id = $2 AND e.type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}'
                         ORDER BY e.stream_version DESC LIMIT 1), rs.subject_id) AS subject_id,
              ${DISMISSED_AT} AS dismissed_at,
              COALESCE(cv.case_id, rs.case_id) AS case_id, cv.model_id, cv.current_state, cv.status, cv.state->>'closedAt' AS closed_at,
              cv.state->>'retentionClass' AS retention_class,
              COALESCE((SELECT json_agg(json_build_object(
                                 'caseId', c.case_id, 'subjectId', c.state->>'subjectId', 'closed', c.status = 'closed',
                                 'otherLiveSignals', (SELECT count(*) FROM jsonb_array_elements_text(c.state->'signalIds') AS s(id)
                                                       WHERE s.id <> rs.signal_id::text
                                                         AND EXISTS (SELECT 1 FROM data_keys k WHERE k.owner = 'signal:' || s.id AND k.wrapped_key IS NOT NULL)))
                               ORDER BY c.case_id)
                          FROM case_view c WHERE c.case_id = rs.case_id OR c.state->'signalIds' ? rs.signal_id::text), '[]'::json) AS cases
         FROM router_signals rs
         LEFT JOIN LATERAL (SELECT c.* FROM case_view c WHERE c.case_id = rs.case_id OR c.state->'signalIds' ? rs.signal_id::text
                             ORDER BY (c.status = 'open') DESC, c.opened_at DESC LIMIT 1) cv ON true
        WHERE rs.signal_id = $1::uuid AND rs.source IS NOT NULL`,
      [signalId, signalStreamId(signalId)],
    );
    const row = r.rows[0];
    if (!row) return null;
    const cases = (typeof row.cases === 'string' ? (JSON.parse(row.cases) as CaseOfSignal[]) : row.cases).map((c) => ({ ...c, otherLiveSignals: Number(c.otherLiveSignals) }));
    return { ...toCandidate(row, cases), cases };
  }
}
