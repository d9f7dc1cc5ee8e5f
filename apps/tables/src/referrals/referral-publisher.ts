import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Actor, EventEnvelope } from '#contracts';
import {
  calendarFor,
  referralDeliverability,
  referralTimes,
  type CaseReferred,
  type CaseSheet,
  type SignalFacts,
  type TablesConfig,
} from '#domain';
import { EventStore, type SqlExecutor } from '#eventstore';
import { CLOCK, EVENT_STORE, LOGGER, type Clock } from '#platform';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { insertDisclosure } from '../disclosures/disclosure.sql.js';
import { referralStreamId } from '../shared/tables-streams.js';
import { CaseMinimiser } from '../shared/case-minimiser.js';
import { payloadSha256, tablesEvent } from '../shared/tables-event.js';
import { REFERRAL_PUBLISHED, type ReferralPublishedPayload } from './referral-events.js';
import { recordReferralRejection, referredAtOf } from './referral-rejection.js';

/**
 * Turns a `CaseReferred` into a delivered referral, inside the consumer's transaction: the minimised
 * payload under the table's sharing profile goes out as `ReferralPublished` on the table's topic (outbox),
 * in ONE statement with the table register row and the disclosure record. A referral that cannot be
 * delivered is recorded as `ReferralRejected` on `signaalroute.referrals.v1` (nothing shared), so the router
 * can hand it back to the case.
 */
@Injectable()
export class ReferralPublisher {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly minimiser: CaseMinimiser,
  ) {}

  /** Publishes once: a referral id that is already in the register changes nothing. Returns true when it appended. */
  async publish(tx: SqlExecutor, sheet: CaseSheet, facts: readonly SignalFacts[], caused: EventEnvelope): Promise<boolean> {
    const referred = caused.payload as unknown as CaseReferred;
    const exists = await tx.query('SELECT 1 FROM table_referrals WHERE referral_id = $1', [referred.referralId]);
    if (exists.rows.length > 0) return false;
    const now = this.clock();
    // As the register's replay reads it (`referredAtOf`): the case event's `at` when it is an ISO 8601 instant.
    const referredAt = new Date(referredAtOf(referred.at, caused.occurredAt));
    const actor: Actor = { id: referred.actor.id, role: referred.actor.role as Actor['role'] };
    const stream = referralStreamId(referred.referralId);
    const common = { correlationId: caused.correlationId, causationId: caused.id, traceparent: caused.traceparent, at: now };
    const delivery = referralDeliverability(this.config, referred.table, sheet.municipality, sheet.modelId);

    if (!delivery.ok) {
      const rejected = { referralId: referred.referralId, caseId: sheet.caseId, table: referred.table, municipality: sheet.municipality, caseType: sheet.modelId, referredAt: referredAt.toISOString(), rejection: delivery.reason, reason: delivery.message };
      await recordReferralRejection(this.store, tx, rejected, caused, now);
      this.logger.warn({ component: 'tables.referrals', referralId: referred.referralId, table: referred.table, rejection: delivery.reason }, 'referral rejected: not delivered');
      return true;
    }

    const { table, allowed } = delivery;
    // Working days are the case's municipality's: its closing days (configured) do not count. The moments are
    // stored with the referral as computed now; a calendar changed later does not move them.
    const times = referralTimes(table, referredAt, calendarFor(this.config, sheet.municipality));
    const minimised = await this.minimiser.minimise(tx, sheet, facts, referred.reason, allowed);
    const payload: ReferralPublishedPayload = {
      referralId: referred.referralId,
      table: table.id,
      municipality: sheet.municipality,
      caseType: sheet.modelId,
      referredAt: referredAt.toISOString(),
      acceptBy: times.acceptBy,
      fields: minimised.fields,
      case: minimised.data,
    };
    const event = tablesEvent(REFERRAL_PUBLISHED, payload, {
      ...common,
      municipality: sheet.municipality,
      actor,
      legalBasis: table.profile.legalBasis,
      processingActivity: table.profile.processingActivity,
      specialCategory: minimised.specialCategory,
    });
    await this.store.appendIn(tx, stream, 0, [event], {
      topic: table.topic,
      alsoInsert: [
        (param) =>
          `INSERT INTO table_referrals (referral_id, case_id, table_id, municipality, case_type, status, referred_at, published_at, accept_by, remind_at, reason, fields, payload, version)
           VALUES (${param(referred.referralId)}, ${param(sheet.caseId)}, ${param(table.id)}, ${param(sheet.municipality)}, ${param(sheet.modelId)}, 'open',
                   ${param(referredAt.toISOString())}::timestamptz, ${param(now.toISOString())}::timestamptz, ${param(times.acceptBy)}::timestamptz, ${param(times.remindAt)}::timestamptz,
                   NULL, ${param(minimised.fields)}::text[], ${param(JSON.stringify(payload))}::jsonb, 1)`,
        insertDisclosure({
          subjectRef: stream,
          recipient: table.id,
          municipality: sheet.municipality,
          caseId: sheet.caseId,
          legalBasis: table.profile.legalBasis,
          processingActivity: table.profile.processingActivity,
          fields: minimised.fields,
          payloadSha256: payloadSha256(payload),
          eventId: event.id,
          disclosedAt: now.toISOString(),
        }),
      ],
    });
    return true;
  }

  /**
   * Records that the referral `caused` asked for could not be built or published (`errorCode`, the failure a dead
   * letter holds): `ReferralRejected` with `not-deliverable`, so the router hands it back to the case and the
   * coordinator learns it never reached the table, instead of seeing it open for good. When it was referred is
   * read from the case event, or, where that does not hold a date, taken as when the case event occurred.
   */
  async rejectUndeliverable(tx: SqlExecutor, sheet: CaseSheet, caused: EventEnvelope, errorCode: string): Promise<void> {
    const referred = caused.payload as unknown as Partial<CaseReferred>;
    const rejected = {
      referralId: String(referred.referralId),
      caseId: sheet.caseId,
      table: String(referred.table),
      municipality: sheet.municipality,
      caseType: sheet.modelId,
      referredAt: referredAtOf(referred.at, caused.occurredAt),
      rejection: 'not-deliverable' as const,
      reason: `The referral could not be delivered (${errorCode}); it is kept in the dead letters for the operator. Nothing was shared.`,
    };
    await recordReferralRejection(this.store, tx, rejected, caused, this.clock());
  }
}
