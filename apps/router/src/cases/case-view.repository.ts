import { Inject, Injectable } from '@nestjs/common';
import type { CaseState } from '#domain';
import type { Database, SqlExecutor } from '#eventstore';
import { DATABASE, decodeKeysetCursor, encodeKeysetCursor } from '#platform';
import type { MunicipalityScope } from '#security';
import type { DueCase, DueCursor } from '../deadlines/record-due-deadlines.js';
import type { ListCasesQueryDto } from './list-cases.query.dto.js';

/** A `case_view` row as the service uses it. */
export interface StoredCase {
  state: Exclude<CaseState, { status: 'none' }>;
  municipality: string;
  specialCategory: boolean;
  nextDeadlineAt: string | null;
  updatedAt: string;
  /** Hash of the case stream's last event (null for rows written before it was kept). */
  headHash: string | null;
}

export interface CaseListItem {
  caseId: string;
  municipality: string;
  model: { id: string; version: number };
  currentState: string;
  status: string;
  version: number;
  openedAt: string;
  updatedAt: string;
  nextDeadlineAt: string | null;
}

interface Row {
  case_id: string;
  municipality: string;
  model_id: string;
  model_version: number;
  current_state: string;
  status: string;
  version: number;
  special_category: boolean;
  head_hash?: string | null;
  state: unknown;
  next_deadline_at: Date | string | null;
  opened_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string): string => new Date(v).toISOString();

function toStored(row: Row): StoredCase {
  return {
    state: (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as StoredCase['state'],
    municipality: row.municipality,
    specialCategory: row.special_category,
    nextDeadlineAt: row.next_deadline_at === null ? null : iso(row.next_deadline_at),
    updatedAt: iso(row.updated_at),
    headHash: row.head_hash ?? null,
  };
}

/** Reads of `case_view`, always limited to a municipality scope. */
@Injectable()
export class CaseViewRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The case if it exists within `scope`, else null (a case elsewhere looks exactly like no case). */
  async get(caseId: string, scope: MunicipalityScope, tx: SqlExecutor = this.db): Promise<StoredCase | null> {
    const r =
      scope === 'all'
        ? await tx.query<Row>('SELECT municipality, special_category, state, next_deadline_at, updated_at, head_hash FROM case_view WHERE case_id = $1', [caseId])
        : await tx.query<Row>('SELECT municipality, special_category, state, next_deadline_at, updated_at, head_hash FROM case_view WHERE case_id = $1 AND municipality = ANY($2::text[])', [caseId, scope]);
    const row = r.rows[0];
    return row ? toStored(row) : null;
  }

  /** The cases of `caseIds` that exist, by id, in one query (no scope: the caller applies it). */
  async getMany(caseIds: readonly string[]): Promise<Map<string, StoredCase>> {
    const r = await this.db.query<Row>(
      'SELECT case_id, municipality, special_category, state, next_deadline_at, updated_at, head_hash FROM case_view WHERE case_id = ANY($1::uuid[])',
      [caseIds],
    );
    return new Map(r.rows.map((row) => [row.case_id, toStored(row)]));
  }

  /** The case's current version (0 when there is none); for conflict answers. */
  async version(caseId: string): Promise<number> {
    const r = await this.db.query<{ version: number }>('SELECT version FROM case_view WHERE case_id = $1', [caseId]);
    return Number(r.rows[0]?.version ?? 0);
  }

  /** Cases newest first (opened_at, case_id), filtered, cursor-paginated. */
  async list(scope: MunicipalityScope, q: ListCasesQueryDto): Promise<{ items: CaseListItem[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (scope !== 'all') add('municipality = ANY(?::text[])', scope);
    if (q.municipality) add('municipality = ?', q.municipality);
    if (q.model) add('model_id = ?', q.model);
    if (q.state) add('current_state = ?', q.state);
    if (q.status) add('status = ?', q.status);
    if (q.openedFrom) add('opened_at >= ?::timestamptz', q.openedFrom);
    if (q.openedTo) add('opened_at < ?::timestamptz', q.openedTo);
    if (q.cursor !== undefined) {
      const [at, id] = decodeKeysetCursor(q.cursor);
      params.push(at, id);
      where.push(`(opened_at, case_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const r = await this.db.query<Row>(
      `SELECT case_id, municipality, model_id, model_version, current_state, status, version, next_deadline_at, opened_at, updated_at
         FROM case_view ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY opened_at DESC, case_id DESC LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map((row) => ({
        caseId: row.case_id,
        municipality: row.municipality,
        model: { id: row.model_id, version: Number(row.model_version) },
        currentState: row.current_state,
        status: row.status,
        version: Number(row.version),
        openedAt: iso(row.opened_at),
        updatedAt: iso(row.updated_at),
        nextDeadlineAt: row.next_deadline_at === null ? null : iso(row.next_deadline_at),
      })),
      nextCursor: r.rows.length > limit && last ? encodeKeysetCursor(iso(last.opened_at), last.case_id) : null,
    };
  }

  /** Up to `limit` cases with a deadline moment at or before `now`, by (moment, case id), after `cursor`. */
  async dueForDeadlines(now: Date, limit: number, cursor: DueCursor = null): Promise<DueCase[]> {
    const r = await this.db.query<Row & { next_deadline: string }>(
      `SELECT case_id, state, to_char(next_deadline_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS next_deadline FROM case_view
        WHERE next_deadline_at <= $1::timestamptz AND ($3::timestamptz IS NULL OR (next_deadline_at, case_id) > ($3::timestamptz, $4::uuid))
        ORDER BY next_deadline_at, case_id LIMIT $2`,
      [now.toISOString(), limit, cursor?.nextDeadlineAt ?? null, cursor?.caseId ?? null],
    );
    return r.rows.map((row) => ({ caseId: row.case_id, nextDeadlineAt: row.next_deadline, state: (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as StoredCase['state'] }));
  }
}
