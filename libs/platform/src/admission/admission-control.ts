import { Counter, Gauge } from 'prom-client';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { queueRefusal, type QueueLimits } from './queue-admission.rule.js';
import { ServiceOverloadedError } from './service-overloaded.error.js';

/** What a queue shows the gate: how many wait, and since when (`performance.now()`) the oldest has waited. */
export interface GatedQueue {
  waiting(): number;
  oldestSince(): number | undefined;
}

/** One queue's gate: `admit()` throws `ServiceOverloadedError` when the queue refuses a new item. */
export interface AdmissionGate {
  admit(): void;
}

/**
 * Admission for the queues in front of the database (the intake's and the router's group commits, the
 * router's batched case reads): each refuses new work with `SERVICE.OVERLOADED` under the process's limits
 * (`DATABASE_QUEUE_MAX_LENGTH`, `DATABASE_QUEUE_MAX_WAIT_MS`). Refusals are counted and the queues' lengths
 * shown, by queue name, on `/metrics`.
 */
export class AdmissionControl {
  private readonly queues = new Map<string, GatedQueue>();
  private readonly refused: Counter<'queue' | 'reason'>;

  constructor(
    readonly limits: QueueLimits,
    metrics: ProcessMetrics,
  ) {
    this.refused = new Counter({
      name: 'signaalroute_requests_refused_total',
      help: 'Requests refused with 503 SERVICE.OVERLOADED before anything was stored, by database queue and reason (length or wait)',
      labelNames: ['queue', 'reason'] as const,
      registers: [metrics.registry],
    });
    const queues = this.queues;
    new Gauge({
      name: 'signaalroute_database_queue_waiting',
      help: 'Items waiting in a queue in front of the database (a statement in flight not counted), by queue',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      collect() {
        for (const [name, queue] of queues) this.set({ queue: name }, queue.waiting());
      },
    });
  }

  gate(name: string, queue: GatedQueue): AdmissionGate {
    if (this.queues.has(name)) throw new Error(`admission: queue ${name} is gated twice`);
    this.queues.set(name, queue);
    return {
      admit: () => {
        const since = queue.oldestSince();
        const reason = queueRefusal({ waiting: queue.waiting(), oldestWaitMs: since === undefined ? 0 : performance.now() - since }, this.limits);
        if (reason) {
          this.refused.inc({ queue: name, reason });
          throw new ServiceOverloadedError(reason);
        }
      },
    };
  }
}
