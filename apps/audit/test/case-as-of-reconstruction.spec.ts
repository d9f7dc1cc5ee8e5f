import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewEvent } from '#contracts';
import {
  BUILT_IN_MODELS,
  decideCase,
  foldCase,
  modelResolverOf,
  NO_CASE,
  type CaseActor,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type ModelTransition,
} from '#domain';
import { EventStore } from '#eventstore';
import { startApp, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * As-of reconstruction against a scripted case history: a case opened, moved along its model (with reasons
 * and fields), its regie handed over — each step recorded at a known instant through the event store, the
 * way the router writes it (stream `case-<id>`, envelope type + payload = the domain event). The auditor's
 * answers at moments between the steps must equal the domain's own fold of the events up to then.
 */

let h: AppHarness;
let auditor: string;
const caseId = randomUUID();
const T = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, 0) + minutes * 60_000);
const steps: { at: Date; state: CaseState; events: CaseEvent[] }[] = [];

const model = BUILT_IN_MODELS.find((m) => m.id === 'ondermijning-intake') as ModelDefinition;
const COORDINATOR: CaseActor = { id: 'coordinator-anna', role: 'coordinator' };

/** The first two transitions on a path out of the initial state. */
function twoTransitions(m: ModelDefinition): [ModelTransition, ModelTransition] {
  const first = m.transitions.find((t) => t.from.includes(m.initialState) && t.to !== m.initialState)!;
  const second = m.transitions.find((t) => t.from.includes(first.to) && t.to !== first.to)!;
  return [first, second];
}

function take(t: ModelTransition): CaseCommand {
  const fields = Object.fromEntries((t.requires?.fields ?? []).map((f) => [f, `waarde voor ${f}`]));
  return {
    type: 'TakeTransition',
    transition: t.name,
    actor: { id: `user-${t.rolesAllowed[0]}`, role: t.rolesAllowed[0]! },
    reason: `reden voor ${t.name}`,
    ...(t.requires?.reasonCategories ? { reasonCategory: t.requires.reasonCategories[0] } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  } as CaseCommand;
}

beforeAll(async () => {
  h = await startApp({ apps: [AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  const [first, second] = twoTransitions(model);
  const commands: CaseCommand[] = [
    { type: 'OpenCase', caseId, municipality: 'GM0153', model, signalIds: [randomUUID()], actor: COORDINATOR },
    take(first),
    { type: 'HandOverRegie', responsibility: Object.keys(model.states.find((s) => s.id === first.to)?.responsibilities ?? { casusregie: 1 })[0] ?? 'casusregie', holder: 'gemeente-deventer-team-veiligheid', reason: 'Overdracht na vakantie', actor: COORDINATOR } as CaseCommand,
    take(second),
  ];
  let state: CaseState = NO_CASE;
  let n = 0;
  for (const [i, command] of commands.entries()) {
    const at = T(i * 60);
    const events = decideCase(command, state, { now: at, newId: () => `id-${++n}`, models: modelResolverOf(BUILT_IN_MODELS) });
    expect(events.length).toBeGreaterThan(0);
    const envelopes: NewEvent[] = events.map(({ type, ...payload }) => ({
      id: randomUUID(), type, version: 1, occurredAt: at.toISOString(), municipality: 'GM0153',
      actor: { id: (command.actor as CaseActor).id, role: (command.actor as CaseActor).role as NewEvent['actor']['role'] },
      correlationId: randomUUID(), processingActivity: 'zaakbehandeling', legalBasis: 'AVG art. 6(1)(e)', payload: payload as Record<string, unknown>,
    }));
    await new EventStore(h.db, () => at).append(`case-${caseId}`, state.version, envelopes);
    state = foldCase(events, state);
    steps.push({ at, state, events });
  }
});

afterAll(async () => {
  await h?.stop();
});

const asOf = (at: Date | string, token = auditor): Promise<HarnessResponse> =>
  h.request('GET', `/v1/audit/cases/${caseId}?asOf=${encodeURIComponent(typeof at === 'string' ? at : at.toISOString())}`, { token });

function expectProblem(res: HarnessResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
}

describe('GET /v1/audit/cases/{id}?asOf=', () => {
  it('answers, at a moment between every two steps, the state the domain folds from the events recorded by then', async () => {
    for (const [i, step] of steps.entries()) {
      const res = await asOf(new Date(step.at.getTime() + 30 * 60_000));
      expect(res.status).toBe(200);
      const s = step.state as Extract<CaseState, { status: 'open' }>;
      expect(res.body).toMatchObject({
        caseId,
        version: s.version,
        state: { status: s.status, currentState: s.currentState, model: s.model, responsibilities: s.responsibilities, openDeadlines: s.deadlines, signalIds: s.signalIds },
      });
      expect(res.body.decisionTrail).toHaveLength(steps.slice(0, i + 1).reduce((n, x) => n + x.events.length, 0));
    }
  });

  it('gives each decision its model version, actor and role, reason and inputs', async () => {
    const res = await asOf(T(1000));
    const transitions = res.body.decisionTrail.filter((d: any) => d.type === 'CaseTransitioned');
    expect(transitions).toHaveLength(2);
    for (const d of transitions) {
      expect(d).toMatchObject({ model: { id: model.id, version: model.version }, reason: expect.stringMatching(/^reden voor /), actor: { role: expect.any(String) }, from: expect.any(String), to: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(d.inputs).toHaveProperty('fields');
    }
    expect(res.body.decisionTrail.find((d: any) => d.type === 'RegieHandedOver')).toMatchObject({ reason: 'Overdracht na vakantie', actor: { id: 'coordinator-anna', role: 'coordinator' } });
  });

  it('counts an event from the moment it was recorded (inclusive)', async () => {
    expect((await asOf(steps[1]!.at)).body.version).toBe(steps[1]!.state.version);
    expect((await asOf(new Date(steps[1]!.at.getTime() - 1))).body.version).toBe(steps[0]!.state.version);
  });

  it('refuses a moment before the case existed, in the future, or not an instant, and an unknown case', async () => {
    expectProblem(await asOf(new Date(T(0).getTime() - 1)), 400, 'VALIDATION.AS_OF_BEFORE_CASE');
    expectProblem(await asOf(new Date(Date.now() + 3_600_000)), 400, 'VALIDATION.AS_OF_IN_FUTURE');
    expectProblem(await asOf('gisteren'), 400, 'VALIDATION.AS_OF_INVALID');
    expectProblem(await asOf('2026-11-02T10:00:00'), 400, 'VALIDATION.AS_OF_INVALID');
    expectProblem(await h.request('GET', `/v1/audit/cases/${randomUUID()}?asOf=${T(10).toISOString()}`, { token: auditor }), 404, 'CASE.NOT_FOUND');
    expectProblem(await asOf(T(10), await h.token('coordinator', ['GM0153'])), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });

  it('is recorded in the processing log', async () => {
    const lines = await h.query<{ operation: string; actor_id: string; processing_activity: string }>("SELECT operation, actor_id, processing_activity FROM processing_log WHERE route = '/v1/audit/cases/:id'");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ actor_id: 'auditor-ada', processing_activity: 'audit-reconstructie' });
  });
});
