import { randomUUID } from 'node:crypto';
import type { NewEvent } from '#contracts';

/** A minimal valid event for store tests. */
export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'TestHappened',
    version: 1,
    occurredAt: '2026-11-26T08:00:00.000Z',
    municipality: 'GM0153',
    actor: { id: 'tester', role: 'coordinator' },
    correlationId: randomUUID(),
    processingActivity: 'test',
    legalBasis: 'AVG 6(1)(e)',
    payload: { n: 1 },
    ...overrides,
  };
}
