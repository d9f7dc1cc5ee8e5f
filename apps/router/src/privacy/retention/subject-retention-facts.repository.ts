import { Inject, Injectable } from '@nestjs/common';
import { SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, type SubjectRetentionFacts } from '#domain';
import type { Database, SqlExecutor } from '#eventstore';
import { DATABASE, keyOwner } from '#platform';
import type { MunicipalityScope } from '#security';

/** A registered subject whose identity still exists, with what the subject rule needs and who may hold it. */
export interface SubjectRetentionCandidate {
  subjectId: string;
  municipality: string;
  facts: SubjectRetentionFacts;
  /** Owners whose legal hold keeps the identity: the subject, every signal ever linked to it, every case about it and the subject each of those cases is about. */
  holdOwners: string[];
}

interface SubjectRow {
  subject_id: string;
  municipality: string;
  registered_at: Date | string;
}

/**
 * What the retention job reads about registered subjects, from the sources of record: the links on the
 * signals' streams (every `SignalLinkedToSubject` naming the subject, a link moved away later included), the
 * case view (cases naming the subject, or holding one of its signals) and the keyring (whether, and when, the
 * signals' data keys were destroyed). A signal without any data key row counts as still holding its data.
 */
@Injectable()
export class SubjectRetentionFactsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** One page of subjects whose data key still exists and that were not erased, in subject-id order after `after`. */
  async page(after: string | null, limit: number, scope: MunicipalityScope): Promise<SubjectRetentionCandidate[]> {
    const params: unknown[] = [after ?? '00000000-0000-0000-0000-000000000000', limit];
    const inScope = scope === 'all' ? '' : `AND s.municipality = ANY($${params.push(scope)}::text[])`;
    const r = await this.db.query<SubjectRow>(
      `SELECT s.subject_id, s.municipality, s.registered_at FROM subjects s
        WHERE s.erased_at IS NULL AND s.subject_id > $1::uuid ${inScope}
          AND EXISTS (SELECT 1 FROM data_keys dk WHERE dk.owner = 'subject:' || s.subject_id::text AND dk.wrapped_key IS NOT NULL)
        ORDER BY s.subject_id LIMIT $2`,
      params,
    );
    return this.candidates(this.db, r.rows);
  }

  /**
   * The subject as it stands now, inside the destroying transaction, with its row locked (an erasure request
   * for it waits, and so does another process destroying it); null when it was erased meanwhile.
   */
  async current(tx: SqlExecutor, subjectId: string): Promise<SubjectRetentionCandidate | null> {
    const r = await tx.query<SubjectRow>('SELECT subject_id, municipality, registered_at FROM subjects WHERE subject_id = $1::uuid AND erased_at IS NULL FOR UPDATE', [subjectId]);
    return r.rows.length === 0 ? null : (await this.candidates(tx, r.rows))[0]!;
  }

  private async candidates(db: SqlExecutor, subjects: SubjectRow[]): Promise<SubjectRetentionCandidate[]> {
    if (subjects.length === 0) return [];
    const ids = subjects.map((s) => s.subject_id);
    const links = await db.query<{ subject_id: string; signal_id: string }>(
      `SELECT DISTINCT e.payload->>'subjectId' AS subject_id, e.payload->>'signalId' AS signal_id FROM events e
        WHERE e.type = '${SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE}' AND e.payload->>'subjectId' = ANY($1::text[])`,
      [ids],
    );
    const linked = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
    for (const l of links.rows) linked.get(l.subject_id)?.add(l.signal_id);
    const cases = await db.query<{ case_id: string; open: boolean; subject_id: string | null; signal_ids: string[] }>(
      `SELECT cv.case_id, cv.status = 'open' AS open, cv.state->>'subjectId' AS subject_id,
              ARRAY(SELECT jsonb_array_elements_text(cv.state->'signalIds')) AS signal_ids
         FROM case_view cv WHERE cv.state->>'subjectId' = ANY($1::text[]) OR cv.state->'signalIds' ?| $2::text[]`,
      [ids, links.rows.map((l) => l.signal_id)],
    );
    const about = (subjectId: string) => cases.rows.filter((c) => c.subject_id === subjectId || c.signal_ids.some((s) => linked.get(subjectId)!.has(s)));
    const signalsOf = (subjectId: string) => [...new Set([...linked.get(subjectId)!, ...about(subjectId).flatMap((c) => c.signal_ids)])].sort();
    const owners = [...new Set(ids.flatMap(signalsOf))].map(keyOwner.signal);
    const keys = await db.query<{ owner: string; live: boolean; destroyed_at: Date | string | null }>(
      'SELECT owner, bool_or(wrapped_key IS NOT NULL) AS live, max(destroyed_at) AS destroyed_at FROM data_keys WHERE owner = ANY($1::text[]) GROUP BY owner',
      [owners],
    );
    const destroyedAt = new Map(keys.rows.filter((k) => !k.live && k.destroyed_at !== null).map((k) => [k.owner, new Date(k.destroyed_at!).toISOString()]));
    return subjects.map((s) => {
      const signalIds = signalsOf(s.subject_id);
      const caseIds = about(s.subject_id).map((c) => c.case_id).sort();
      return {
        subjectId: s.subject_id,
        municipality: s.municipality,
        facts: {
          registeredAt: new Date(s.registered_at).toISOString(),
          signals: signalIds.map((id) => ({ destroyedAt: destroyedAt.get(keyOwner.signal(id)) ?? null })),
          openCases: about(s.subject_id).filter((c) => c.open).length,
        },
        holdOwners: [
          keyOwner.subject(s.subject_id),
          ...signalIds.map(keyOwner.signal),
          ...caseIds.map(keyOwner.case),
          // A hold on the subject a case is about holds that case (`signalHoldOwners`).
          ...[...new Set(about(s.subject_id).map((c) => c.subject_id))].filter((id): id is string => id !== null && id !== s.subject_id).sort().map(keyOwner.subject),
        ],
      };
    });
  }
}
