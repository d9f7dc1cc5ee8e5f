import { randomInt } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { EventEnvelope } from '#contracts';
import { EVENT_COLUMNS, rowToEnvelope, type EventRow } from '#eventstore';
import type { AppDescriptor } from '#platform';
import type { AppHarness } from '../../../../test/support/app-harness.js';
import { ROUTER_SIGNALS_MIGRATIONS } from '../../src/signals/router-signals.migrations.js';
import { ROUTER_APP } from '../../src/router.app.js';
import { SUBJECTS_MIGRATIONS } from '../../src/subjects/subjects.migrations.js';
import { TriageModule } from '../../src/triage/triage.module.js';

/**
 * The router app with the triage part (subject registry, triage commands, statistics) wired in, for tests:
 * `ROUTER_APP` does not import `TriageModule` yet. Nest builds each module once, so this stays right when it
 * does (then `ROUTER_APP` alone will do). The migrations are listed once whether or not `ROUTER_APP` has them.
 */
@Module({ imports: [ROUTER_APP.module, TriageModule] })
class RouterWithTriageTestModule {}

export const TRIAGE_TEST_APP: AppDescriptor = {
  ...ROUTER_APP,
  module: RouterWithTriageTestModule,
  migrations: [...new Set([...ROUTER_APP.migrations, ...ROUTER_SIGNALS_MIGRATIONS, ...SUBJECTS_MIGRATIONS])],
};

/** `count` different test municipalities (GM9xxx, no real one), so a test's statistics see only its own signals. */
export function testMunicipalities(count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(`GM9${String(randomInt(0, 1000)).padStart(3, '0')}`);
  return [...codes];
}

/** The events of a signal's stream, as envelopes. */
export async function signalEvents(h: AppHarness, signalId: string): Promise<EventEnvelope[]> {
  const rows = await h.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`signal-${signalId}`]);
  return rows.map(rowToEnvelope);
}

/** The router's read-model row of a signal (raw columns). */
export async function routerSignalRow(h: AppHarness, signalId: string): Promise<Record<string, unknown> | undefined> {
  return (await h.query('SELECT * FROM router_signals WHERE signal_id = $1', [signalId]))[0];
}

/** A `CaseOpened` envelope as the router's case service publishes it (payload = the domain event without `type`). */
export function caseOpenedEnvelope(municipality: string, caseId: string, signalIds: string[], eventId: string): EventEnvelope {
  const at = new Date().toISOString();
  return {
    id: eventId,
    type: 'CaseOpened',
    version: 1,
    streamId: `case-${caseId}`,
    streamVersion: 1,
    position: '0',
    occurredAt: at,
    recordedAt: at,
    municipality,
    actor: { id: 'test-coordinator', role: 'coordinator' },
    correlationId: eventId,
    causationId: null,
    traceparent: null,
    processingActivity: 'casusregie',
    legalBasis: 'test',
    specialCategory: false,
    payload: {
      caseId,
      municipality,
      modelId: 'ave',
      modelVersion: 1,
      state: 'ave-1',
      signalIds,
      subjectId: null,
      reporterRelation: null,
      signalReceivedAt: at,
      responsibilities: {},
      actor: { id: 'test-coordinator', role: 'coordinator' },
      at,
    },
    prevHash: null,
    hash: '0'.repeat(64),
  };
}
