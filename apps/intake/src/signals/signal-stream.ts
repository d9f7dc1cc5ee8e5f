/** Event-store stream id of a signal. */
export const signalStreamId = (signalId: string): string => `signal-${signalId}`;

/** Processing activity and legal basis recorded on intake events (register of processing activities). */
export const INTAKE_PROCESSING = {
  activity: 'signaalontvangst',
  purpose: 'Ontvangen en vastleggen van een signaal',
  legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde); Wvggz art. 5:1 (zorgmeldingen)',
} as const;

/** What a reporter-vault entry is sealed to: its own signal (a row moved to another signal does not open). */
export const reporterVaultContext = (signalId: string): string => `reporter-vault:${signalId}`;
