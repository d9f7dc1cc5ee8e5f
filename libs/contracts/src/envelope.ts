/**
 * The event envelope every event carries, in the event store and on Kafka.
 * Field names follow DESIGN.md; auditors and the processing log depend on them.
 */
export interface Actor {
  /** Subject of the token (user or connector id). `system` for the product's own reactions. */
  id: string;
  role: Role;
}

export const ROLES = ['intake-system', 'coordinator', 'police-liaison', 'table-member', 'auditor', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface EventEnvelope<P = Record<string, unknown>> {
  /** uuid; the dedupe key for every consumer's inbox. */
  id: string;
  type: string;
  /** Schema version of `type`'s payload. */
  version: number;
  streamId: string;
  streamVersion: number;
  /** Global position in the event store (bigserial); unique, commit order is (transactionId, position). */
  position: string;
  occurredAt: string;
  recordedAt: string;
  municipality: string | null;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  processingActivity: string;
  legalBasis: string;
  /** True when the payload holds special-category personal data (AVG art. 9, e.g. health). */
  specialCategory: boolean;
  payload: P;
  prevHash: string | null;
  hash: string;
}

/** What a writer supplies; the store fills in position, recordedAt, streamVersion and the hashes. */
export interface NewEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  municipality: string | null;
  actor: Actor;
  correlationId: string;
  causationId?: string | null;
  traceparent?: string | null;
  processingActivity: string;
  legalBasis: string;
  specialCategory?: boolean;
  payload: P;
}
