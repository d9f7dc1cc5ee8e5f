import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type CoordinatorAlertReason, type EscalationState, type EscalationTier, type PoliceReportOutcome } from '#domain';
import type { Database, SqlExecutor } from '#eventstore';
import { DATABASE, decodeKeysetCursor, encodeKeysetCursor, isUuid } from '#platform';

interface Row {
  escalation_id: string;
  case_id: string;
  municipality: string;
  case_type: string;
  trigger: unknown;
  policy_id: string | null;
  tiers: unknown;
  status: 'open' | 'acknowledged' | 'coordinator-alerted';
  tier_index: number;
  attempt: number;
  ack_due_at: Date | string | null;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  last_report_outcome: PoliceReportOutcome | null;
  last_reported_at: Date | string | null;
  last_reported_by: string | null;
  alert_reason: CoordinatorAlertReason | null;
  raised_at: Date | string;
  updated_at: Date | string;
  summary: unknown;
  version: number;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** A stored escalation: its decision state and what the liaison sees. */
export interface StoredEscalation {
  state: Exclude<EscalationState, { status: 'none' }>;
  caseId: string;
  caseType: string;
  trigger: Record<string, unknown>;
  policyId: string | null;
  raisedAt: string;
  updatedAt: string;
  summary: { fields: string[]; case: Record<string, unknown> };
}

function toStored(r: Row): StoredEscalation {
  const tiers = json<EscalationTier[]>(r.tiers);
  return {
    state: {
      status: r.status,
      escalationId: r.escalation_id,
      municipality: r.municipality,
      tiers,
      tierIndex: r.tier_index,
      attempt: r.attempt,
      ackDueAt: iso(r.ack_due_at),
      acknowledgedAt: iso(r.acknowledged_at),
      acknowledgedBy: r.acknowledged_by ? { id: r.acknowledged_by, role: 'police-liaison' } : null,
      lastReport: r.last_report_outcome === null ? null : { outcome: r.last_report_outcome, at: iso(r.last_reported_at)!, by: r.last_reported_by! },
      alertReason: r.alert_reason,
      version: r.version,
    },
    caseId: r.case_id,
    caseType: r.case_type,
    trigger: json(r.trigger),
    policyId: r.policy_id,
    raisedAt: iso(r.raised_at)!,
    updatedAt: iso(r.updated_at)!,
    summary: json(r.summary),
  };
}

/**
 * The escalation as a liaison sees it, or a coordinator (`forCoordinator`): with the case id, and why it reached them
 * (`alertReason`: `tiers-exhausted`, `municipality-not-served`, `municipality-no-longer-served`, or null while a
 * liaison is waited for), the one thing to follow up that the status alone does not say.
 */
export function escalationView(e: StoredEscalation, forCoordinator: boolean) {
  const tier = e.state.tiers[e.state.tierIndex];
  return {
    escalationId: e.state.escalationId,
    municipality: e.state.municipality,
    ...(forCoordinator ? { caseId: e.caseId } : {}),
    caseType: e.caseType,
    trigger: e.trigger,
    status: e.state.status,
    ...(forCoordinator ? { alertReason: e.state.alertReason } : {}),
    tier: tier ? { index: e.state.tierIndex, id: tier.id, title: tier.title, attempt: e.state.attempt } : null,
    ackDueAt: e.state.ackDueAt,
    acknowledgedAt: e.state.acknowledgedAt,
    acknowledgedBy: e.state.acknowledgedBy?.id ?? null,
    lastReport: e.state.lastReport,
    raisedAt: e.raisedAt,
    updatedAt: e.updatedAt,
    fields: e.summary.fields,
    case: e.summary.case,
    version: e.state.version,
  };
}

export const escalationNotFound = () => new DomainError('ESCALATION.NOT_FOUND', 'No such escalation');

/** A write based on a version of the escalation that is no longer current (409, with the current version). */
export const escalationVersionConflict = (escalationId: string, expectedVersion: number, currentVersion: number) =>
  new DomainError('EVENTSTORE.VERSION_CONFLICT', `The escalation is at version ${currentVersion}, not ${expectedVersion}: reload it and try again`, {
    escalationId,
    expectedVersion,
    currentVersion,
  });

/** Reads of `liaison_escalations`, always limited to municipalities the caller serves. */
@Injectable()
export class EscalationRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async get(escalationId: string, municipalities: readonly string[], tx: SqlExecutor = this.db): Promise<StoredEscalation | null> {
    if (!isUuid(escalationId)) return null; // not a uuid: no such escalation (a 404, not a database error)
    const r = await tx.query<Row>('SELECT * FROM liaison_escalations WHERE escalation_id = $1::uuid AND municipality = ANY($2::text[])', [escalationId, municipalities]);
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  /** The escalation, locked for the caller's transaction (whatever its municipality: for this app's own writers). */
  async lockForUpdate(tx: SqlExecutor, escalationId: string): Promise<StoredEscalation | null> {
    const r = await tx.query<Row>('SELECT * FROM liaison_escalations WHERE escalation_id = $1::uuid FOR UPDATE', [escalationId]);
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  /** A page of escalations (of one status, of one case), newest first, after `cursor` (from the previous page's `nextCursor`). */
  async list(
    municipalities: readonly string[],
    filter: { status?: string; caseId?: string; policeReceivedOnly?: boolean },
    limit: number,
    cursor?: string,
  ): Promise<{ items: StoredEscalation[]; nextCursor: string | null }> {
    const after = cursor === undefined ? null : decodeKeysetCursor(cursor);
    // `policeReceivedOnly` (a liaison's list): not the escalations raised undelivered (see `policeReceived`).
    const r = await this.db.query<Row>(
      `SELECT * FROM liaison_escalations WHERE municipality = ANY($1::text[]) AND ($2::text IS NULL OR status = $2) AND ($6::text IS NULL OR case_id = $6)
          AND ($3::timestamptz IS NULL OR (raised_at, escalation_id) < ($3::timestamptz, $4::uuid))
          AND (NOT $7::boolean OR alert_reason IS DISTINCT FROM 'municipality-not-served')
        ORDER BY raised_at DESC, escalation_id DESC LIMIT $5`,
      [municipalities, filter.status ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1, filter.caseId ?? null, filter.policeReceivedOnly === true],
    );
    const items = r.rows.slice(0, limit).map(toStored);
    const last = items[items.length - 1];
    return { items, nextCursor: r.rows.length > limit && last ? encodeKeysetCursor(last.raisedAt, last.state.escalationId) : null };
  }

  /** Open escalations whose tier ran out of time at `now`. */
  async due(now: Date, limit: number): Promise<StoredEscalation[]> {
    const r = await this.db.query<Row>(`SELECT * FROM liaison_escalations WHERE status = 'open' AND ack_due_at <= $1::timestamptz ORDER BY ack_due_at LIMIT $2`, [now.toISOString(), limit]);
    return r.rows.map(toStored);
  }
}
