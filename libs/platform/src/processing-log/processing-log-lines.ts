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

/**
 * A data subject an action touched: an id of the action's own `subjectType` (a case id on a case route), or an id of
 * another type it also touched (`{ type: 'subject', id }`: the person a case is about). Each gets its own line, so
 * "who read this person's data" finds the reads of the cases about them too.
 */
export type ProcessedSubject = string | { readonly type: string; readonly id: string };

/** The person (registered subject) an action touched besides its own subject, or null: for `subjects` lists. */
export const personSubject = (subjectId: unknown): ProcessedSubject | null => (typeof subjectId === 'string' && subjectId.length > 0 ? { type: 'subject', id: subjectId } : null);

/** The case a referral or escalation is about, for `alsoTouched`: the table member's or liaison's answer never names it. */
export const itsCase = (about: { caseId: string }): ProcessedSubject => ({ type: 'case', id: about.caseId });

/** Where a handler notes, on its request, subjects it touched that its answer does not show (see {@link alsoTouched}). */
const TOUCHED = Symbol('signaalroute.processing-log.touched');

/**
 * Notes on the request that the handler touched these subjects too, for the processing-log lines of the call: a
 * table's referral read is a read about its case, though the table member's answer never names the case.
 */
export function alsoTouched(request: object, subjects: readonly (ProcessedSubject | null | undefined)[]): void {
  const holder = request as { [TOUCHED]?: (ProcessedSubject | null | undefined)[] };
  (holder[TOUCHED] ??= []).push(...subjects);
}

/** The subjects noted with {@link alsoTouched} on a request. */
export function touchedSubjects(request: object): readonly (ProcessedSubject | null | undefined)[] {
  return (request as { [TOUCHED]?: (ProcessedSubject | null | undefined)[] })[TOUCHED] ?? [];
}

/** The distinct, non-empty subjects of a list (`null`/`undefined`/blank ids left out), in order. */
export function distinctSubjects(subjects: readonly (ProcessedSubject | null | undefined)[]): ProcessedSubject[] {
  const seen = new Set<string>();
  const out: ProcessedSubject[] = [];
  for (const s of subjects) {
    if (s === null || s === undefined) continue;
    const id = typeof s === 'string' ? s : s.id;
    if (typeof id !== 'string' || id.length === 0) continue;
    const key = typeof s === 'string' ? `:${s}` : `${s.type}:${s.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}

/** The caller's span id in a valid W3C `traceparent` header (see `callerTrace`), or null. */
export function parentSpanOf(header: string | string[] | undefined | null): string | null {
  return typeof header === 'string' ? (callerTrace(header)?.parentSpanId ?? null) : null;
}

/**
 * The processing-log lines of one action, after the Logboek Dataverwerkingen: one per data subject (pseudonymised, of
 * the action's subject type unless given with its own),
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
  subjectIds: readonly ProcessedSubject[];
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
  if (args.subjectIds.length === 0) return [{ ...base, dataSubjectRef: null }];
  return args.subjectIds.map((s) =>
    typeof s === 'string' ? { ...base, dataSubjectRef: args.pseudonymizer.ref(s) } : { ...base, dataSubjectType: s.type, dataSubjectRef: args.pseudonymizer.ref(s.id) },
  );
}
