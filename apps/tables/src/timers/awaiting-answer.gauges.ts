import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Database } from '#eventstore';
import { DATABASE, METRICS, type ProcessMetrics } from '#platform';

/**
 * What waits for an answer, read when Prometheus scrapes: police escalations not yet acknowledged and
 * referrals a table has not yet accepted or returned, each split by whether its deadline has passed
 * (`overdue="true"`). Totals over every municipality this deployment serves: no municipality, table member,
 * liaison or case in any label.
 */
@Injectable()
export class AwaitingAnswerGauges {
  constructor(@Inject(METRICS) metrics: ProcessMetrics, @Inject(DATABASE) db: Database) {
    const registers = [metrics.registry];
    /** Sets both series from one count; NaN (unknown) when the read fails. */
    const byOverdue = async (gauge: Gauge<'overdue'>, sql: string): Promise<void> => {
      let waiting = Number.NaN;
      let overdue = Number.NaN;
      try {
        const r = await db.query<{ overdue: string; waiting: string }>(sql);
        waiting = Number(r.rows[0]!.waiting);
        overdue = Number(r.rows[0]!.overdue);
      } catch {
        // left unknown
      }
      gauge.set({ overdue: 'true' }, overdue);
      gauge.set({ overdue: 'false' }, waiting - overdue);
    };
    new Gauge({
      name: 'signaalroute_liaison_escalations_awaiting_ack',
      help: 'Police escalations not yet acknowledged, by whether the current tier\'s acknowledgement deadline has passed',
      labelNames: ['overdue'] as const,
      registers,
      async collect() {
        await byOverdue(this, "SELECT count(*)::text AS waiting, count(*) FILTER (WHERE ack_due_at <= now())::text AS overdue FROM liaison_escalations WHERE status = 'open'");
      },
    });
    new Gauge({
      name: 'signaalroute_referrals_awaiting_answer',
      help: 'Referrals a table has not yet accepted or returned, by whether the acceptance deadline has passed',
      labelNames: ['overdue'] as const,
      registers,
      async collect() {
        await byOverdue(this, "SELECT count(*)::text AS waiting, count(*) FILTER (WHERE accept_by <= now())::text AS overdue FROM table_referrals WHERE status = 'open'");
      },
    });
  }
}
