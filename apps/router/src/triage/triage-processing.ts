/** Processing activity and legal basis recorded on triage events (register of processing activities). */
export const TRIAGE_PROCESSING = {
  activity: 'signaaltriage',
  legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde); Wvggz art. 5:1 (zorgmeldingen)',
} as const;
