import { REFERRAL_EVENT_TYPES, REFERRAL_TOPICS, type EventEnvelope, type ReferralRejectedPayload } from '#contracts';
import { parseIsoInstant, type ReferralRejection } from '#domain';
import type { EventStore, SqlExecutor } from '#eventstore';
import { referralStreamId, TABLES_PROCESSING, TABLES_SYSTEM_ACTOR } from '../shared/tables-streams.js';
import { tablesEvent } from '../shared/tables-event.js';

/**
 * When a case was referred, as the register records it: the `CaseReferred`'s `at`, or, where that holds no instant (a
 * referral that could not be delivered because of it), when the case event occurred. The live writer and a replay of
 * the register both read it here, so they agree.
 */
export function referredAtOf(at: unknown, occurredAt: string | Date): string {
  // Strictly an ISO 8601 instant: `Date.parse` would read "1" or "2026" as a date, and the replay reads `at` as text
  // (`payload->>'at'`), where the number 1 the live writer saw becomes the text "1".
  return (parseIsoInstant(at) ?? new Date(occurredAt)).toISOString();
}

/** A referral that never reached its table, and why. */
export interface RejectedReferral {
  referralId: string;
  caseId: string;
  table: string;
  municipality: string;
  /** The case's model (the register's case type). */
  caseType: string;
  /** When the coordinator referred the case. */
  referredAt: string;
  rejection: ReferralRejection;
  /** Why, in words for the coordinator: names no person. */
  reason: string;
}

/**
 * Records, in `tx`, that a referral was not delivered: `ReferralRejected` on `signaalroute.referrals.v1` (the router
 * hands the referral back to the case, so the coordinator sees it and may refer again) and a `rejected` register row.
 * Nothing was shared, so there is no disclosure. The referral's stream starts with it: a referral rejected once is
 * never published afterwards (the publisher finds its register row).
 */
export async function recordReferralRejection(store: EventStore, tx: SqlExecutor, rejected: RejectedReferral, caused: EventEnvelope, now: Date): Promise<void> {
  const payload: ReferralRejectedPayload = {
    referralId: rejected.referralId,
    caseId: rejected.caseId,
    table: rejected.table,
    municipality: rejected.municipality,
    rejection: rejected.rejection,
    reason: rejected.reason,
    at: now.toISOString(),
  };
  const event = tablesEvent(REFERRAL_EVENT_TYPES.rejected, payload, {
    correlationId: caused.correlationId,
    causationId: caused.id,
    traceparent: caused.traceparent,
    at: now,
    municipality: rejected.municipality,
    actor: TABLES_SYSTEM_ACTOR,
    legalBasis: TABLES_PROCESSING.legalBasis,
    processingActivity: TABLES_PROCESSING.activity,
  });
  await store.appendIn(tx, referralStreamId(rejected.referralId), 0, [event], {
    topic: REFERRAL_TOPICS.referrals,
    alsoInsert: [
      (param) =>
        `INSERT INTO table_referrals (referral_id, case_id, table_id, municipality, case_type, status, referred_at, published_at, rejection, reason, version)
         VALUES (${param(rejected.referralId)}, ${param(rejected.caseId)}, ${param(rejected.table)}, ${param(rejected.municipality)}, ${param(rejected.caseType)}, 'rejected',
                 ${param(rejected.referredAt)}::timestamptz, ${param(now.toISOString())}::timestamptz, ${param(rejected.rejection)}, ${param(rejected.reason)}, 1)`,
    ],
  });
}
