import { Inject, Injectable } from '@nestjs/common';
import { REFERRAL_TOPICS, type EventEnvelope } from '#contracts';
import {
  comesFromSignals,
  decideEscalationSupplement,
  escalationReason,
  evolveEscalation,
  foldEscalation,
  POLICE_TABLE,
  policeServes,
  policyFor,
  raiseEscalation,
  raiseUnservedEscalation,
  referralDeliverability,
  type CaseSheet,
  type EscalationEvent,
  type EscalationRaised,
  type EscalationState,
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
import { PendingEscalationFactsStore, type PendingEscalationFacts } from '../case-events/pending-escalation-facts.store.js';
import { insertFeedRows, updateEscalationRow } from './escalation-rows.js';
import { EscalationRepository } from './escalation.repository.js';

/**
 * Raises a police escalation for a case event that a trigger matched, inside the consumer's transaction:
 * `EscalationRaised` (the case as the `politie` profile allows) and the first tier's notification go to
 * `signaalroute.liaison.escalations.v1`, in ONE statement with the escalation row, the feed rows and the
 * disclosure. The escalation id derives from the event id, so a replay raises nothing new. An escalation does not
 * wait for signal facts that have not arrived: the police gets the case again, complete, when they do. One of a
 * municipality the `politie` table does not serve reaches no liaison: it is recorded with the coordinator alerted at
 * once, and stays inside (not on the police topic, no disclosure).
 */
@Injectable()
export class EscalationRaiser {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly minimiser: CaseMinimiser,
    private readonly escalations: EscalationRepository,
    private readonly pending: PendingEscalationFactsStore,
  ) {}

  /**
   * Raises the escalation with the facts known. When the facts of some of the case's signals have not arrived
   * (`waitingFor`, already looked up under the signals' locks) and the police may see any field that comes from
   * signals, the case sheet parks until they do, and `supplement` then sends the case again, complete.
   */
  async raise(tx: SqlExecutor, sheet: CaseSheet, facts: readonly SignalFacts[], caused: EventEnvelope, trigger: EscalationTrigger, waitingFor: readonly string[] = []): Promise<boolean> {
    const escalationId = escalationIdFor(caused.id);
    const exists = await tx.query('SELECT 1 FROM liaison_escalations WHERE escalation_id = $1::uuid', [escalationId]);
    if (exists.rows.length > 0) return false;
    const now = this.clock();
    const police = referralDeliverability(this.config, POLICE_TABLE, sheet.municipality, sheet.modelId);
    // A municipality the politie table serves, without a profile for this case type: the police still gets the
    // escalation, with no case fields. (One it does not serve gets nothing: `raiseUnservedEscalation`.)
    const allowed = police.ok ? police.allowed : [];
    const minimised = await this.minimiser.minimise(tx, sheet, facts, escalationReason(trigger), allowed);
    const raising = { escalationId, municipality: sheet.municipality, caseType: sheet.modelId, trigger, now };
    const decided = policeServes(this.config, sheet.municipality)
      ? raiseEscalation({ ...raising, policy: policyFor(this.config, sheet.municipality), minimised: { fields: minimised.fields, data: minimised.data as Record<string, unknown> } })
      : raiseUnservedEscalation(raising);
    const raised = decided[0] as EscalationRaised;
    const state = foldEscalation(decided);
    if (state.status === 'none') return false;
    const summary = { caseType: sheet.modelId, trigger, fields: raised.fields, case: raised.case };
    const at = now.toISOString();
    await this.deliver(tx, sheet, caused, decided, minimised.specialCategory, 0, now, (param) =>
      `INSERT INTO liaison_escalations (escalation_id, case_id, municipality, case_type, trigger, policy_id, tiers, status, tier_index, attempt, ack_due_at, raised_at, updated_at, summary, version, alert_reason)
       VALUES (${param(escalationId)}::uuid, ${param(sheet.caseId)}, ${param(sheet.municipality)}, ${param(sheet.modelId)}, ${param(JSON.stringify(trigger))}::jsonb,
               ${param(raised.policyId)}, ${param(JSON.stringify(state.tiers))}::jsonb, ${param(state.status)}, ${param(state.tierIndex)}::int, ${param(state.attempt)}::int,
               ${param(state.ackDueAt)}::timestamptz, ${param(at)}::timestamptz, ${param(at)}::timestamptz, ${param(JSON.stringify(summary))}::jsonb, ${param(state.version)}::int, ${param(state.alertReason)})`,
    );
    if (waitingFor.length > 0 && allowed.some(comesFromSignals)) await this.pending.park(tx, { escalationId, sheet, caused }, waitingFor);
    return true;
  }

  /**
   * The facts an escalation was raised without have all arrived: `EscalationCaseSupplemented` carries the case
   * (as raised, now with its signals' facts) to the police, as a disclosure of its own, in the consumer's
   * transaction. The escalation row is locked first, so a liaison's step racing it is decided again after it.
   * False when there is nothing to send (the escalation is gone, or the police may no longer see this case).
   */
  async supplement(tx: SqlExecutor, pending: PendingEscalationFacts, facts: readonly SignalFacts[]): Promise<boolean> {
    const stored = await this.escalations.lockForUpdate(tx, pending.escalationId);
    if (!stored) return false;
    const police = referralDeliverability(this.config, POLICE_TABLE, pending.sheet.municipality, pending.sheet.modelId);
    if (!police.ok) return false;
    const now = this.clock();
    const minimised = await this.minimiser.minimise(tx, pending.sheet, facts, escalationReason(stored.trigger as unknown as EscalationTrigger), police.allowed);
    const caseSeen = { fields: minimised.fields, case: minimised.data as Record<string, unknown> };
    const decided = decideEscalationSupplement(stored.state, { fields: caseSeen.fields, data: caseSeen.case }, now);
    const next = decided.reduce(evolveEscalation, stored.state as EscalationState);
    if (next.status === 'none') return false;
    await this.deliver(tx, pending.sheet, pending.caused, decided, minimised.specialCategory, stored.state.version, now, updateEscalationRow(next, stored.state.version, now.toISOString(), caseSeen));
    return true;
  }

  /**
   * Appends escalation events whose first carries the case to the police (`EscalationRaised` or
   * `EscalationCaseSupplemented`), in ONE statement with the escalation row's write, the feed rows and that
   * delivery's disclosure, under the `politie` profile's legal basis. An escalation raised `undelivered` (no liaison
   * serves its municipality) is only recorded: nothing on the police topic, no disclosure.
   */
  private async deliver(
    tx: SqlExecutor,
    sheet: CaseSheet,
    caused: Pick<EventEnvelope, 'id' | 'correlationId' | 'traceparent'>,
    decided: EscalationEvent[],
    specialCategory: boolean,
    fromVersion: number,
    now: Date,
    writeRow: (param: (value: unknown) => string) => string,
  ): Promise<void> {
    const police = referralDeliverability(this.config, POLICE_TABLE, sheet.municipality, sheet.modelId);
    const legalBasis = police.ok ? police.table.profile.legalBasis : TABLES_PROCESSING.legalBasis;
    const processingActivity = police.ok ? police.table.profile.processingActivity : TABLES_PROCESSING.activity;
    const events = decided.map((event, i) => {
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
          specialCategory: i === 0 && specialCategory,
          at: now,
        }),
      };
    });
    const delivering = events[0]!;
    const escalationId = delivering.event.escalationId;
    const reachesPolice = !(delivering.event.type === 'EscalationRaised' && delivering.event.undelivered);
    const disclosure = insertDisclosure({
      subjectRef: escalationStreamId(escalationId),
      recipient: POLICE_TABLE,
      municipality: sheet.municipality,
      caseId: sheet.caseId,
      legalBasis,
      processingActivity,
      fields: (delivering.event as { fields: string[] }).fields,
      payloadSha256: payloadSha256(delivering.envelope.payload),
      eventId: delivering.envelope.id,
      disclosedAt: now.toISOString(),
    });
    await this.store.appendIn(tx, escalationStreamId(escalationId), fromVersion, events.map((e) => e.envelope), {
      ...(reachesPolice ? { topic: REFERRAL_TOPICS.liaisonEscalations } : {}),
      alsoInsert: [writeRow, insertFeedRows(events.map((e) => ({ id: e.envelope.id, event: e.event }))), ...(reachesPolice ? [disclosure] : [])],
    });
  }
}
