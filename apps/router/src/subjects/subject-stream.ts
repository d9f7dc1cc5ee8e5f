/** Event-store stream id of a subject. */
export const subjectStreamId = (subjectId: string): string => `subject-${subjectId}`;

/** Processing activity and legal basis recorded on subject-registry events. */
export const SUBJECT_PROCESSING = {
  activity: 'subjectregistratie',
  legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde); Wvggz art. 5:1 (zorgmeldingen)',
} as const;
