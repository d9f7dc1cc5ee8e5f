import { distinctSubjects, personSubject, type ProcessedSubject } from '#platform';

/** Event-store stream id of a case. Also the Kafka message key on `signaalroute.cases.v1`. */
export { caseStreamId } from '#contracts';

/**
 * What a call on a case touched, for the processing log: the case, and the person it is about (its registered
 * subject) when it has one, so "who read this person's data" finds the case's reads and changes too.
 */
export function caseSubjects(caseId: string | null | undefined, subjectId: string | null | undefined): ProcessedSubject[] {
  return distinctSubjects([caseId, personSubject(subjectId)]);
}

/** {@link caseSubjects} of a case answer (`caseId`, `subjectId`), falling back to the case id in the path. */
export function caseSubjectsOf(pathCaseId: string | undefined, body: unknown): ProcessedSubject[] {
  const answer = (body ?? {}) as { caseId?: unknown; subjectId?: unknown };
  const caseId = typeof answer.caseId === 'string' ? answer.caseId : pathCaseId;
  return caseSubjects(caseId, typeof answer.subjectId === 'string' ? answer.subjectId : null);
}

/** Processing activity recorded on every case event (register of processing activities). */
export const CASE_PROCESSING_ACTIVITY = 'casusregie';

/**
 * Legal basis recorded on a case's events, by model. Every model rests on the municipality's public task
 * (AVG art. 6(1)(e)); health data (Wvggz, zorg) additionally on AVG art. 9(2)(g)/(h) with UAVG art. 30.
 */
const LEGAL_BASIS: Record<string, string> = {
  ave: 'AVG art. 6(1)(e) publieke taak; Wmo 2015 art. 2.1.1 en Jeugdwet art. 2.1 (zorg- en veiligheidsaanpak); Gemeentewet art. 172 (openbare orde); AVG art. 9(2)(g) jo. UAVG art. 30 voor gezondheidsgegevens',
  'wvggz-verkennend-onderzoek': 'AVG art. 6(1)(e) publieke taak; Wvggz art. 5:2 (verkennend onderzoek na melding); AVG art. 9(2)(g) jo. UAVG art. 30 (gezondheidsgegevens)',
  'ondermijning-intake': 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 en 174 (openbare orde en veiligheid); RIEC-convenant (gegevensdeling)',
  '7-stappenmodel': 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde); modelconvenant jeugdgroepaanpak (gegevensdeling)',
};
const DEFAULT_LEGAL_BASIS = 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde en veiligheid)';

export function caseLegalBasis(modelId: string): string {
  return LEGAL_BASIS[modelId] ?? DEFAULT_LEGAL_BASIS;
}

/**
 * Models whose cases hold health data by their nature (AVG art. 9): every event of such a case is marked
 * `specialCategory`. A case of another model is marked too once a zorgmelding is among its signals (see
 * `case_view.special_category`, which only ever turns on).
 */
export const SPECIAL_CATEGORY_MODELS: readonly string[] = ['wvggz-verkennend-onderzoek'];
