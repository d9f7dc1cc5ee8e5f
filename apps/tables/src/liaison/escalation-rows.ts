import type { EscalationEvent, EscalationState } from '#domain';

/**
 * SQL for an escalation's read rows, built for `EventStore.appendIn`'s `alsoInsert` so they commit in the
 * same statement as the escalation's events: the feed rows (one per event, what the SSE stream and the list
 * serve) and the escalation row with its durable timer (`ack_due_at`).
 */
export function insertFeedRows(events: readonly { id: string; event: EscalationEvent }[]): (param: (value: unknown) => string) => string {
  return (param) => {
    const rows = events.map(({ id, event }) => {
      const { type, ...data } = event;
      return `(${param(id)}::uuid, ${param(event.escalationId)}::uuid, ${param(event.municipality)}, ${param(type)}, ${param(JSON.stringify(data))}::jsonb, ${param(event.at)}::timestamptz)`;
    });
    return `INSERT INTO liaison_feed (event_id, escalation_id, municipality, type, data, at) VALUES ${rows.join(', ')}`;
  };
}

/** What the police sees of the case, as the escalation row's summary keeps it (`EscalationRaised`, `EscalationCaseSupplemented`). */
export interface EscalationCaseSeen {
  fields: string[];
  case: Record<string, unknown>;
}

/** Updates the escalation row to `state` (and the case the police sees, when given), only if it still is at `fromVersion`. */
export function updateEscalationRow(
  state: Exclude<EscalationState, { status: 'none' }>,
  fromVersion: number,
  at: string,
  caseSeen?: EscalationCaseSeen,
): (param: (value: unknown) => string) => string {
  return (param) =>
    `UPDATE liaison_escalations SET status = ${param(state.status)}, tier_index = ${param(state.tierIndex)}::int, attempt = ${param(state.attempt)}::int,
            ack_due_at = ${param(state.ackDueAt)}::timestamptz, acknowledged_at = ${param(state.acknowledgedAt)}::timestamptz,
            acknowledged_by = ${param(state.acknowledgedBy?.id ?? null)}, last_report_outcome = ${param(state.lastReport?.outcome ?? null)},
            last_reported_at = ${param(state.lastReport?.at ?? null)}::timestamptz, last_reported_by = ${param(state.lastReport?.by ?? null)},
            alert_reason = ${param(state.alertReason)}, version = ${param(state.version)}::int, updated_at = ${param(at)}::timestamptz${
              caseSeen ? `, summary = summary || ${param(JSON.stringify({ fields: caseSeen.fields, case: caseSeen.case }))}::jsonb` : ''
            }
      WHERE escalation_id = ${param(state.escalationId)}::uuid AND version = ${param(fromVersion)}::int`;
}
