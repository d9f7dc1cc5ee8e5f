import type { CaseOfRelatedStream } from '#eventstore';
import { personSubject, type ProcessedSubject } from '#platform';
import { caseSubjectOf } from './case-subject.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TRAILING_UUID = new RegExp(`${UUID}$`, 'i');
const AGGREGATE_STREAM = new RegExp(`^([a-z][a-z-]*?)-(${UUID})$`);

/** A stream id as streams are written: its trailing uuid in lower case (`case-<id>` with the id in capitals is `case-<id>`). */
export function canonicalStreamId(streamId: string): string {
  return streamId.replace(TRAILING_UUID, (id) => id.toLowerCase());
}

/**
 * The data subjects of a stream export for the processing log, from the stream id as the export reads it
 * ({@link canonicalStreamId}), so a search by the aggregate id finds it however the id was typed: a case stream
 * (`case-<id>`) is logged as the case bundle is, under the case and the person the case is about (its `CaseOpened`
 * in the exported `body`; the case alone when the export failed); another aggregate's stream (`signal-<id>`, …)
 * under its id, next to the intake lines; any other stream under its name. A referral or escalation stream is
 * logged under its case and that case's person too, from {@link relatedCaseSubjects} (noted on the request).
 */
export function streamExportSubjects(streamId: string | undefined, body: unknown): ProcessedSubject[] {
  if (!streamId) return [];
  const stream = canonicalStreamId(streamId);
  const aggregate = AGGREGATE_STREAM.exec(stream);
  if (!aggregate) return [stream];
  const [, kind, id] = aggregate as unknown as [string, string, string];
  if (kind !== 'case') return [id];
  const person = personSubject(caseSubjectOf((body as { events?: { type: string; payload: unknown }[] } | undefined)?.events));
  return person ? [{ type: 'case', id }, person] : [{ type: 'case', id }];
}

/**
 * The case and the person a referral or escalation stream's export also touched: those streams hold the minimised
 * case a table or the police received, so "who read this person's data" must find their export, as it finds the
 * case bundle that holds them. None when the stream belongs to no case (see `caseOfRelatedStream`).
 */
export function relatedCaseSubjects(related: CaseOfRelatedStream | null): ProcessedSubject[] {
  if (!related) return [];
  const person = personSubject(related.subjectId);
  return person ? [{ type: 'case', id: related.caseId }, person] : [{ type: 'case', id: related.caseId }];
}
