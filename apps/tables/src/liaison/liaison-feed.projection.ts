import type { EventEnvelope } from '#contracts';
import {
  ESCALATION_EVENT_TYPES,
  evolveEscalation,
  NO_ESCALATION,
  type CoordinatorAlertReason,
  type EscalationEvent,
  type EscalationRaised,
  type EscalationState,
  type EscalationTier,
  type PoliceReportOutcome,
} from '#domain';
import { quoteIdent, type ProjectionDefinition, type ProjectionTableNames, type SqlExecutor } from '#eventstore';

interface EscalationRow {
  status: 'open' | 'acknowledged' | 'coordinator-alerted';
  municipality: string;
  tiers: unknown;
  tier_index: number;
  attempt: number;
  ack_due_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  last_report_outcome: PoliceReportOutcome | null;
  last_reported_at: string | null;
  last_reported_by: string | null;
  alert_reason: CoordinatorAlertReason | null;
  version: number;
}

/** The escalation's decision state as its row holds it (instants as the database writes them; they are only written back). */
function stateOf(escalationId: string, r: EscalationRow): EscalationState {
  return {
    status: r.status,
    escalationId,
    municipality: r.municipality,
    tiers: (typeof r.tiers === 'string' ? JSON.parse(r.tiers) : r.tiers) as EscalationTier[],
    tierIndex: r.tier_index,
    attempt: r.attempt,
    ackDueAt: r.ack_due_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by === null ? null : { id: r.acknowledged_by, role: 'police-liaison' },
    lastReport: r.last_report_outcome === null ? null : { outcome: r.last_report_outcome, at: r.last_reported_at!, by: r.last_reported_by! },
    alertReason: r.alert_reason,
    version: r.version,
  };
}

/**
 * Applies one escalation step to the escalation row, folding it with the domain's `evolveEscalation`. The
 * case id comes from the case event that raised the escalation (the events' causation); `updated_at` is
 * the step's instant (`occurredAt`, the clock reading the row was written with).
 */
async function applyToEscalation(tx: SqlExecutor, envelope: EventEnvelope, event: EscalationEvent, table: string): Promise<void> {
  if (event.type === 'EscalationRaised') {
    const state = evolveEscalation(NO_ESCALATION, event);
    if (state.status === 'none') return;
    const raised: EscalationRaised = event;
    await tx.query(
      `INSERT INTO ${table} (escalation_id, case_id, municipality, case_type, trigger, policy_id, tiers, status, tier_index, attempt, ack_due_at, raised_at, updated_at, summary, version, alert_reason)
       SELECT $1::uuid, c.payload->>'caseId', $2, $3, $4::jsonb, $5, $6::jsonb, $7, $8::int, $9::int, $10::timestamptz, $11::timestamptz, $12::timestamptz, $13::jsonb, $14::int, $16
         FROM events c WHERE c.id = $15::uuid
       ON CONFLICT (escalation_id) DO NOTHING`,
      [
        raised.escalationId, raised.municipality, raised.caseType, JSON.stringify(raised.trigger), raised.policyId, JSON.stringify(state.tiers), state.status,
        state.tierIndex, state.attempt, state.ackDueAt, raised.at, envelope.occurredAt,
        JSON.stringify({ caseType: raised.caseType, trigger: raised.trigger, fields: raised.fields, case: raised.case }), state.version, envelope.causationId, state.alertReason,
      ],
    );
    return;
  }
  const r = await tx.query<EscalationRow>(
    `SELECT status, municipality, tiers, tier_index, attempt, ack_due_at::text AS ack_due_at, acknowledged_at::text AS acknowledged_at, acknowledged_by,
            last_report_outcome, last_reported_at::text AS last_reported_at, last_reported_by, alert_reason, version
       FROM ${table} WHERE escalation_id = $1::uuid`,
    [event.escalationId],
  );
  const row = r.rows[0];
  if (!row) return;
  const next = evolveEscalation(stateOf(event.escalationId, row), event);
  if (next.status === 'none') return;
  // The case the police sees: replaced when it is sent again complete.
  const caseSeen = event.type === 'EscalationCaseSupplemented' ? JSON.stringify({ fields: event.fields, case: event.case }) : null;
  await tx.query(
    `UPDATE ${table} SET status = $2, tier_index = $3::int, attempt = $4::int, ack_due_at = $5::timestamptz, acknowledged_at = $6::timestamptz,
            acknowledged_by = $7, version = $8::int, updated_at = $9::timestamptz,
            last_report_outcome = $10, last_reported_at = $11::timestamptz, last_reported_by = $12,
            summary = CASE WHEN $13::jsonb IS NULL THEN summary ELSE summary || $13::jsonb END, alert_reason = $14
      WHERE escalation_id = $1::uuid`,
    [
      event.escalationId, next.status, next.tierIndex, next.attempt, next.ackDueAt, next.acknowledgedAt, next.acknowledgedBy?.id ?? null, next.version, envelope.occurredAt,
      next.lastReport?.outcome ?? null, next.lastReport?.at ?? null, next.lastReport?.by ?? null, caseSeen, next.alertReason,
    ],
  );
}

/**
 * Applies escalation events in order, inside the caller's transaction: one feed row per event (in the
 * transaction of the event, as the live rows are written in the same statement as their events) and the
 * escalation row folded.
 */
export async function applyToLiaisonFeed(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  const escalations = quoteIdent(tables.liaison_escalations!);
  const feed = quoteIdent(tables.liaison_feed!);
  for (const envelope of events) {
    const event = { type: envelope.type, ...envelope.payload } as unknown as EscalationEvent;
    const { type: _type, ...data } = event;
    await tx.query(
      `INSERT INTO ${feed} (transaction_id, event_id, escalation_id, municipality, type, data, at)
       SELECT e.transaction_id, e.id, $2::uuid, $3, $4, $5::jsonb, $6::timestamptz FROM events e WHERE e.id = $1::uuid
       ON CONFLICT (event_id) DO NOTHING`,
      [envelope.id, event.escalationId, event.municipality, envelope.type, JSON.stringify(data), event.at],
    );
    await applyToEscalation(tx, envelope, event, escalations);
  }
}

/**
 * The police liaison's escalations and their feed as a rebuildable projection (`npm run audit -- replay
 * --projection liaison-feed`), folded from the escalation streams (`escalation-<id>`). The feed is compared
 * by event id: `seq` is a sequence number drawn at insert (its order is the commit order, which the replay
 * keeps: each row carries its event's transaction id).
 */
export const LIAISON_FEED_PROJECTION: ProjectionDefinition = {
  name: 'liaison-feed',
  description: "Tables: the police liaison's escalations (status, tier, acknowledgement) and the feed of every escalation step",
  tables: [
    { name: 'liaison_escalations', primaryKey: ['escalation_id'] },
    { name: 'liaison_feed', primaryKey: ['event_id'], ignoredColumns: { seq: 'sequence number drawn when the row was inserted, not part of any event' } },
  ],
  eventTypes: ESCALATION_EVENT_TYPES,
  apply: applyToLiaisonFeed,
};
