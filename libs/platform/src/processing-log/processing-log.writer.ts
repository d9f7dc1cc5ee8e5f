import type { OnApplicationShutdown } from '@nestjs/common';
import { insertRowsSql, rowTable, type SqlExecutor, type TableRow } from '#eventstore';

/** One line of the processing log: one processing action on one data subject. */
export interface ProcessingLogLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** What was done, e.g. `GET /v1/signals/:id`. */
  operation: string;
  processingActivity: string;
  purpose: string;
  legalBasis: string | null;
  dataSubjectType: string;
  /** Pseudonymised subject id (HMAC); null when the action touched no identifiable subject. */
  dataSubjectRef: string | null;
  actorId: string;
  actorRole: string;
  method: string;
  route: string;
  statusCode: number;
  outcome: 'ok' | 'error';
  startedAt: string;
  endedAt: string;
  /** Set when the request broke the glass: the access id, the stated reason and the municipality entered. */
  breakGlass: { id: string; reason: string; municipality: string } | null;
}

const PROCESSING_LOG_TABLE = rowTable('processing_log', {
  trace_id: 'text', span_id: 'text', parent_span_id: 'text', operation: 'text', processing_activity: 'text', purpose: 'text', legal_basis: 'text',
  data_subject_type: 'text', data_subject_ref: 'text', actor_id: 'text', actor_role: 'text', method: 'text', route: 'text', status_code: 'smallint',
  outcome: 'text', started_at: 'timestamptz', ended_at: 'timestamptz', break_glass_id: 'uuid', break_glass_reason: 'text', break_glass_municipality: 'text',
});

/** A line as a `processing_log` row, for an append's `rows` or the writer's own INSERT. */
export function processingLogRow(l: ProcessingLogLine): TableRow {
  return {
    table: PROCESSING_LOG_TABLE,
    values: {
      trace_id: l.traceId, span_id: l.spanId, parent_span_id: l.parentSpanId, operation: l.operation, processing_activity: l.processingActivity, purpose: l.purpose,
      legal_basis: l.legalBasis, data_subject_type: l.dataSubjectType, data_subject_ref: l.dataSubjectRef, actor_id: l.actorId, actor_role: l.actorRole,
      method: l.method, route: l.route, status_code: l.statusCode, outcome: l.outcome, started_at: l.startedAt, ended_at: l.endedAt,
      break_glass_id: l.breakGlass?.id ?? null, break_glass_reason: l.breakGlass?.reason ?? null, break_glass_municipality: l.breakGlass?.municipality ?? null,
    },
  };
}

interface Pending {
  lines: ProcessingLogLine[];
  done: (error?: unknown) => void;
}

/**
 * Writes processing-log lines with group commit: while one INSERT is running, lines of other requests
 * queue up and go in the next one, so load makes batches bigger instead of adding round trips. `write`
 * resolves once its lines are committed — a request is answered only after its lines are durable — and
 * rejects when they could not be written. On shutdown the queue is drained.
 */
export class ProcessingLogWriter implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private static readonly MAX_LINES = 500;

  constructor(private readonly db: SqlExecutor) {}

  write(lines: ProcessingLogLine[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ lines, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.running ??= this.drain();
    });
  }

  /** Waits until every queued line is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.lines.length <= ProcessingLogWriter.MAX_LINES)) {
          const next = this.queue.shift()!;
          batch.push(next);
          size += next.lines.length;
        }
        try {
          await this.insert(batch.flatMap((p) => p.lines));
          for (const p of batch) p.done();
        } catch (error) {
          for (const p of batch) p.done(error ?? new Error('processing log write failed'));
        }
      }
    } finally {
      this.running = null;
    }
  }

  /** One INSERT of `lines` (one array per column, so a big batch is not a bigger statement to plan). */
  private async insert(lines: ProcessingLogLine[]): Promise<void> {
    const params: unknown[] = [];
    await this.db.query(insertRowsSql(PROCESSING_LOG_TABLE, lines.map(processingLogRow), (v) => `$${params.push(v)}`), params);
  }
}
