import { Inject, Injectable } from '@nestjs/common';
import { PICKUP_TERM, type CaseStatisticsRow } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE } from '#platform';

interface Row {
  model_id: string;
  current_state: string;
  status: 'open' | 'closed';
  referrals: { table: string; outcome: 'accepted' | 'returned' | 'rejected' | null }[] | string;
  due_at: string | null;
  left_at: string | null;
}

/** Reads `case_view` (and the pickup deadline's events) for case statistics. */
@Injectable()
export class CaseStatisticsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * The cases of the municipality opened in [`from`, `to`), one row each, for `reportCaseStatistics`: model,
   * current state, status, the referrals' table and answer (never their reason), and for the undermining intake
   * the pickup deadline. The case state keeps only running deadlines, so the pickup deadline comes from the
   * case stream: the last `DeadlineOpened` in `ontvangst` (its `dueAt`) and the `DeadlineClosed` or
   * `DeadlinePaused` that ended it (its `at`: when the case left the state).
   */
  async rows(municipality: string, from: Date | null, to: Date | null): Promise<CaseStatisticsRow[]> {
    const r = await this.db.query<Row>(
      `SELECT c.model_id, c.current_state, c.status,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('table', ref->>'table', 'outcome', ref->>'outcome')), '[]'::jsonb)
                 FROM jsonb_array_elements(c.state->'referrals') ref) AS referrals,
              p.due_at, p.left_at
         FROM case_view c
         LEFT JOIN LATERAL (
           SELECT o.payload->>'dueAt' AS due_at,
                  (SELECT e.payload->>'at' FROM events e
                    WHERE e.stream_id = o.stream_id AND e.type IN ('DeadlineClosed', 'DeadlinePaused')
                      AND e.payload->>'deadlineId' = o.payload->>'deadlineId'
                    ORDER BY e.stream_version LIMIT 1) AS left_at
             FROM events o
            WHERE c.model_id = $4 AND o.stream_id = 'case-' || c.case_id::text
              AND o.type = 'DeadlineOpened' AND o.payload->>'state' = $5
            ORDER BY o.stream_version DESC LIMIT 1
         ) p ON true
        WHERE c.municipality = $1
          AND ($2::timestamptz IS NULL OR c.opened_at >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR c.opened_at < $3::timestamptz)`,
      [municipality, from?.toISOString() ?? null, to?.toISOString() ?? null, PICKUP_TERM.model, PICKUP_TERM.state],
    );
    return r.rows.map((row) => ({
      model: row.model_id,
      currentState: row.current_state,
      status: row.status,
      referrals: (typeof row.referrals === 'string' ? JSON.parse(row.referrals) : row.referrals).map((ref: { table: string; outcome: 'accepted' | 'returned' | 'rejected' | null }) =>
        ref.outcome ? { table: ref.table, outcome: ref.outcome } : { table: ref.table },
      ),
      pickup: row.due_at === null ? null : { dueAt: row.due_at, leftAt: row.left_at },
    }));
  }
}
