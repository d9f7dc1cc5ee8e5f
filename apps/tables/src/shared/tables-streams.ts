import { createHash } from 'node:crypto';

/** Event-store stream of a referral (also its Kafka key). */
export const referralStreamId = (referralId: string): string => `referral-${referralId}`;
/** Event-store stream of a police escalation (also its Kafka key). */
export const escalationStreamId = (escalationId: string): string => `escalation-${escalationId}`;

/**
 * The escalation id raised by a case event: derived from the event id, so a replayed or redelivered event
 * can never raise a second escalation (the stream would already exist).
 */
export function escalationIdFor(sourceEventId: string): string {
  const h = createHash('sha256').update(`escalation:${sourceEventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** The actor of the tables app's own steps (timers, deliveries). */
export const TABLES_SYSTEM_ACTOR = { id: 'system:tables', role: 'system' } as const;

/** Processing activity and legal basis of steps that share nothing (rejections, internal records). */
export const TABLES_PROCESSING = {
  activity: 'verwijzing-tafels',
  legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde en veiligheid)',
} as const;
