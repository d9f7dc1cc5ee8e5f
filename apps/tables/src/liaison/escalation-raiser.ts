import { Inject, Injectable } from '@nestjs/common';
import { REFERRAL_TOPICS, type EventEnvelope } from '#contracts';
import {
  escalationReason,
  foldEscalation,
  policyFor,
  raiseEscalation,
  referralDeliverability,
  type CaseSheet,
  type EscalationTrigger,
  type SignalFacts,
  type TablesConfig,
} from '#domain';
import { EventStore, type SqlExecutor } from '#eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '#platform';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { insertDisclosure } from '../disclosures/disclosure.sql.js';
import { escalationIdFor, escalationStreamId, TABLES_PROCESSING, TABLES_SYSTEM_ACTOR } from '../shared/tables-streams.js';
import { CaseMinimiser } from '../shared/case-minimiser.js';
import { payloadSha256, tablesEvent } from '../shared/tables-event.js';
import { insertFeedRows } from './escalation-rows.js';

/** The table whose sharing profile decides what the police sees of a case. */
export const POLICE_TABLE = 'politie';

/**
 * Raises a police escalation for a case event that a trigger matched, inside the consumer's transaction:
 * `EscalationRaised` (the case as the `politie` profile allows) and the first tier's notification go to
 * `signaalroute.liaison.escalations.v1`, in ONE statement with the escalation row, the feed rows and the
 * disclosure. The escalation id derives from the event id, so a replay raises nothing new.
 */
@Injectable()
export class EscalationRaiser {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly minimiser: CaseMinimiser,
  ) {}

  async raise(tx: SqlExecutor, sheet: CaseSheet, facts: readonly SignalFacts[], caused: EventEnvelope, trigger: EscalationTrigger): Promise<boolean> {
    const escalationId = escalationIdFor(caused.id);
    const exists = await tx.query('SELECT 1 FROM liaison_escalations WHERE escalation_id = $1::uuid', [escalationId]);
    if (exists.rows.length > 0) return false;
    const now = this.clock();
    const at = now.toISOString();
    const police = referralDeliverability(this.config, POLICE_TABLE, sheet.municipality, sheet.modelId);
    // Without a profile for this case the police still gets the escalation, with no case fields.
    const minimised = await this.minimiser.minimise(tx, sheet, facts, escalationReason(trigger), police.ok ? police.allowed : []);
    const legalBasis = police.ok ? police.table.profile.legalBasis : TABLES_PROCESSING.legalBasis;
    const processingActivity = police.ok ? police.table.profile.processingActivity : TABLES_PROCESSING.activity;
    const policy = policyFor(this.config, sheet.municipality);
    const decided = raiseEscalation({
      escalationId,
      municipality: sheet.municipality,
      caseType: sheet.modelId,
      trigger,
      policy,
      minimised: { fields: minimised.fields, data: minimised.data as Record<string, unknown> },
      now,
    });
    const state = foldEscalation(decided);
    if (state.status === 'none') return false;
    const events = decided.map((event) => {
      const { type, ...payload } = event;
      return {
        event,
        envelope: tablesEvent(type, payload, {
          municipality: sheet.municipality,
          actor: TABLES_SYSTEM_ACTOR,
          correlationId: caused.correlationId,
          causationId: caused.id,
          traceparent: caused.traceparent,
          legalBasis,
          processingActivity,
          specialCategory: type === 'EscalationRaised' && minimised.specialCategory,
          at: now,
        }),
      };
    });
    const raised = events[0]!;
    const summary = { caseType: sheet.modelId, trigger, fields: minimised.fields, case: minimised.data };
    await this.store.appendIn(tx, escalationStreamId(escalationId), 0, events.map((e) => e.envelope), {
      topic: REFERRAL_TOPICS.liaisonEscalations,
      alsoInsert: [
        (param) =>
          `INSERT INTO liaison_escalations (escalation_id, case_id, municipality, case_type, trigger, policy_id, tiers, status, tier_index, attempt, ack_due_at, raised_at, updated_at, summary, version)
           VALUES (${param(escalationId)}::uuid, ${param(sheet.caseId)}, ${param(sheet.municipality)}, ${param(sheet.modelId)}, ${param(JSON.stringify(trigger))}::jsonb,
                   ${param(policy?.id ?? null)}, ${param(JSON.stringify(state.tiers))}::jsonb, ${param(state.status)}, ${param(state.tierIndex)}::int, ${param(state.attempt)}::int,
                   ${param(state.ackDueAt)}::timestamptz, ${param(at)}::timestamptz, ${param(at)}::timestamptz, ${param(JSON.stringify(summary))}::jsonb, ${param(state.version)}::int)`,
        insertFeedRows(events.map((e) => ({ id: e.envelope.id, event: e.event }))),
        insertDisclosure({
          subjectRef: escalationStreamId(escalationId),
          recipient: POLICE_TABLE,
          municipality: sheet.municipality,
          caseId: sheet.caseId,
          legalBasis,
          processingActivity,
          fields: minimised.fields,
          payloadSha256: payloadSha256(raised.envelope.payload),
          eventId: raised.envelope.id,
          disclosedAt: at,
        }),
      ],
    });
    return true;
  }
}
