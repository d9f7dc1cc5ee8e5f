import type { SqlExecutor } from '#eventstore';
import { decodeCommitOrderCursor, LOG_START, type CommitOrderPosition } from './commit-order-cursor.js';
import { commitOrderPage, type CommitOrderPage } from './commit-order-page.js';

/** The review could not be recorded: no such access (404) or it was reviewed already (409). */
export class BreakGlassReviewError extends Error {
  constructor(
    readonly code: 'BREAK_GLASS.ACCESS_NOT_FOUND' | 'BREAK_GLASS.ALREADY_REVIEWED',
    readonly httpStatus: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'BreakGlassReviewError';
  }
}

export const breakGlassAccessNotFound = () => new BreakGlassReviewError('BREAK_GLASS.ACCESS_NOT_FOUND', 404, 'No such break-the-glass access');

/** An auditor's verdict on a break-the-glass access. */
export const BREAK_GLASS_VERDICTS = ['gerechtvaardigd', 'niet-gerechtvaardigd'] as const;
export type BreakGlassVerdict = (typeof BREAK_GLASS_VERDICTS)[number];

/** `open`: not reviewed yet; `reviewed`: has a verdict; `all`: both. */
export const BREAK_GLASS_STATUSES = ['open', 'reviewed', 'all'] as const;
export type BreakGlassStatus = (typeof BREAK_GLASS_STATUSES)[number];

export interface BreakGlassReview {
  verdict: BreakGlassVerdict;
  note: string;
  reviewerId: string;
  reviewerRole: string;
  reviewedAt: string;
}

/** One break-the-glass access (one request), from its processing-log lines, with its review if any. */
export interface BreakGlassAccess {
  accessId: string;
  reason: string;
  /** The municipality entered. */
  municipality: string;
  actorId: string;
  actorRole: string;
  operation: string;
  processingActivity: string;
  traceId: string;
  startedAt: string;
  endedAt: string;
  /** What the request touched: one entry per processing-log line (pseudonymised subject, status, outcome). */
  lines: { lineId: string; dataSubjectType: string; dataSubjectRef: string | null; statusCode: number; outcome: 'ok' | 'error' }[];
  review: BreakGlassReview | null;
}

export interface BreakGlassAccessFilter {
  status: BreakGlassStatus;
  municipality?: string;
  actorId?: string;
  cursor?: string;
  limit?: number;
}

