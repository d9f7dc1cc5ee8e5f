import {
  BUILT_IN_MODEL_VERSIONS,
  DomainError,
  decideCase,
  foldCase,
  evolveCase,
  freezeModel,
  modelResolverOf,
  NO_CASE,
  type CaseActor,
  type CaseCommand,
  type CaseDecisionContext,
  type CaseEvent,
  type CaseState,
  type DeadlineStart,
  type ModelDefinition,
  type ModelDuration,
  type ModelResolver,
  type ModelTransition,
  type OpenCaseCommand,
  type TakeTransitionCommand,
} from '../src/index.js';

/** Monday 2 June 2025, 12:00 in Amsterdam. */
export const T0 = new Date('2025-06-02T10:00:00.000Z');

export const COORDINATOR: CaseActor = { id: 'user-coordinator-1', role: 'coordinator' };
export const POLICE: CaseActor = { id: 'user-police-1', role: 'police-liaison' };
export const TABLE_MEMBER: CaseActor = { id: 'user-riec-1', role: 'table-member' };
export const AUDITOR: CaseActor = { id: 'user-auditor-1', role: 'auditor' };
export const SYSTEM: CaseActor = { id: 'system', role: 'system' };

/** Every shipped version: a case stays pinned to the version it was opened on. */
export const BUILT_INS: ModelResolver = modelResolverOf(BUILT_IN_MODEL_VERSIONS);

/** A deterministic context: a movable clock and ids id-1, id-2, … */
export interface TestClock extends CaseDecisionContext {
  advance(ms: number): void;
  set(now: Date): void;
}

export function testContext(models: ModelResolver = BUILT_INS, now: Date = T0): TestClock {
  let n = 0;
  const ctx: TestClock = {
    now,
    newId: () => `id-${++n}`,
    models,
    advance(ms) {
      ctx.now = new Date(ctx.now.getTime() + ms);
    },
    set(at) {
      ctx.now = at;
    },
  };
  return ctx;
}

export function openCommand(model: ModelDefinition, overrides: Partial<OpenCaseCommand> = {}): OpenCaseCommand {
  return {
    type: 'OpenCase',
    caseId: 'case-1',
    municipality: 'GM0153',
    model,
    signalIds: ['sig-1'],
    actor: COORDINATOR,
    ...overrides,
  };
}

/** Runs the decider and folds its events into the state; returns both. */
export function run(state: CaseState, command: CaseCommand, ctx: CaseDecisionContext): { state: CaseState; events: CaseEvent[] } {
  const events = decideCase(command, state, ctx);
  return { state: events.reduce(evolveCase, state), events };
}

/** The DomainError `fn` throws; fails the test when it throws something else or nothing. */
export function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but the command was accepted');
}

/** A valid command for `t` (first allowed role, a reason, the first category, every required field). */
export function validTransition(t: ModelTransition, overrides: Partial<TakeTransitionCommand> = {}): TakeTransitionCommand {
  const fields = Object.fromEntries((t.requires?.fields ?? []).map((f) => [f, `waarde voor ${f}`]));
  return {
    type: 'TakeTransition',
    transition: t.name,
    actor: { id: `user-${t.rolesAllowed[0]}`, role: t.rolesAllowed[0] },
    ...(t.requires?.reason ? { reason: `reden voor ${t.name}` } : {}),
    ...(t.requires?.reasonCategories ? { reasonCategory: t.requires.reasonCategories[0] } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
    ...overrides,
  };
}

/** The shortest list of transitions from the initial state to `stateId` (breadth-first). */
export function pathTo(model: ModelDefinition, stateId: string): ModelTransition[] {
  const paths = new Map<string, ModelTransition[]>([[model.initialState, []]]);
  const queue = [model.initialState];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const t of model.transitions.filter((x) => x.from.includes(at))) {
      if (!paths.has(t.to)) {
        paths.set(t.to, [...paths.get(at)!, t]);
        queue.push(t.to);
      }
    }
  }
  const path = paths.get(stateId);
  if (!path) throw new Error(`${stateId} is unreachable in ${model.id}`);
  return path;
}

/** A case under `model` walked to `stateId` along the shortest path; `events` is its whole stream. */
export function caseIn(
  model: ModelDefinition,
  stateId: string,
  ctx: CaseDecisionContext = testContext(),
  open: Partial<OpenCaseCommand> = {},
): { state: CaseState; events: CaseEvent[] } {
  const events = decideCase(openCommand(model, open), NO_CASE, ctx);
  for (const t of pathTo(model, stateId)) {
    events.push(...decideCase(validTransition(t), foldCase(events), ctx));
  }
  return { state: foldCase(events), events };
}

export const types = (events: CaseEvent[]) => events.map((e) => e.type);

/**
 * Model `pauzes` version `version`: intake → wacht-op-info (where its one term, `termijn`, pauses) → intake → klaar;
 * the term runs `duration` from `startsOn` and warns `lead` before it is due (none without).
 */
export function pausingTermModel(version: number, term: { startsOn: DeadlineStart; duration: ModelDuration; lead?: ModelDuration }): ModelDefinition {
  return freezeModel({
    id: 'pauzes',
    version,
    title: 'Pauzes',
    description: 'Paused terms in tests',
    initialState: 'intake',
    states: [
      { id: 'intake', title: 'Intake' },
      { id: 'wacht-op-info', title: 'Wacht op informatie' },
      { id: 'klaar', title: 'Klaar', terminal: true },
    ],
    transitions: [
      { name: 'info-vragen', from: ['intake'], to: 'wacht-op-info', rolesAllowed: ['coordinator'] },
      { name: 'info-ontvangen', from: ['wacht-op-info'], to: 'intake', rolesAllowed: ['coordinator'] },
      { name: 'afronden', from: ['intake', 'wacht-op-info'], to: 'klaar', rolesAllowed: ['coordinator'] },
    ],
    deadlines: [
      { id: 'termijn', state: 'intake', startsOn: term.startsOn, duration: term.duration, ...(term.lead ? { approachingLeadTime: term.lead } : {}), pausedIn: ['wacht-op-info'] },
    ],
  });
}
