import { createHash } from 'node:crypto';

/**
 * Event-store stream ids that more than one app needs: the tables app writes referral and escalation streams,
 * the audit app exports them with the case that caused them. The naming is part of the ledger: a stream id, once
 * written, never changes, so neither may these functions.
 */

/** Event-store stream of a case (the router's convention). */
export const caseStreamId = (caseId: string): string => `case-${caseId}`;
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

/** A stream that holds part of a case's history outside the case stream, and the case event that opened it. */
export interface CaseRelatedStream {
  streamId: string;
  kind: 'referral' | 'escalation';
  /** Id of the case event that caused the stream's first event (its `causationId`). */
  causedBy: string;
}

/**
 * Every stream a case's own events can have opened, in the order of those events: for a `CaseReferred`, the
 * referral stream of its `referralId` (the tables app publishes it, caused by that event); for every case event,
 * the escalation stream of `escalationIdFor(event id)` (the tables app raises one for an event a trigger
 * matches). Most of the escalation streams named here do not exist: only the ones a trigger raised do.
 */
export function caseRelatedStreams(caseEvents: readonly { id: string; type: string; payload: unknown }[]): CaseRelatedStream[] {
  const related: CaseRelatedStream[] = [];
  for (const e of caseEvents) {
    const referralId = (e.payload as { referralId?: unknown } | null)?.referralId;
    if (e.type === 'CaseReferred' && typeof referralId === 'string') related.push({ streamId: referralStreamId(referralId), kind: 'referral', causedBy: e.id });
    related.push({ streamId: escalationStreamId(escalationIdFor(e.id)), kind: 'escalation', causedBy: e.id });
  }
  return related;
}
