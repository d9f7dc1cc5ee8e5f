import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '#contracts';
import type { CaseSheet } from '#domain';
import type { SqlExecutor } from '#eventstore';
import { releaseArrived } from './facts-wait-list.sql.js';

/** An escalation raised before the facts of some of its case's signals were known: the case sheet as it was when raised. */
export interface PendingEscalationFacts {
  escalationId: string;
  sheet: CaseSheet;
  /** The case event that raised it: the completed case is delivered under the same causation, correlation and trace. */
  caused: Pick<EventEnvelope, 'id' | 'correlationId' | 'traceparent'>;
}

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * SQL of `tables_pending_escalation_facts`; every method runs in the caller's transaction, under the same
 * signal locks as the pending referrals (`PendingReferralStore.lockSignals`), so an escalation that parks and a
 * fact that arrives at the same moment cannot miss each other. Unlike a referral, the escalation itself does
 * not wait: only the complete case for the police does.
 */
@Injectable()
export class PendingEscalationFactsStore {
  /** Parks the escalation's case sheet until the facts of `waitingFor` are recorded; parking it again changes nothing. */
  async park(tx: SqlExecutor, pending: PendingEscalationFacts, waitingFor: readonly string[]): Promise<void> {
    const caused = { id: pending.caused.id, correlationId: pending.caused.correlationId, traceparent: pending.caused.traceparent };
    await tx.query(
      `INSERT INTO tables_pending_escalation_facts (escalation_id, case_id, sheet, caused, waiting_for) VALUES ($1::uuid, $2, $3::jsonb, $4::jsonb, $5::text[])
       ON CONFLICT (escalation_id) DO NOTHING`,
      [pending.escalationId, pending.sheet.caseId, JSON.stringify(pending.sheet), JSON.stringify(caused), [...new Set(waitingFor)]],
    );
  }

  /** Strikes the arrived signals off every waiting escalation, and takes out those that wait for nothing any more, oldest first. */
  async release(tx: SqlExecutor, arrived: readonly string[]): Promise<PendingEscalationFacts[]> {
    const rows = await releaseArrived<{ escalation_id: string; sheet: unknown; caused: unknown }>(tx, 'tables_pending_escalation_facts', 'escalation_id', arrived);
    return rows.map((row) => ({ escalationId: row.escalation_id, sheet: parse<CaseSheet>(row.sheet), caused: parse<PendingEscalationFacts['caused']>(row.caused) }));
  }
}
