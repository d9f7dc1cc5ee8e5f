import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '#contracts';
import type { CaseSheet } from '#domain';
import type { SqlExecutor } from '#eventstore';
import { releaseArrived } from './facts-wait-list.sql.js';

/** A referral that waits for signal facts: the case sheet as it was when it was referred, and the `CaseReferred`. */
export interface PendingReferral {
  sheet: CaseSheet;
  event: EventEnvelope;
}

/** First key of the advisory locks on signal ids (the two-key lock space; the relay and checkpointer use one-key locks). */
const SIGNAL_LOCK_CLASS = 0x7461626c; // 'tabl'

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * SQL of `tables_pending_referrals`; every method runs in the caller's transaction.
 *
 * A referral parks when some of its signal facts are missing, and the transaction that records the last
 * missing fact releases it. Both sides first take `lockSignals` on the signal ids concerned, so a referral
 * that parks and a fact that arrives at the same moment cannot miss each other: whichever commits second
 * sees the other. Several facts of one referral arriving in parallel meet on the pending row's lock: each
 * strikes its signals off `waiting_for`, and the one that empties it gets the referral.
 */
@Injectable()
export class PendingReferralStore {
  /** Transaction-scoped locks on the signal ids, taken in one sorted pass (no deadlock between two takers). */
  async lockSignals(tx: SqlExecutor, signalIds: readonly string[]): Promise<void> {
    if (signalIds.length === 0) return;
    await tx.query(
      `SELECT pg_advisory_xact_lock($1, k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($2::text[]) AS id ORDER BY k) AS keys`,
      [SIGNAL_LOCK_CLASS, [...signalIds]],
    );
  }

  /** Parks a referral until the facts of `waitingFor` are recorded; parking it again changes nothing. */
  async park(tx: SqlExecutor, referralId: string, pending: PendingReferral, waitingFor: readonly string[]): Promise<void> {
    await tx.query(
      `INSERT INTO tables_pending_referrals (referral_id, case_id, sheet, event, waiting_for) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::text[])
       ON CONFLICT (referral_id) DO NOTHING`,
      [referralId, pending.sheet.caseId, JSON.stringify(pending.sheet), JSON.stringify(pending.event), [...new Set(waitingFor)]],
    );
  }

  /**
   * Strikes the signals whose facts were just recorded off every pending referral's waiting list, and
   * takes out (deletes and returns) the referrals that wait for nothing any more, oldest first.
   */
  async release(tx: SqlExecutor, arrived: readonly string[]): Promise<PendingReferral[]> {
    const rows = await releaseArrived<{ sheet: unknown; event: unknown }>(tx, 'tables_pending_referrals', 'referral_id', arrived);
    return rows.map((row) => ({ sheet: parse<CaseSheet>(row.sheet), event: parse<EventEnvelope>(row.event) }));
  }
}
