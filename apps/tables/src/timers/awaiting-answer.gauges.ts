import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Database } from '#eventstore';
import { DATABASE, METRICS, readForScrape, type ProcessMetrics } from '#platform';

/**
 * What waits for an answer, read when Prometheus scrapes: police escalations not yet acknowledged and
 * referrals a table has not yet accepted or returned, each split by whether its deadline has passed
 * (`overdue="true"`). Totals over every municipality this deployment serves: no municipality, table member,
 * liaison or case in any label.
 */
@Injectable()
export class AwaitingAnswerGauges {
  constructor(@Inject(METRICS) metrics: ProcessMetrics, @Inject(DATABASE) db: Database) {
    /** A gauge with an `overdue="true"` and an `overdue="false"` series from one count; NaN when the read fails or times out. */
    const awaiting = (name: string, help: string, table: string, deadline: string) =>
      new Gauge({
        name,
        help,
        labelNames: ['overdue'] as const,
        registers: [metrics.registry],
        aggregator: 'first', // the same database value in every worker: once, not summed (as registerDatabaseGauge)
        async collect() {
          const r = await readForScrape(() =>
            db.query<{ overdue: string; waiting: string }>(`SELECT count(*)::text AS waiting, count(*) FILTER (WHERE ${deadline} <= now())::text AS overdue FROM ${table} WHERE status = 'open'`),
          );
          const waiting = r ? Number(r.rows[0]!.waiting) : Number.NaN;
          const overdue = r ? Number(r.rows[0]!.overdue) : Number.NaN;
          this.set({ overdue: 'true' }, overdue);
          this.set({ overdue: 'false' }, waiting - overdue);
        },
      });
    awaiting('signaalroute_liaison_escalations_awaiting_ack', "Police escalations not yet acknowledged, by whether the current tier's acknowledgement deadline has passed", 'liaison_escalations', 'ack_due_at');
    awaiting('signaalroute_referrals_awaiting_answer', 'Referrals a table has not yet accepted or returned, by whether the acceptance deadline has passed', 'table_referrals', 'accept_by');
  }
}
