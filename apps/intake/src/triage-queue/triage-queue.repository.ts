import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '#eventstore';
import { DATABASE, decodeKeysetCursor, encodeKeysetCursor } from '#platform';
import type { ListSignalsQueryDto } from './list-signals.query.dto.js';

export interface TriageItem {
  signalId: string;
  municipality: string;
  source: string;
  status: string;
  receivedAt: string;
  recordedAt: string;
  externalRef: string | null;
  theme: string | null;
  urgency: string | null;
  wvggz: boolean | null;
  specialCategory: boolean;
  /** The subject the signal is linked to (triage), if any. */
  subjectId: string | null;
  /** The case the signal is part of, if any. */
  caseId: string | null;
}

interface Row {
  signal_id: string; municipality: string; source: string; status: string; received_at: Date | string; recorded_at: Date | string;
  external_ref: string | null; theme: string | null; urgency: string | null; wvggz: boolean | null; special_category: boolean; details: unknown;
  subject_id: string | null; case_id: string | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const toItem = (r: Row): TriageItem => ({
  signalId: r.signal_id, municipality: r.municipality, source: r.source, status: r.status, receivedAt: iso(r.received_at), recordedAt: iso(r.recorded_at),
  externalRef: r.external_ref, theme: r.theme, urgency: r.urgency, wvggz: r.wvggz, specialCategory: r.special_category,
  subjectId: r.subject_id ?? null, caseId: r.case_id ?? null,
});



/** Queries of the triage queue, always limited to the caller's municipalities. */
@Injectable()
export class TriageQueueRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(municipalities: readonly string[], q: ListSignalsQueryDto): Promise<{ items: TriageItem[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const where = ['municipality = ANY($1::text[])'];
    const params: unknown[] = [municipalities];
    const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
    if (q.source) add('source = ?', q.source);
    if (q.status) add('status = ?', q.status);
    if (q.receivedFrom) add('received_at >= ?', q.receivedFrom);
    if (q.receivedTo) add('received_at < ?', q.receivedTo);
    if (q.cursor !== undefined) {
      const [at, id] = decodeKeysetCursor(q.cursor);
      params.push(at, id);
      where.push(`(received_at, signal_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const r = await this.db.query<Row>(
      `SELECT * FROM triage_queue WHERE ${where.join(' AND ')} ORDER BY received_at DESC, signal_id DESC LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return { items: rows.map(toItem), nextCursor: r.rows.length > limit && last ? encodeKeysetCursor(iso(last.received_at), last.signal_id) : null };
  }

  /** One signal with its details, or null when it does not exist in the caller's municipalities. */
  async get(municipalities: readonly string[], signalId: string): Promise<(TriageItem & { details: unknown }) | null> {
    const r = await this.db.query<Row>('SELECT * FROM triage_queue WHERE signal_id = $1 AND municipality = ANY($2::text[])', [signalId, municipalities]);
    const row = r.rows[0];
    return row ? { ...toItem(row), details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details } : null;
  }
}
