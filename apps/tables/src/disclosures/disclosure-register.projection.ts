import type { EventEnvelope } from '#contracts';
import { POLICE_TABLE } from '#domain';
import type { ProjectionDefinition, ProjectionTableNames, SqlExecutor } from '#eventstore';
import { REFERRAL_PUBLISHED, type ReferralPublishedPayload } from '../referrals/referral-events.js';
import { payloadSha256 } from '../shared/tables-event.js';
import { insertDisclosure, type Disclosure } from './disclosure.sql.js';

/** The escalation events that carry the case to the police. */
const ESCALATION_DELIVERIES = ['EscalationRaised', 'EscalationCaseSupplemented'];

/** The case id on the case event that caused a delivery (`CaseReferred`, or the case event an escalation trigger matched). */
async function causingCaseId(tx: SqlExecutor, event: EventEnvelope): Promise<string | null> {
  const r = await tx.query<{ case_id: string | null }>(`SELECT payload->>'caseId' AS case_id FROM events WHERE id = $1::uuid`, [event.causationId]);
  return r.rows[0]?.case_id ?? null;
}

/**
 * The disclosure an event that carried a payload out records, as the publisher and the escalation raiser
 * write it: recipient, legal basis and processing activity from the envelope, the fields and the hash of the
 * payload as it travelled, the event's instant. Null for any other event, and for an escalation raised
 * `undelivered` (no police liaison serves its municipality: it stayed inside).
 */
async function disclosureOf(tx: SqlExecutor, event: EventEnvelope): Promise<Disclosure | null> {
  if (event.type !== REFERRAL_PUBLISHED && !ESCALATION_DELIVERIES.includes(event.type)) return null;
  if (event.payload.undelivered !== undefined) return null;
  const payload = event.payload as { fields: string[]; municipality: string };
  const caseId = await causingCaseId(tx, event);
  if (caseId === null) return null;
  return {
    subjectRef: event.streamId,
    recipient: event.type === REFERRAL_PUBLISHED ? (event.payload as unknown as ReferralPublishedPayload).table : POLICE_TABLE,
    municipality: payload.municipality,
    caseId,
    legalBasis: event.legalBasis,
    processingActivity: event.processingActivity,
    fields: payload.fields,
    payloadSha256: payloadSha256(event.payload),
    eventId: event.id,
    disclosedAt: event.occurredAt,
  };
}

/** Applies delivery events to the disclosure register in order, inside the caller's transaction (the live writers' statement). */
export async function applyToDisclosureRegister(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  for (const event of events) {
    const disclosure = await disclosureOf(tx, event);
    if (!disclosure) continue;
    const params: unknown[] = [];
    const sql = insertDisclosure(disclosure, tables.table_disclosures!)((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    await tx.query(sql, params);
  }
}

/**
 * The tables' disclosure register (what left the municipality, to whom, on which basis) as a rebuildable
 * projection (`npm run audit -- replay --projection table-disclosures`): one row per `ReferralPublished`
 * (to the referral's table) and per `EscalationRaised` or `EscalationCaseSupplemented` (to the police), written
 * with the same statement as the live writers. The case id comes from the case event that caused the delivery (the event's causation);
 * the disclosure id derives from the event id.
 */
export const DISCLOSURE_REGISTER_PROJECTION: ProjectionDefinition = {
  name: 'table-disclosures',
  description: 'Tables: the disclosure register (recipient, legal basis, processing activity, fields shared, payload hash, time)',
  tables: [{ name: 'table_disclosures', primaryKey: ['disclosure_id'] }],
  eventTypes: [REFERRAL_PUBLISHED, ...ESCALATION_DELIVERIES],
  apply: applyToDisclosureRegister,
};
