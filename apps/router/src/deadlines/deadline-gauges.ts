import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '#eventstore';
import { countOf, DATABASE, METRICS, registerDatabaseGauge, type ProcessMetrics } from '#platform';

/**
 * `signaalroute_case_deadlines_due`: cases whose next deadline has passed but whose reminder or breach is not
 * recorded yet. The scheduler clears it every `DEADLINE_POLL_INTERVAL_MS`; a number that stays up means the
 * scheduler is not running (the count is read from `case_view` when Prometheus scrapes).
 */
@Injectable()
export class DeadlineGauges {
  constructor(@Inject(METRICS) metrics: ProcessMetrics, @Inject(DATABASE) db: Database) {
    registerDatabaseGauge(metrics, {
      name: 'signaalroute_case_deadlines_due',
      help: 'Cases whose next deadline has passed and is not yet recorded as approaching or breached',
      read: async () => countOf((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM case_view WHERE next_deadline_at <= now()')).rows),
    });
  }
}
