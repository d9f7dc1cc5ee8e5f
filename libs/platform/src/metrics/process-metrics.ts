import cluster from 'node:cluster';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { clusterMetricsFromPrimary, shareWithPrimary } from './cluster-metrics.js';

/**
 * How often the event-loop delay is sampled (prom-client's `eventLoopMonitoringPrecision`). Node's lag figures
 * include this interval: an idle process reports about 0.05 s. The default, 10 ms, wakes an idle process 100
 * times a second.
 */
export const EVENT_LOOP_SAMPLING_MS = 50;

/**
 * The process's metrics for Prometheus (`GET /metrics`): its own registry (so several processes in one Node
 * runtime, as in tests, never share counters), Node's runtime metrics (CPU, memory, event-loop lag, GC), and
 * the instruments every app shares. Labels are bounded and never name a municipality, a person, a case or a
 * signal: route templates, topics and consumer groups only.
 */
export class ProcessMetrics {
  readonly registry = new Registry();

  /** Every HTTP answer, by method, route template (`/v1/cases/:id`; `unmatched` for unknown paths) and status. */
  readonly httpRequests = new Histogram({
    name: 'signaalroute_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, and how long they took',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Messages the broker (or the in-process transport) accepted, by topic. The outbox relay publishes through here. */
  readonly published = new Counter({
    name: 'signaalroute_messages_published_total',
    help: 'Messages accepted by the transport, by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly publishFailures = new Counter({
    name: 'signaalroute_message_publish_failures_total',
    help: 'Publish calls the transport refused, by topic (the outbox relay retries them)',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  /** Inbox rows deleted because their messages can no longer be delivered again (`INBOX_RETENTION_DAYS`). */
  readonly inboxPruned = new Counter({
    name: 'signaalroute_inbox_pruned_rows_total',
    help: 'Inbox rows deleted after INBOX_RETENTION_DAYS (their messages can no longer be redelivered)',
    registers: [this.registry],
  });

  /** Messages a consumer handled successfully, by consumer group and topic. */
  readonly consumed = new Counter({
    name: 'signaalroute_messages_consumed_total',
    help: 'Messages handled successfully, by consumer group and topic',
    labelNames: ['consumer', 'topic'] as const,
    registers: [this.registry],
  });

  /** Handler calls that threw (the message is delivered again), by consumer group and topic. */
  readonly consumeFailures = new Counter({
    name: 'signaalroute_message_consume_failures_total',
    help: 'Handler calls that failed and will be retried, by consumer group and topic',
    labelNames: ['consumer', 'topic'] as const,
    registers: [this.registry],
  });

  /** From publication to the end of the successful handler call: how far behind each consumer runs. */
  readonly consumerLag = new Histogram({
    name: 'signaalroute_consumer_lag_seconds',
    help: 'Time from publication of a message to its successful handling, by consumer group and topic',
    labelNames: ['consumer', 'topic'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS });
    if (cluster.isWorker) shareWithPrimary(this.registry);
  }

  /** The Prometheus text exposition of everything registered; in a worker, of every worker of the server. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const body = cluster.isWorker ? await clusterMetricsFromPrimary() : await this.registry.metrics();
    return { contentType: this.registry.contentType, body };
  }
}
