import { Gauge } from 'prom-client';
import type { ProcessMetrics } from './process-metrics.js';

/** A gauge whose value a query reads from the shared database when Prometheus scrapes. */
export interface DatabaseGaugeSpec {
  name: string;
  help: string;
  /** Reads the current value; a failure reports NaN (unknown) instead of failing the scrape or claiming 0. */
  read: () => Promise<number>;
}

/**
 * How long a scrape waits for a gauge's query. A database that stalls must not stall `/metrics` too: the
 * scrape then reports NaN for these gauges and everything else (the queues in front of the database, HTTP,
 * consumers) as usual — which is when operators need it most.
 */
export const DATABASE_GAUGE_TIMEOUT_MS = 1000;

/** `work`, or a rejection once `DATABASE_GAUGE_TIMEOUT_MS` have passed. */
export function withinDatabaseGaugeTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database gauge read timed out')), DATABASE_GAUGE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers a gauge read from the database at scrape time (NaN when the read fails or takes longer than
 * `DATABASE_GAUGE_TIMEOUT_MS`). Every worker of a server reads the same value, so
 * the workers' aggregated scrape takes it once (`aggregator: 'first'`) instead of summing it.
 */
export function registerDatabaseGauge(metrics: ProcessMetrics, spec: DatabaseGaugeSpec): void {
  new Gauge({
    name: spec.name,
    help: spec.help,
    registers: [metrics.registry],
    aggregator: 'first',
    async collect() {
      try {
        this.set(await withinDatabaseGaugeTimeout(spec.read()));
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}

/** `SELECT count(*)` text as a number. */
export const countOf = (rows: { n: string }[]): number => Number(rows[0]!.n);
