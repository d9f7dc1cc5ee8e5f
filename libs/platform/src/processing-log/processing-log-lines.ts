import { callerTrace } from '../http/trace-context.js';
import type { ProcessingLogLine } from './processing-log.writer.js';
import type { SubjectPseudonymizer } from './subject-pseudonymizer.js';

/** What is recorded of a processing action: the `@ProcessesPersonalData` of a route, or a consumer's equivalent. */
export interface ProcessingOf {
  activity: string;
  purpose: string;
  legalBasis?: string | null;
  subjectType: string;
}

/** The caller's span id in a valid W3C `traceparent` header (see `callerTrace`), or null. */
export function parentSpanOf(header: string | string[] | undefined | null): string | null {
  return typeof header === 'string' ? (callerTrace(header)?.parentSpanId ?? null) : null;
}

/**
 * The processing-log lines of one action, after the Logboek Dataverwerkingen: one per data subject (pseudonymised),
 * or one without a subject when none is known. An HTTP request gives its method and route (`GET /v1/signals/:id`);
 * a consumed message `CONSUME` and its topic, with the status the HTTP route would have answered.
 */
export function processingLogLines(args: {
  processing: ProcessingOf;
  trace: { traceId: string; spanId: string };
  /** The caller's `traceparent` header. */
  traceparent: string | string[] | undefined | null;
  actor: { id: string; role: string };
  method: string;
  route: string;
  status: number;
  startedAt: string;
  endedAt: string;
  breakGlass?: ProcessingLogLine['breakGlass'];
  subjectIds: readonly string[];
  pseudonymizer: SubjectPseudonymizer;
}): ProcessingLogLine[] {
  const base: Omit<ProcessingLogLine, 'dataSubjectRef'> = {
    traceId: args.trace.traceId,
    spanId: args.trace.spanId,
    parentSpanId: parentSpanOf(args.traceparent),
    operation: `${args.method} ${args.route}`,
    processingActivity: args.processing.activity,
    purpose: args.processing.purpose,
    legalBasis: args.processing.legalBasis ?? null,
    dataSubjectType: args.processing.subjectType,
    actorId: args.actor.id,
    actorRole: args.actor.role,
    method: args.method,
    route: args.route,
    statusCode: args.status,
    outcome: args.status < 400 ? 'ok' : 'error',
    startedAt: args.startedAt,
    endedAt: args.endedAt,
    breakGlass: args.breakGlass ?? null,
  };
  return args.subjectIds.length === 0 ? [{ ...base, dataSubjectRef: null }] : args.subjectIds.map((id) => ({ ...base, dataSubjectRef: args.pseudonymizer.ref(id) }));
}
