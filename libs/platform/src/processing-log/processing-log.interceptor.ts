import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { Logger } from 'pino';
import { from, mergeMap, catchError, throwError, type Observable } from 'rxjs';
import type { TableRow } from '#eventstore';
import type { Principal } from '#security';
import { ServiceOverloadedError } from '../admission/service-overloaded.error.js';
import { CLOCK, type Clock } from '../clock.js';
import { ProblemDetailsFilter } from '../http/problem-details.filter.js';
import { LOGGER } from '../platform.tokens.js';
import { processingOf, type ProcessesPersonalDataOptions, type ProcessingRequest } from './processes-personal-data.decorator.js';
import { PROCESSING_LOG_WRITER, SUBJECT_PSEUDONYMIZER } from './processing-log.tokens.js';
import { distinctSubjects, processingLogLines, touchedSubjects, type ProcessedSubject } from './processing-log-lines.js';
import { processingLogRow, type ProcessingLogLine, type ProcessingLogWriter } from './processing-log.writer.js';
import type { SubjectPseudonymizer } from './subject-pseudonymizer.js';


type TracedRequest = ProcessingRequest & { traceId?: string; spanId?: string; principal?: Pick<Principal, 'subject' | 'role' | 'breakGlass'>; processingLog?: InStatementProcessingLog };

/**
 * Offered to a handler that writes its data in one SQL statement: it adds `rows(subjectIds)` (the log
 * lines of a successful call) to that statement and sets `written` once the statement committed. The
 * interceptor then writes nothing more; if the statement failed, it logs the call as usual.
 */
export interface InStatementProcessingLog {
  rows(subjects: readonly ProcessedSubject[]): TableRow[];
  written: boolean;
}

/** The log could not be written: the answer is withheld (HTTP 503, `Retry-After`), since no read may go unrecorded. */
export class ProcessingLogUnavailableError extends Error {
  readonly code = 'PROCESSING_LOG.UNAVAILABLE';
  readonly httpStatus = 503;
  readonly retryAfterSeconds = 5;
  constructor() {
    super('The processing log cannot be written right now; try again');
  }
}

/**
 * Writes the processing log for every route marked `@ProcessesPersonalData`: one line per data subject the
 * call touched (one line without a subject when it touched none), for successful and failed calls alike,
 * with the request's W3C trace context and, when the request broke the glass, its access id, reason and the
 * municipality entered. The response waits until its lines are committed; if they cannot
 * be written, a successful answer is replaced by 503 `PROCESSING_LOG.UNAVAILABLE`.
 */
@Injectable()
export class ProcessingLogInterceptor implements NestInterceptor {
  private readonly problems: ProblemDetailsFilter;

  constructor(
    @Inject(PROCESSING_LOG_WRITER) private readonly writer: ProcessingLogWriter,
    @Inject(SUBJECT_PSEUDONYMIZER) private readonly pseudonymizer: SubjectPseudonymizer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.problems = new ProblemDetailsFilter(logger);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const spec = processingOf(context.getHandler(), context.getClass());
    if (!spec) return next.handle();
    const request = context.switchToHttp().getRequest<TracedRequest>();
    const startedAt = this.clock().toISOString();
    const successStatus = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? (request.method === 'POST' ? 201 : 200);
    const inStatement: InStatementProcessingLog = {
      rows: (subjectIds) => this.lines(spec, request, subjectIds, successStatus, startedAt).map(processingLogRow),
      written: false,
    };
    request.processingLog = inStatement;
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          (inStatement.written ? Promise.resolve() : this.record(spec, request, body, successStatus, startedAt)).then(
            () => body,
            (error: unknown) => {
              this.logger.error({ component: 'processing-log', err: error, traceId: request.traceId }, 'processing log write failed; answer withheld');
              throw new ProcessingLogUnavailableError();
            },
          ),
        ),
      ),
      catchError((error: unknown) =>
        // Refused before anything was read or stored: nothing was processed, so there is nothing to log
        // (and waiting for the log's own statement would hold the quick refusal up behind the same queue).
        error instanceof ServiceOverloadedError
          ? throwError(() => error)
          : from(
          this.record(spec, request, undefined, this.problems.toProblem(error).status, startedAt).then(
            () => {
              throw error;
            },
            (logError: unknown) => {
              this.logger.error({ component: 'processing-log', err: logError, traceId: request.traceId }, 'processing log write failed for a failed call');
              throw error;
            },
          ),
        ),
      ),
    );
  }

  private async record(spec: ProcessesPersonalDataOptions, request: TracedRequest, body: unknown, status: number, startedAt: string): Promise<void> {
    let ids: ProcessedSubject[];
    try {
      ids = distinctSubjects([...spec.subjects(request, body), ...touchedSubjects(request)]);
    } catch {
      ids = [];
    }
    await this.writer.write(this.lines(spec, request, ids, status, startedAt));
  }

  /** One line per data subject (or one without a subject), after the Logboek Dataverwerkingen. */
  private lines(spec: ProcessesPersonalDataOptions, request: TracedRequest, ids: readonly ProcessedSubject[], status: number, startedAt: string): ProcessingLogLine[] {
    return processingLogLines({
      processing: spec,
      trace: { traceId: request.traceId ?? '0'.repeat(32), spanId: request.spanId ?? '0'.repeat(16) },
      traceparent: request.headers.traceparent,
      actor: { id: request.principal?.subject ?? 'anonymous', role: request.principal?.role ?? 'none' },
      method: request.method,
      route: request.routeOptions?.url ?? request.url.split('?')[0]!,
      status,
      startedAt,
      endedAt: this.clock().toISOString(),
      breakGlass: request.principal?.breakGlass ?? null,
      subjectIds: ids,
      pseudonymizer: this.pseudonymizer,
    });
  }
}
