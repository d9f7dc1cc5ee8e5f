import { Inject, Injectable } from '@nestjs/common';
import type { CoordinatorAlertReason, EscalationStatisticsRow, TableReferralStatisticsRow } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE } from '#platform';

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** Reads the referral register and the police escalations (with their steps) for table statistics. */
@Injectable()
export class TableStatisticsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The municipality's referrals referred in [`from`, `to`): table, status, deadline and answer time only. */
  async referrals(municipality: string, from: Date | null, to: Date | null): Promise<TableReferralStatisticsRow[]> {
    const r = await this.db.query<{ table_id: string; status: TableReferralStatisticsRow['status']; accept_by: Date | string | null; decided_at: Date | string | null }>(
      `SELECT table_id, status, accept_by, decided_at
         FROM table_referrals
        WHERE municipality = $1
          AND ($2::timestamptz IS NULL OR referred_at >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR referred_at < $3::timestamptz)`,
      [municipality, from?.toISOString() ?? null, to?.toISOString() ?? null],
    );
    return r.rows.map((row) => ({ table: row.table_id, status: row.status, acceptBy: iso(row.accept_by), decidedAt: iso(row.decided_at) }));
  }

  /**
   * The municipality's escalations raised in [`from`, `to`), from the escalation row and its steps (the
   * feed): when the first notification ran out, the acknowledgement and its tier, and why the coordinator was
   * alerted: the row's `alert_reason`, null until then and kept by a late acknowledgement (which replaces the
   * row's status).
   */
  async escalations(municipality: string, from: Date | null, to: Date | null): Promise<EscalationStatisticsRow[]> {
    const r = await this.db.query<{ first_ack_due_at: string | null; acknowledged_at: Date | string | null; acknowledged_tier: string | null; alert_reason: CoordinatorAlertReason | null }>(
      `SELECT (SELECT f.data->>'ackDueAt' FROM liaison_feed f
                WHERE f.escalation_id = e.escalation_id AND f.type = 'EscalationTierNotified' ORDER BY f.seq LIMIT 1) AS first_ack_due_at,
              e.acknowledged_at,
              (SELECT f.data->>'tierId' FROM liaison_feed f
                WHERE f.escalation_id = e.escalation_id AND f.type = 'EscalationAcknowledged' ORDER BY f.seq LIMIT 1) AS acknowledged_tier,
              e.alert_reason
         FROM liaison_escalations e
        WHERE e.municipality = $1
          AND ($2::timestamptz IS NULL OR e.raised_at >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR e.raised_at < $3::timestamptz)`,
      [municipality, from?.toISOString() ?? null, to?.toISOString() ?? null],
    );
    return r.rows.map((row) => ({
      firstAckDueAt: iso(row.first_ack_due_at),
      acknowledgedAt: iso(row.acknowledged_at),
      acknowledgedTier: row.acknowledged_tier,
      alertReason: row.alert_reason,
    }));
  }
}
