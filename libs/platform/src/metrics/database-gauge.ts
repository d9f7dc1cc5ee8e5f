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

/** What `read` returns, or undefined (unknown) when it fails or takes longer than `DATABASE_GAUGE_TIMEOUT_MS`. */
export async function readForScrape<T>(read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DATABASE_GAUGE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read(), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
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
      this.set((await readForScrape(spec.read)) ?? Number.NaN);
    },
  });
}

/** `SELECT count(*)` text as a number. */
export const countOf = (rows: { n: string }[]): number => Number(rows[0]!.n);
