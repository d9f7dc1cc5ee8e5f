import { COORDINATOR_ALERT_REASONS, type CoordinatorAlertReason } from '../tables/escalation.js';
import { acceptanceOutcome, type ReferralAnswer } from './acceptance-outcome.js';
import { reportCount, reportCounts, type ReportedCount } from './small-count.js';

/** One referral in a table's register as the table statistics need it: no case, no reason, no person. */
export interface TableReferralStatisticsRow extends ReferralAnswer {
  table: string;
}

/** One police escalation as the table statistics need it. */
export interface EscalationStatisticsRow {
  /** When the first tier's first notification ran out (null: no tiers, the coordinator was alerted at once). */
  firstAckDueAt: string | null;
  acknowledgedAt: string | null;
  /** The tier whose notification was acknowledged (null when there was none). */
  acknowledgedTier: string | null;
  /**
   * Why the coordinator was alerted (the escalation's `alertReason`, kept after a late acknowledgement): every tier
   * was notified without an acknowledgement, or the politie table did not, or no longer, serve the municipality.
   * Null when the coordinator was not alerted.
   */
  alertReason: CoordinatorAlertReason | null;
}

export interface TableReferralCounts<C> {
  total: C;
  open: C;
  accepted: C;
  returned: C;
  rejected: C;
  /** Accepted or returned before the acceptance deadline, at or after it, and still open past it. */
  answeredWithinDeadline: C;
  answeredAfterDeadline: C;
  openPastDeadline: C;
}

export interface EscalationCounts<C> {
  raised: C;
  /** Acknowledged by a liaison, at any time. */
  acknowledged: C;
  /** Acknowledged while a tier was being notified, per tier (tiers seen only). */
  acknowledgedByTier: { tier: string; acknowledged: C }[];
  /** Acknowledged only after the coordinator was alerted (whatever the reason). */
  acknowledgedAfterCoordinatorAlerted: C;
  /** Acknowledged before the first tier's first notification ran out. */
  acknowledgedWithinFirstTierTimeout: C;
  /** The coordinator was alerted, for any reason (acknowledged later or not). */
  coordinatorAlerted: C;
  /**
   * `coordinatorAlerted` split by why (the escalation's `alertReason`), every reason listed once in the order of
   * `COORDINATOR_ALERT_REASONS`, 0 included: every tier exhausted (`tiers-exhausted`), the politie table does not
   * serve the municipality (`municipality-not-served`), or no longer serves it (`municipality-no-longer-served`).
   */
  coordinatorAlertedByReason: { reason: CoordinatorAlertReason; coordinatorAlerted: C }[];
  /** Neither acknowledged nor with the coordinator: a tier is still being notified. */
  open: C;
}

/** Figures of the tables and police liaisons for a council report (DOMAIN.md §7), with `C` the type of a count. */
export interface TableStatistics<C> {
  referrals: TableReferralCounts<C> & { byTable: ({ table: string } & TableReferralCounts<C>)[] };
  escalations: EscalationCounts<C>;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function countReferrals(rows: readonly TableReferralStatisticsRow[], now: Date): TableReferralCounts<number> {
  const status = (s: ReferralAnswer['status']) => rows.filter((r) => r.status === s).length;
  const outcomes = rows.map((r) => acceptanceOutcome(r, now));
  const outcome = (o: string) => outcomes.filter((x) => x === o).length;
  return {
    total: rows.length,
    open: status('open'),
    accepted: status('accepted'),
    returned: status('returned'),
    rejected: status('rejected'),
    answeredWithinDeadline: outcome('withinDeadline'),
    answeredAfterDeadline: outcome('afterDeadline'),
    openPastDeadline: outcome('openPastDeadline'),
  };
}

function countEscalations(rows: readonly EscalationStatisticsRow[]): EscalationCounts<number> {
  const acknowledged = rows.filter((r) => r.acknowledgedAt !== null);
  const inTime = acknowledged.filter((r) => r.alertReason === null);
  return {
    raised: rows.length,
    acknowledged: acknowledged.length,
    acknowledgedByTier: sorted(inTime.flatMap((r) => (r.acknowledgedTier === null ? [] : [r.acknowledgedTier]))).map((tier) => ({
      tier,
      acknowledged: inTime.filter((r) => r.acknowledgedTier === tier).length,
    })),
    acknowledgedAfterCoordinatorAlerted: acknowledged.length - inTime.length,
    acknowledgedWithinFirstTierTimeout: acknowledged.filter((r) => r.firstAckDueAt !== null && Date.parse(r.acknowledgedAt!) < Date.parse(r.firstAckDueAt)).length,
    coordinatorAlerted: rows.filter((r) => r.alertReason !== null).length,
    coordinatorAlertedByReason: COORDINATOR_ALERT_REASONS.map((reason) => ({ reason, coordinatorAlerted: rows.filter((r) => r.alertReason === reason).length })),
    open: rows.filter((r) => r.acknowledgedAt === null && r.alertReason === null).length,
  };
}

/**
 * Referrals per table by status and by answer against the acceptance deadline (open ones judged at `now`),
 * and police escalations by how they ended, those that reached the coordinator also by why. Exact counts: `reportTableStatistics` is what a report shows.
 */
export function summarizeTableStatistics(referrals: readonly TableReferralStatisticsRow[], escalations: readonly EscalationStatisticsRow[], now: Date): TableStatistics<number> {
  return {
    referrals: {
      ...countReferrals(referrals, now),
      byTable: sorted(referrals.map((r) => r.table)).map((table) => ({ table, ...countReferrals(referrals.filter((r) => r.table === table), now) })),
    },
    escalations: countEscalations(escalations),
  };
}

/** The table figures as a report shows them: every count of 1 to 4 as `"<5"` (see `reportCount`); no percentages. */
export function reportTableStatistics(referrals: readonly TableReferralStatisticsRow[], escalations: readonly EscalationStatisticsRow[], now: Date): TableStatistics<ReportedCount> {
  const exact = summarizeTableStatistics(referrals, escalations, now);
  const { byTable, ...referralCounts } = exact.referrals;
  const e = exact.escalations;
  return {
    referrals: { ...reportCounts(referralCounts), byTable: byTable.map(({ table, ...c }) => ({ table, ...reportCounts(c) })) },
    escalations: {
      raised: reportCount(e.raised),
      acknowledged: reportCount(e.acknowledged),
      acknowledgedByTier: e.acknowledgedByTier.map((t) => ({ tier: t.tier, acknowledged: reportCount(t.acknowledged) })),
      acknowledgedAfterCoordinatorAlerted: reportCount(e.acknowledgedAfterCoordinatorAlerted),
      acknowledgedWithinFirstTierTimeout: reportCount(e.acknowledgedWithinFirstTierTimeout),
      coordinatorAlerted: reportCount(e.coordinatorAlerted),
      coordinatorAlertedByReason: e.coordinatorAlertedByReason.map((r) => ({ reason: r.reason, coordinatorAlerted: reportCount(r.coordinatorAlerted) })),
      open: reportCount(e.open),
    },
  };
}
