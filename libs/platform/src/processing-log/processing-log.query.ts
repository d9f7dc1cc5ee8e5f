import { DomainError } from '#domain';
import type { SqlExecutor } from '#eventstore';
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
  id: string; trace_id: string; span_id: string; parent_span_id: string | null; operation: string; processing_activity: string; purpose: string;
  legal_basis: string | null; data_subject_type: string; data_subject_ref: string | null; actor_id: string; actor_role: string; method: string;
  route: string; status_code: number; outcome: 'ok' | 'error'; started_at: Date | string; ended_at: Date | string;
  break_glass_id: string | null; break_glass_reason: string | null; break_glass_municipality: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const encode = (id: string) => Buffer.from(`pl:${id}`).toString('base64url');
function decode(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^pl:(\d{1,18})$/.exec(text); // line ids are bigints: 19 digits may not fit
  if (!m) throw new DomainError('VALIDATION.CURSOR_INVALID', 'The cursor is not one this API gave out');
  return m[1]!;
}

/** Lines of the processing log, oldest first, filtered and cursor-paginated (by line id). */
export async function queryProcessingLog(db: SqlExecutor, f: ProcessingLogFilter): Promise<{ items: ProcessingLogEntry[]; nextCursor: string | null }> {
  const limit = f.limit ?? 100;
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${params.push(value)}`));
  if (f.dataSubjectRef !== undefined) add('data_subject_ref = ?', f.dataSubjectRef);
  if (f.actorId !== undefined) add('actor_id = ?', f.actorId);
  if (f.from !== undefined) add('started_at >= ?::timestamptz', f.from);
  if (f.to !== undefined) add('started_at < ?::timestamptz', f.to);
  if (f.cursor !== undefined) add('id > ?::bigint', decode(f.cursor));
  const r = await db.query<Row>(
    `SELECT id::text AS id, trace_id, span_id, parent_span_id, operation, processing_activity, purpose, legal_basis, data_subject_type, data_subject_ref,
            actor_id, actor_role, method, route, status_code, outcome, started_at, ended_at, break_glass_id, break_glass_reason, break_glass_municipality
       FROM processing_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY processing_log.id LIMIT $${params.push(limit + 1)}`,
    params,
  );
  const rows = r.rows.slice(0, limit);
  const items = rows.map((x) => ({
    id: x.id, traceId: x.trace_id, spanId: x.span_id, parentSpanId: x.parent_span_id, operation: x.operation, processingActivity: x.processing_activity,
    purpose: x.purpose, legalBasis: x.legal_basis, dataSubjectType: x.data_subject_type, dataSubjectRef: x.data_subject_ref, actorId: x.actor_id,
    actorRole: x.actor_role, method: x.method, route: x.route, statusCode: Number(x.status_code), outcome: x.outcome, startedAt: iso(x.started_at), endedAt: iso(x.ended_at),
    breakGlass: x.break_glass_id === null ? null : { id: x.break_glass_id, reason: x.break_glass_reason!, municipality: x.break_glass_municipality! },
  }));
  return { items, nextCursor: r.rows.length > limit && rows.length > 0 ? encode(rows[rows.length - 1]!.id) : null };
}
