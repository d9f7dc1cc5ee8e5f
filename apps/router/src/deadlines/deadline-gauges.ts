import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Database } from '#eventstore';
import { DATABASE, METRICS, sample, type ProcessMetrics } from '#platform';

/**
 * `signaalroute_case_deadlines_due`: cases whose next deadline has passed but whose reminder or breach is not
 * recorded yet. The scheduler clears it every `DEADLINE_POLL_INTERVAL_MS`; a number that stays up means the
 * scheduler is not running (the count is read from `case_view` when Prometheus scrapes).
 */
@Injectable()
export class DeadlineGauges {
  constructor(@Inject(METRICS) metrics: ProcessMetrics, @Inject(DATABASE) db: Database) {
    new Gauge({
      name: 'signaalroute_case_deadlines_due',
      help: 'Cases whose next deadline has passed and is not yet recorded as approaching or breached',
      registers: [metrics.registry],
      aggregator: 'first', // the same database value in every worker: once, not summed
      async collect() {
        await sample(this, () => db.query<{ n: string }>('SELECT count(*)::text AS n FROM case_view WHERE next_deadline_at <= now()').then((r) => Number(r.rows[0]!.n)));
      },
    });
  }
}
