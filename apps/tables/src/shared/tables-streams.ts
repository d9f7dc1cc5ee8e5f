// The stream ids live in #contracts: the audit app exports these streams with their case.
export { escalationIdFor, escalationStreamId, referralStreamId } from '#contracts';

/** The actor of the tables app's own steps (timers, deliveries). */
export const TABLES_SYSTEM_ACTOR = { id: 'system:tables', role: 'system' } as const;

/** Processing activity and legal basis of steps that share nothing (rejections, internal records). */
export const TABLES_PROCESSING = {
  activity: 'verwijzing-tafels',
  legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde en veiligheid)',
} as const;
