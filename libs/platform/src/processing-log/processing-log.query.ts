import type { SqlExecutor } from '#eventstore';
import { decodeCommitOrderCursor, LOG_START } from './commit-order-cursor.js';
import { commitOrderPage, type CommitOrderPage } from './commit-order-page.js';
import type { ProcessingLogLine } from './processing-log.writer.js';

export interface ProcessingLogFilter {
  /** Pseudonymised subject reference (hash the subject id with the same key first). */
  dataSubjectRef?: string;
  actorId?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  limit?: number;
}

export interface ProcessingLogEntry extends ProcessingLogLine {
  id: string;
}

interface Row {
  id: string; transaction_id: string; stable: boolean; trace_id: string; span_id: string; parent_span_id: string | null; operation: string; processing_activity: string; purpose: string;
  legal_basis: string | null; data_subject_type: string; data_subject_ref: string | null; actor_id: string; actor_role: string; method: string;
  route: string; status_code: number; outcome: 'ok' | 'error'; started_at: Date | string; ended_at: Date | string;
  break_glass_id: string | null; break_glass_reason: string | null; break_glass_municipality: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * Lines of the processing log in commit order — by writing transaction, then line id, the order the event store's
 * readers use — filtered and cursor-paginated. Only lines of transactions older than the oldest one still in
 * flight are listed (see {@link CommitOrderPage.heldBack}), so a reader following the cursors sees every committed
 * line exactly once, however the writers' transactions interleave.
 * @throws DomainError `VALIDATION.CURSOR_INVALID`
 */
export async function queryProcessingLog(db: SqlExecutor, f: ProcessingLogFilter): Promise<CommitOrderPage<ProcessingLogEntry>> {
  const limit = f.limit ?? 100;
  const from = f.cursor === undefined ? LOG_START : decodeCommitOrderCursor('pl', f.cursor);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => where.push(sql.replace(/\?/g, () => `$${params.push(values.shift())}`));
  if (f.dataSubjectRef !== undefined) add('data_subject_ref = ?', f.dataSubjectRef);
  if (f.actorId !== undefined) add('actor_id = ?', f.actorId);
  if (f.from !== undefined) add('started_at >= ?::timestamptz', f.from);
  if (f.to !== undefined) add('started_at < ?::timestamptz', f.to);
  add('(processing_log.transaction_id, processing_log.id) > (?::xid8, ?::bigint)', from.transactionId, from.lineId);
  // pg_current_snapshot() is the statement's own snapshot: a line below its xmin was committed (or rolled back,
  // and is not read) before the rows were read, and every transaction still to commit has a larger id.
  const r = await db.query<Row>(
    `SELECT id::text AS id, transaction_id::text AS transaction_id, processing_log.transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS stable,
            trace_id, span_id, parent_span_id, operation, processing_activity, purpose, legal_basis, data_subject_type, data_subject_ref,
            actor_id, actor_role, method, route, status_code, outcome, started_at, ended_at, break_glass_id, break_glass_reason, break_glass_municipality
       FROM processing_log WHERE ${where.join(' AND ')}
      ORDER BY processing_log.transaction_id, processing_log.id LIMIT $${params.push(limit + 1)}`,
    params,
  );
  return commitOrderPage('pl', r.rows, limit, from, (x) => ({ transactionId: x.transaction_id, lineId: x.id }), (x) => ({
    id: x.id, traceId: x.trace_id, spanId: x.span_id, parentSpanId: x.parent_span_id, operation: x.operation, processingActivity: x.processing_activity,
    purpose: x.purpose, legalBasis: x.legal_basis, dataSubjectType: x.data_subject_type, dataSubjectRef: x.data_subject_ref, actorId: x.actor_id,
    actorRole: x.actor_role, method: x.method, route: x.route, statusCode: Number(x.status_code), outcome: x.outcome, startedAt: iso(x.started_at), endedAt: iso(x.ended_at),
    breakGlass: x.break_glass_id === null ? null : { id: x.break_glass_id, reason: x.break_glass_reason!, municipality: x.break_glass_municipality! },
  }));
}
