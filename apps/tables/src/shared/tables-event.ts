import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Actor, NewEvent } from '#contracts';

/** Envelope details of an event the tables app appends. */
export interface TablesEventMeta {
  municipality: string;
  actor: Actor;
  correlationId: string;
  causationId?: string | null;
  traceparent?: string | null;
  legalBasis: string;
  processingActivity: string;
  specialCategory?: boolean;
  at: Date;
}

/** A new event of the tables app: `type` and the payload as it travels (never with a reporter or a BSN). */
export function tablesEvent(type: string, payload: object, meta: TablesEventMeta): NewEvent {
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: meta.at.toISOString(),
    municipality: meta.municipality,
    actor: { id: meta.actor.id, role: meta.actor.role },
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    traceparent: meta.traceparent ?? null,
    processingActivity: meta.processingActivity,
    legalBasis: meta.legalBasis,
    specialCategory: meta.specialCategory ?? false,
    payload: payload as Record<string, unknown>,
  };
}

/** sha256 (hex) of the canonical JSON (RFC 8785) of a payload: what a disclosure records of what was shared. */
export function payloadSha256(payload: unknown): string {
  return createHash('sha256').update((canonicalize as unknown as (v: unknown) => string)(payload)).digest('hex');
}

/** A UUID for correlation when the causing event carries none. */
export const newCorrelationId = (): string => randomUUID();
