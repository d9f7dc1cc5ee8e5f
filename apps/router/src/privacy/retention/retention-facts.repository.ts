import { Inject, Injectable } from '@nestjs/common';
import { SIGNAL_DISMISSED_EVENT_TYPE, SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, type RetentionFacts, type SignalSource } from '#domain';
import type { Database, SqlExecutor } from '#eventstore';
import { DATABASE, keyOwner } from '#platform';
import type { MunicipalityScope } from '#security';
import { signalStreamId } from '../../signals/signal-stream.js';

/** A signal whose personal data still exists, with what the retention rules need and who may hold it. */
export interface RetentionCandidate {
  signalId: string;
  municipality: string;
  facts: RetentionFacts;
  /** Owners whose legal hold covers this signal: the signal, its subject and every case it is in. */
  holdOwners: string[];
  /** The case the signal is in, if any. */
  caseId: string | null;
}

interface Row {
  signal_id: string;
  municipality: string;
  source: SignalSource;
  received_at: Date | string;
  subject_id: string | null;
  dismissed_at: Date | string | null;
  case_id: string | null;
  model_id: string | null;
  current_state: string | null;
  status: 'open' | 'closed' | null;
  closed_at: string | null;
  /** Every case the signal is in (`current` only; `page` knows the read model's one). */
  case_ids?: string[] | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const DISMISSED_AT = `(SELECT min(e.occurred_at) FROM events e WHERE e.stream_id = 'signal-' || rs.signal_id::text AND e.type = '${SIGNAL_DISMISSED_EVENT_TYPE}')`;

function toCandidate(r: Row): RetentionCandidate {
  // A case the signal points at but that is not (yet) in the case view counts as open: nothing is destroyed.
  const inCase = r.case_id === null ? null : { model: r.model_id ?? '', state: r.current_state ?? '', closedAt: r.status === 'closed' ? r.closed_at : null };
  return {
    signalId: r.signal_id,
    municipality: r.municipality,
    facts: { source: r.source, receivedAt: iso(r.received_at), dismissedAt: r.dismissed_at === null ? null : iso(r.dismissed_at), case: inCase },
    holdOwners: [
      keyOwner.signal(r.signal_id),
      ...(r.subject_id ? [keyOwner.subject(r.subject_id)] : []),
      ...[...new Set([...(r.case_id ? [r.case_id] : []), ...(r.case_ids ?? [])])].map((id) => keyOwner.case(id)),
    ],
    caseId: r.case_id,
  };
}

/**
 * What the retention job reads: signals whose data key still exists (`data_keys`), with their source and
 * receipt (`router_signals`), dismissal (the signal's stream) and case (`case_view`: model, state, closing).
 */
@Injectable()
export class RetentionFactsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * One page of candidates received before `receivedBefore` (an instant), in signal-id order after `after`,
   * from the read models (cheap; re-checked before destruction).
   */
  async page(after: string | null, limit: number, scope: MunicipalityScope, receivedBefore: string): Promise<RetentionCandidate[]> {
    const params: unknown[] = [after ?? '00000000-0000-0000-0000-000000000000', limit, receivedBefore];
    const inScope = scope === 'all' ? '' : `AND rs.municipality = ANY($${params.push(scope)}::text[])`;
    const r = await this.db.query<Row>(
      `SELECT rs.signal_id, rs.municipality, rs.source, rs.received_at, rs.subject_id, ${DISMISSED_AT} AS dismissed_at,
              rs.case_id, cv.model_id, cv.current_state, cv.status, cv.state->>'closedAt' AS closed_at
         FROM router_signals rs
         LEFT JOIN case_view cv ON cv.case_id = rs.case_id
        WHERE rs.source IS NOT NULL AND rs.signal_id > $1::uuid AND rs.received_at < $3::timestamptz ${inScope}
          AND EXISTS (SELECT 1 FROM data_keys dk WHERE dk.owner = 'signal:' || rs.signal_id::text AND dk.wrapped_key IS NOT NULL)
        ORDER BY rs.signal_id LIMIT $2`,
      params,
    );
    return r.rows.map(toCandidate);
  }

  /**
   * The signal as it stands now, inside the destroying transaction, from the sources of record: its subject
   * from the links on its own stream, its case from the case view (the read model may lag behind both). A signal
   * may be in several cases (an intake assessment, then a case under another model): an open one among them
   * decides (nothing is destroyed while a case still uses the signal), else the newest, and a hold on any of them
   * keeps it. Before, the newest case alone decided: a tip in an open AVE case was destroyed under the rule of a
   * later intake case that had closed.
   */
  async current(tx: SqlExecutor, signalId: string): Promise<RetentionCandidate | null> {
    const r = await tx.query<Row>(
      `SELECT rs.signal_id, rs.municipality, rs.source, rs.received_at,
              COALESCE((SELECT (e.payload->>'subjectId')::uuid FROM events e WHERE e.stream_id = $2 AND e.type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}'
                         ORDER BY e.stream_version DESC LIMIT 1), rs.subject_id) AS subject_id,
              ${DISMISSED_AT} AS dismissed_at,
              COALESCE(cv.case_id, rs.case_id) AS case_id, cv.model_id, cv.current_state, cv.status, cv.state->>'closedAt' AS closed_at,
              ARRAY(SELECT c.case_id::text FROM case_view c WHERE c.case_id = rs.case_id OR c.state->'signalIds' ? rs.signal_id::text) AS case_ids
         FROM router_signals rs
         LEFT JOIN LATERAL (SELECT c.* FROM case_view c WHERE c.case_id = rs.case_id OR c.state->'signalIds' ? rs.signal_id::text
                             ORDER BY (c.status = 'open') DESC, c.opened_at DESC LIMIT 1) cv ON true
        WHERE rs.signal_id = $1::uuid AND rs.source IS NOT NULL`,
      [signalId, signalStreamId(signalId)],
    );
    const row = r.rows[0];
    return row ? toCandidate(row) : null;
  }

  /**
   * True when `caseId` is closed and every other signal of it has had its data key destroyed: the case's own
   * key (its reasons, notes, plan) then goes with this last signal.
   */
  async isLastLiveSignalOfClosedCase(tx: SqlExecutor, caseId: string, signalId: string): Promise<boolean> {
    const r = await tx.query<{ last: boolean }>(
      `SELECT cv.status = 'closed' AND NOT EXISTS (
                SELECT 1 FROM jsonb_array_elements_text(cv.state->'signalIds') AS s(id)
                  JOIN data_keys k ON k.owner = 'signal:' || s.id AND k.wrapped_key IS NOT NULL
                 WHERE s.id <> $2) AS last
         FROM case_view cv WHERE cv.case_id = $1::uuid`,
      [caseId, signalId],
    );
    return r.rows[0]?.last === true;
  }
}