interface Row {
  first_tx: string; first_id: string; stable: boolean; line_id: string; access_id: string; reason: string; municipality: string; actor_id: string; actor_role: string;
  operation: string; processing_activity: string; trace_id: string; started_at: Date | string; ended_at: Date | string; data_subject_type: string;
  data_subject_ref: string | null; status_code: number; outcome: 'ok' | 'error'; verdict: BreakGlassVerdict | null; note: string | null; reviewer_id: string | null;
  reviewer_role: string | null; reviewed_at: Date | string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * Break-the-glass accesses in the order they were written (oldest first: a review queue), filtered and
 * cursor-paginated. An access takes the place of its first line in the processing log's commit order and is
 * listed once that line is stable (see `queryProcessingLog`), so a reviewer following the cursors sees every
 * access exactly once, also one whose request committed after later ones.
 * @throws DomainError `VALIDATION.CURSOR_INVALID`
 */
export async function queryBreakGlassAccesses(db: SqlExecutor, f: BreakGlassAccessFilter): Promise<CommitOrderPage<BreakGlassAccess>> {
  const limit = f.limit ?? 100;
  const from = f.cursor === undefined ? LOG_START : decodeCommitOrderCursor('bg', f.cursor);
  const where = ['l.break_glass_id IS NOT NULL'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${params.push(value)}`));
  if (f.status === 'open') where.push('r.access_id IS NULL');
  if (f.status === 'reviewed') where.push('r.access_id IS NOT NULL');
  if (f.municipality !== undefined) add('l.break_glass_municipality = ?', f.municipality);
  if (f.actorId !== undefined) add('l.actor_id = ?', f.actorId);
  const r = await db.query<Row>(
    `WITH firsts AS (
       SELECT DISTINCT ON (l.break_glass_id) l.break_glass_id AS access_id, l.transaction_id AS first_tx, l.id AS first_id
         FROM processing_log l LEFT JOIN break_glass_reviews r ON r.access_id = l.break_glass_id
        WHERE ${where.join(' AND ')}
        ORDER BY l.break_glass_id, l.transaction_id, l.id),
     page AS (
       SELECT access_id, first_tx, first_id, first_tx < pg_snapshot_xmin(pg_current_snapshot()) AS stable FROM firsts
        WHERE (first_tx, first_id) > ($${params.push(from.transactionId)}::xid8, $${params.push(from.lineId)}::bigint)
        ORDER BY first_tx, first_id LIMIT $${params.push(limit + 1)})
     SELECT page.first_tx::text AS first_tx, page.first_id::text AS first_id, page.stable, l.id::text AS line_id, page.access_id::text AS access_id,
            l.break_glass_reason AS reason, l.break_glass_municipality AS municipality, l.actor_id, l.actor_role, l.operation, l.processing_activity, l.trace_id,
            l.started_at, l.ended_at, l.data_subject_type, l.data_subject_ref, l.status_code, l.outcome, r.verdict, r.note, r.reviewer_id, r.reviewer_role, r.reviewed_at
       FROM page JOIN processing_log l ON l.break_glass_id = page.access_id LEFT JOIN break_glass_reviews r ON r.access_id = page.access_id
      ORDER BY page.first_tx, page.first_id, l.transaction_id, l.id`,
    params,
  );
  const accesses = new Map<string, { access: BreakGlassAccess; stable: boolean; at: CommitOrderPosition }>();
  for (const x of r.rows) {
    let entry = accesses.get(x.access_id);
    if (!entry) {
      entry = {
        stable: x.stable,
        at: { transactionId: x.first_tx, lineId: x.first_id },
        access: {
          accessId: x.access_id, reason: x.reason, municipality: x.municipality, actorId: x.actor_id, actorRole: x.actor_role,
          operation: x.operation, processingActivity: x.processing_activity, traceId: x.trace_id, startedAt: iso(x.started_at), endedAt: iso(x.ended_at), lines: [],
          review: x.verdict === null ? null : { verdict: x.verdict, note: x.note!, reviewerId: x.reviewer_id!, reviewerRole: x.reviewer_role!, reviewedAt: iso(x.reviewed_at!) },
        },
      };
      accesses.set(x.access_id, entry);
    }
    entry.access.lines.push({ lineId: x.line_id, dataSubjectType: x.data_subject_type, dataSubjectRef: x.data_subject_ref, statusCode: Number(x.status_code), outcome: x.outcome });
  }
  return commitOrderPage('bg', [...accesses.values()], limit, from, (e) => e.at, (e) => e.access);
}

/**
 * Records the verdict on a break-the-glass access, once: the review is final and the table append-only.
 * @throws BreakGlassReviewError `BREAK_GLASS.ACCESS_NOT_FOUND` (no such access), `BREAK_GLASS.ALREADY_REVIEWED`
 */
export async function recordBreakGlassReview(db: SqlExecutor, accessId: string, review: BreakGlassReview): Promise<BreakGlassReview> {
  const inserted = await db.query(
    `INSERT INTO break_glass_reviews (access_id, verdict, note, reviewer_id, reviewer_role, reviewed_at)
     SELECT $1::uuid, $2, $3, $4, $5, $6::timestamptz WHERE EXISTS (SELECT 1 FROM processing_log WHERE break_glass_id = $1::uuid)
     ON CONFLICT (access_id) DO NOTHING RETURNING access_id`,
    [accessId, review.verdict, review.note, review.reviewerId, review.reviewerRole, review.reviewedAt],
  );
  if (inserted.rows.length === 1) return review;
  const exists = await db.query('SELECT 1 FROM processing_log WHERE break_glass_id = $1::uuid LIMIT 1', [accessId]);
  if (exists.rows.length === 0) throw breakGlassAccessNotFound();
  throw new BreakGlassReviewError('BREAK_GLASS.ALREADY_REVIEWED', 409, 'This access has been reviewed already; a review is final');
}
