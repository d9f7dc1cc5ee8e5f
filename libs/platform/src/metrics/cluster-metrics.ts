import { randomUUID } from 'node:crypto';
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'signaalroute:cluster-metrics-request';
const ANSWER = 'signaalroute:cluster-metrics-answer';
const ANSWER_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}

interface MetricsAnswer {
  type: typeof ANSWER;
  id: string;
  body?: string;
  error?: string;
}

/**
 * In the primary of a server with workers (`WORKERS` > 1): answers a worker's request for the metrics of all
 * workers together (prom-client's cluster aggregation: counters and histograms summed, gauges read from the
 * shared database taken once). A scrape reaches one worker at random; this way it sees the whole server.
 */
export function answerClusterMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (body) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, body } satisfies MetricsAnswer),
      (error: unknown) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies MetricsAnswer),
    );
  });
}

/** In a worker: lets the primary collect `registry` (prom-client answers its requests). */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's listener for the primary's collection requests
}

/** In a worker: the metrics of every worker, aggregated by the primary. */
export function clusterMetricsFromPrimary(): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the primary did not answer with the workers\' metrics in time')), ANSWER_TIMEOUT_MS);
    const listener = (message: MetricsAnswer) => {
      if (message?.type !== ANSWER || message.id !== id) return;
      finish(message.error === undefined ? null : new Error(`collecting the workers' metrics failed: ${message.error}`), message.body ?? '');
    };
    const finish = (error: Error | null, body = '') => {
      clearTimeout(timer);
      process.off('message', listener);
      if (error) reject(error);
      else resolve(body);
    };
    process.on('message', listener);
    process.send!({ type: REQUEST, id } satisfies MetricsRequest);
  });
}
