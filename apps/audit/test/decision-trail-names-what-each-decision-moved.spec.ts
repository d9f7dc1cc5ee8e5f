import { describe, expect, it } from '@jest/globals';
import type { EventEnvelope } from '#contracts';
import { AVE_MODEL, decideCase, evolveCase, freezeModel, modelResolverOf, NO_CASE, type CaseEvent, type ModelDefinition } from '#domain';
import { openCommand, testContext } from '../../../libs/domain/test/case.fixtures.js';
import { reconstructCase } from '../src/cases/case-as-of.js';

/**
 * The decision trail of an as-of answer names, for each decision, what it moved: the states of a transition, and
 * of a migration to a newer model version too (its payload says fromState/toState, and the trail showed nulls).
 */

const AVE_V2: ModelDefinition = freezeModel({ ...structuredClone(AVE_MODEL), version: 2 });

/** The events as the ledger would hold them for one case. */
function envelopes(events: readonly CaseEvent[]): EventEnvelope[] {
  return events.map(({ type, ...payload }, i) => ({
    id: `e-${i + 1}`,
    streamId: 'case-c1',
    streamVersion: i + 1,
    type,
    version: 1,
    occurredAt: '2026-03-02T09:00:00.000Z',
    recordedAt: '2026-03-02T09:00:00.000Z',
    municipality: 'GM0153',
    actor: { id: 'anna', role: 'coordinator' },
    correlationId: 'c',
    causationId: null,
    traceparent: null,
    processingActivity: 'casusregie',
    legalBasis: 'AVG 6(1)(e)',
    specialCategory: false,
    payload: payload as Record<string, unknown>,
    prevHash: null,
    hash: `h-${i + 1}`,
    position: String(i + 1),
  }));
}

describe('the decision trail', () => {
  it('names the states a migration to another model version moved the case between', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2]));
    const opened = decideCase(openCommand(AVE_MODEL), NO_CASE, ctx);
    const state = opened.reduce(evolveCase, NO_CASE);
    const migrated = decideCase({ type: 'MigrateModelVersion', toModel: AVE_V2, stateMapping: {}, reason: 'Versie 2', actor: { id: 'admin-1', role: 'admin' } }, state, ctx);
    const answer = reconstructCase('c1', envelopes([...opened, ...migrated]), new Date('2026-03-03T00:00:00Z'), new Date('2026-03-03T00:00:00Z'));
    const migration = answer.decisionTrail.find((d) => d.type === 'CaseModelMigrated');
    expect(migration).toMatchObject({ from: 'ave-1', to: 'ave-1', model: { id: 'ave', version: 2 } });
  });
});
