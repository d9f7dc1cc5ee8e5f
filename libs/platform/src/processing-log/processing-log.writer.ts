import type { OnApplicationShutdown } from '@nestjs/common';
import type { SqlExecutor } from '#eventstore';

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

const COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'operation', 'processing_activity', 'purpose', 'legal_basis', 'data_subject_type', 'data_subject_ref',
  'actor_id', 'actor_role', 'method', 'route', 'status_code', 'outcome', 'started_at', 'ended_at',
  'break_glass_id', 'break_glass_reason', 'break_glass_municipality',
] as const;

const valuesOf = (l: ProcessingLogLine): unknown[] => [
  l.traceId, l.spanId, l.parentSpanId, l.operation, l.processingActivity, l.purpose, l.legalBasis, l.dataSubjectType, l.dataSubjectRef,
  l.actorId, l.actorRole, l.method, l.route, l.statusCode, l.outcome, l.startedAt, l.endedAt,
  l.breakGlass?.id ?? null, l.breakGlass?.reason ?? null, l.breakGlass?.municipality ?? null,
];

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

  /** The INSERT of `lines`, binding through `param`, for a writer that logs inside its own statement. */
  insertSql(lines: ProcessingLogLine[], param: (value: unknown) => string): string {
    return `INSERT INTO processing_log (${COLUMNS.join(', ')}) VALUES ${lines.map((line) => `(${valuesOf(line).map(param).join(', ')})`).join(', ')}`;
  }

  private async insert(lines: ProcessingLogLine[]): Promise<void> {
    // A statement binds at most 65,535 values: one request may touch more subjects than one INSERT holds.
    for (let start = 0; start < lines.length; start += ProcessingLogWriter.MAX_LINES) {
      const params: unknown[] = [];
      const rows = lines.slice(start, start + ProcessingLogWriter.MAX_LINES).map((line) => `(${valuesOf(line).map((v) => `$${params.push(v)}`).join(', ')})`);
      await this.db.query(`INSERT INTO processing_log (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, params);
    }
  }
}
