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
 * Registers a gauge read from the database at scrape time. Every worker of a server reads the same value, so
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
        this.set(await spec.read());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}

/** `SELECT count(*)` text as a number. */
export const countOf = (rows: { n: string }[]): number => Number(rows[0]!.n);
