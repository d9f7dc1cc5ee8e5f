import { Gauge } from 'prom-client';
import type { OutboxRelay, SqlExecutor } from '#eventstore';
import { countOf, registerDatabaseGauge } from './database-gauge.js';
import type { ProcessMetrics } from './process-metrics.js';

/**
 * Gauges read from the event store's tables when Prometheus scrapes: the outbox backlog and the age of its
 * oldest row (the relay's delay), and the dead letters a person has to look at. Each scrape costs three
 * index-backed queries; a failed query reports NaN for its gauge instead of failing the scrape (or
 * claiming an empty outbox).
 */
export function registerOutboxGauges(metrics: ProcessMetrics, db: SqlExecutor): void {
  registerDatabaseGauge(metrics, {
    name: 'signaalroute_outbox_pending_messages',
    help: 'Outbox rows not yet published to the transport (all processes on this database)',
    read: async () => countOf((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox')).rows),
  });
  registerDatabaseGauge(metrics, {
    name: 'signaalroute_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when the outbox is empty)',
    read: async () => {
      const r = await db.query<{ age: string | null }>('SELECT extract(epoch FROM now() - (SELECT created_at FROM outbox ORDER BY id LIMIT 1))::text AS age');
      return Math.max(0, Number(r.rows[0]!.age ?? 0));
    },
  });
  registerDatabaseGauge(metrics, {
    name: 'signaalroute_dead_letters',
    help: 'Messages in the dead_letters table (publication or consumption failed for good; see the README)',
    read: async () => countOf((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM dead_letters')).rows),
  });
}

/**
 * 1 while this process's outbox relay is the one that publishes for its database, else 0. Summed over the
 * processes of a database it is 1; 0 for longer than a few seconds means nothing is published (see also
 * `signaalroute_outbox_oldest_pending_seconds`).
 */
export function registerRelayLeadingGauge(metrics: ProcessMetrics, relay: Pick<OutboxRelay, 'leading'>): void {
  new Gauge({
    name: 'signaalroute_outbox_relay_leading',
    help: "1 while this process's outbox relay publishes for its database (one relay per database leads), else 0",
    registers: [metrics.registry],
    collect() {
      this.set(relay.leading ? 1 : 0);
    },
  });
}
