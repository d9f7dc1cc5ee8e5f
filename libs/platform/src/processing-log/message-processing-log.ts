import type { ProcessingLogLine } from './processing-log.writer.js';
import type { SubjectPseudonymizer } from './subject-pseudonymizer.js';

/** What a consumer records of the messages it processes, as `@ProcessesPersonalData` does for a route. */
export interface MessageProcessing {
  activity: string;
  purpose: string;
  legalBasis: string | null;
  subjectType: string;
}

/**
 * The processing-log lines of one consumed message (one per data subject, or one without a subject when none is
 * known, e.g. a message refused before it named one): the operation is `CONSUME <topic>`, the status the one the
 * HTTP route would have answered (201 received, 4xx refused), `trace` the consumer's span in the trace the message's
 * `traceparent` carried (`continueTrace`), `parentSpanId` the sender's span.
 */
export function messageProcessingLines(args: {
  processing: MessageProcessing;
  topic: string;
  trace: { traceId: string; spanId: string };
  parentSpanId: string | null;
  actor: { id: string; role: string };
  subjectIds: readonly string[];
  status: number;
  startedAt: string;
  endedAt: string;
  pseudonymizer: SubjectPseudonymizer;
}): ProcessingLogLine[] {
  const base: Omit<ProcessingLogLine, 'dataSubjectRef'> = {
    traceId: args.trace.traceId,
    spanId: args.trace.spanId,
    parentSpanId: args.parentSpanId,
    operation: `CONSUME ${args.topic}`,
    processingActivity: args.processing.activity,
    purpose: args.processing.purpose,
    legalBasis: args.processing.legalBasis,
    dataSubjectType: args.processing.subjectType,
    actorId: args.actor.id,
    actorRole: args.actor.role,
    method: 'CONSUME',
    route: args.topic,
    statusCode: args.status,
    outcome: args.status < 400 ? 'ok' : 'error',
    startedAt: args.startedAt,
    endedAt: args.endedAt,
    breakGlass: null,
  };
  return args.subjectIds.length === 0 ? [{ ...base, dataSubjectRef: null }] : args.subjectIds.map((id) => ({ ...base, dataSubjectRef: args.pseudonymizer.ref(id) }));
}
