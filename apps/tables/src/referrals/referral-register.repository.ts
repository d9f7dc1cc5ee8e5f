import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type ReferralLifecycle, type ReferralStatus } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE, decodeKeysetCursor, encodeKeysetCursor } from '#platform';

interface Row {
  referral_id: string;
  case_id: string;
  table_id: string;
  municipality: string;
  case_type: string;
  status: ReferralStatus;
  referred_at: Date | string;
  published_at: Date | string;
  accept_by: Date | string | null;
  remind_at: Date | string | null;
  reminded_at: Date | string | null;
  overdue_at: Date | string | null;
  decided_at: Date | string | null;
  decided_by: string | null;
  reason: string | null;
  rejection: string | null;
  fields: string[];
  payload: unknown;
  version: number;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** A row of the table register. */
export interface RegisteredReferral extends ReferralLifecycle {
  caseId: string;
  table: string;
  municipality: string;
  caseType: string;
  referredAt: string;
  publishedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The return reason, or why the referral was rejected. */
  reason: string | null;
  rejection: string | null;
  fields: string[];
  /** What the table received (null for a rejected referral: nothing was shared). */
  payload: Record<string, unknown> | null;
  version: number;
}

function toReferral(r: Row): RegisteredReferral {
  return {
    referralId: r.referral_id,
    caseId: r.case_id,
    table: r.table_id,
    municipality: r.municipality,
    caseType: r.case_type,
    status: r.status,
    referredAt: iso(r.referred_at)!,
    publishedAt: iso(r.published_at)!,
    acceptBy: iso(r.accept_by),
    remindAt: iso(r.remind_at),
    remindedAt: iso(r.reminded_at),
    overdueAt: iso(r.overdue_at),
    decidedAt: iso(r.decided_at),
    decidedBy: r.decided_by,
    reason: r.reason,
    rejection: r.rejection,
    fields: r.fields ?? [],
    payload: r.payload === null ? null : ((typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>),
    version: r.version,
  };
}

/**
 * A referral as the API shows it. A table member sees what the table received and the acknowledgement
 * state, not the municipality's case id; a coordinator also sees the case id.
 */
export function referralView(r: RegisteredReferral, withCaseId: boolean) {
  return {
    referralId: r.referralId,
    table: r.table,
    municipality: r.municipality,
    ...(withCaseId ? { caseId: r.caseId } : {}),
    caseType: r.caseType,
    status: r.status,
    referredAt: r.referredAt,
    acceptBy: r.acceptBy,
    remindedAt: r.remindedAt,
    overdueAt: r.overdueAt,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    reason: r.reason,
    ...(withCaseId ? { rejection: r.rejection } : {}),
    fields: r.fields,
    case: (r.payload?.case as Record<string, unknown> | undefined) ?? null,
    version: r.version,
  };
}

export const referralNotFound = () => new DomainError('REFERRAL.NOT_FOUND', 'No such referral');



/** Reads of the table register, always limited to one table and the caller's municipalities. */
@Injectable()
export class ReferralRegisterRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(
    table: string,
    municipalities: readonly string[],
    options: { statuses: readonly string[]; limit: number; cursor?: string },
  ): Promise<{ items: RegisteredReferral[]; nextCursor: string | null }> {
    const params: unknown[] = [table, municipalities, options.statuses];
    let where = 'table_id = $1 AND municipality = ANY($2::text[]) AND status = ANY($3::text[])';
    if (options.cursor !== undefined) {
      const [at, id] = decodeKeysetCursor(options.cursor);
      params.push(at, id);
      where += ` AND (referred_at, referral_id) < ($4::timestamptz, $5)`;
    }
    params.push(options.limit + 1);
    const r = await this.db.query<Row>(`SELECT * FROM table_referrals WHERE ${where} ORDER BY referred_at DESC, referral_id DESC LIMIT $${params.length}`, params);
    const items = r.rows.slice(0, options.limit).map(toReferral);
    const last = items[items.length - 1];
    return { items, nextCursor: r.rows.length > options.limit && last ? encodeKeysetCursor(last.referredAt, last.referralId) : null };
  }

  async get(table: string, referralId: string, municipalities: readonly string[]): Promise<RegisteredReferral | null> {
    const r = await this.db.query<Row>('SELECT * FROM table_referrals WHERE table_id = $1 AND referral_id = $2 AND municipality = ANY($3::text[])', [table, referralId, municipalities]);
    return r.rows[0] ? toReferral(r.rows[0]) : null;
  }

  /** Open referrals whose reminder or deadline came at `now`. */
  async due(now: Date, limit: number): Promise<RegisteredReferral[]> {
    const r = await this.db.query<Row>(
      `SELECT * FROM table_referrals
        WHERE status = 'open' AND overdue_at IS NULL
          AND (accept_by <= $1::timestamptz OR (reminded_at IS NULL AND remind_at <= $1::timestamptz))
        ORDER BY accept_by LIMIT $2`,
      [now.toISOString(), limit],
    );
    return r.rows.map(toReferral);
  }
}
