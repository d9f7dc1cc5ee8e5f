import fc from 'fast-check';
import {
  approachingAt,
  BUILT_IN_MODEL_VERSIONS,
  BUILT_IN_MODELS,
  decideCase,
  DomainError,
  evolveCase,
  foldCase,
  freezeModel,
  MODEL_ROLES,
  modelResolverOf,
  NO_CASE,
  RESPONSIBILITY_KINDS,
  validateModelDefinition,
  type CaseActor,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type ModelDuration,
  type ModelResolver,
  type PlanMeasure,
} from '../src/index.js';
import { COORDINATOR, openCommand, SYSTEM, testContext } from './case.fixtures.js';

/*
 * Property-based tests over random command sequences for every built-in model:
 *  (a) no sequence reaches a state outside the definition (and the case's bookkeeping stays consistent);
 *  (b) folding the events rebuilds exactly the state the decider saw, also after a JSON round trip;
 *  (c) a case pinned to version 1 behaves identically whether or not a version 2 of its model exists;
 *  (d) after a migration to a version that warns differently, a term still to warn warns by the new lead time, and
 *      no term warns twice.
 */

/** A clock tick, a random command, or a "guided" valid transition (the n-th one open from the current state). */
/**
 * A step: the clock moves on, a command (random or one the model offers now), or a timer firing as the scheduler
 * fires it: the clock set to a running term's approaching or due moment, then the command that records it.
 */
type Step = { tick: number } | { command: CaseCommand } | { guided: number } | { timer: number };

/** Commands built from the model's own vocabulary plus some that must be refused. */
function stepArbitrary(model: ModelDefinition): fc.Arbitrary<Step> {
  const names = [...model.transitions.map((t) => t.name), 'bestaat-niet'];
  const categories = [...new Set(model.transitions.flatMap((t) => t.requires?.reasonCategories ?? [])), 'ongeldig'];
  const fieldNames = [...new Set(model.transitions.flatMap((t) => [...(t.requires?.fields ?? []), ...(t.optionalFields ?? [])])), 'bsn'];
  const tables = [...new Set(model.states.flatMap((s) => s.referrals ?? [])), 'riec', 'politie'];
  const anyActor: fc.Arbitrary<CaseActor> = fc.constantFrom(...MODEL_ROLES).map((role) => ({ id: `user-${role}`, role }));
  const reason = fc.constantFrom(undefined, '', 'een reden');
  const command: fc.Arbitrary<CaseCommand> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('TakeTransition' as const),
        transition: fc.constantFrom(...names),
        actor: fc.oneof({ weight: 3, arbitrary: fc.constant(COORDINATOR) }, { weight: 1, arbitrary: anyActor }),
        reason,
        reasonCategory: fc.constantFrom(undefined, ...categories),
        fields: fc.option(fc.dictionary(fc.constantFrom(...fieldNames), fc.constantFrom<unknown>('waarde', '', true)), { nil: undefined }),
      }),
    },
    fc.record({
      type: fc.constant('HandOverRegie' as const),
      responsibility: fc.constantFrom(...RESPONSIBILITY_KINDS),
      holder: fc.constantFrom('zvh', 'wijkteam', 'burgemeester', ''),
      reason: fc.constantFrom('', 'overdracht'),
      actor: fc.constant(COORDINATOR),
    }),
    fc.record({
      type: fc.constant('AddSignal' as const),
      signalId: fc.constantFrom('sig-1', 'sig-2', 'sig-3'),
      // A zorgmelding by an essentiële naaste added later joins the reporters who may be told a Wvggz outcome.
      source: fc.constantFrom('zorgmelding' as const, 'mma' as const),
      reporterRelation: fc.constantFrom(null, 'essentiele-naaste' as const, 'buurtbewoner' as const),
      actor: fc.constant(COORDINATOR),
    }),
    fc.record({
      type: fc.constant('AddNote' as const),
      text: fc.constantFrom('notitie', ''),
      visibility: fc.constantFrom('intern' as const, 'deelbaar' as const),
      actor: fc.constant(COORDINATOR),
    }),
    fc.record({
      type: fc.constant('SetPlan' as const),
      measures: fc.constantFrom<PlanMeasure[][]>([{ type: 'zorg', description: 'hulp', owner: 'wijkteam', dueDate: '2025-09-01' }], []),
      actor: fc.constant(COORDINATOR),
    }),
    fc.record({
      type: fc.constant('ReferToTable' as const),
      table: fc.constantFrom(...tables),
      reason: fc.constantFrom('', 'een reden'),
      actor: fc.constant(COORDINATOR),
    }),
    fc.record({
      type: fc.constantFrom('RecordDeadlineApproaching' as const, 'RecordDeadlineBreached' as const),
      deadlineId: fc.integer({ min: 1, max: 12 }).map((n) => `id-${n}`),
      actor: fc.constant(SYSTEM),
    }),
  );
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: command.map((c): Step => ({ command: c })) },
    { weight: 5, arbitrary: fc.nat().map((guided): Step => ({ guided })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 * 86_400_000 }).map((tick): Step => ({ tick })) },
    { weight: 1, arbitrary: fc.nat().map((timer): Step => ({ timer })) },
  );
  return step;
}

/** A valid command for one of the transitions open from the current state, chosen by `n`. */
function guidedCommand(model: ModelDefinition, state: CaseState, n: number): CaseCommand | null {
  if (state.status !== 'open') return null;
  const options = model.transitions.filter((t) => t.from.includes(state.currentState));
  if (options.length === 0) return null;
  const t = options[n % options.length];
  return {
    type: 'TakeTransition',
    transition: t.name,
    actor: { id: 'user-guided', role: t.rolesAllowed[0] },
    reason: 'reden',
    reasonCategory: t.requires?.reasonCategories?.[0],
    fields: Object.fromEntries((t.requires?.fields ?? []).map((f) => [f, 'x'])),
  };
}

/** The scheduler's command for one of the running terms, chosen by `n`, with the clock set to its moment. */
function timerCommand(state: CaseState, n: number, ctx: ReturnType<typeof testContext>): CaseCommand | null {
  if (state.status !== 'open') return null;
  const running = state.deadlines.filter((d) => d.status === 'running');
  if (running.length === 0) return null;
  const d = running[n % running.length]!;
  const breach = Math.floor(n / running.length) % 2 === 0;
  const moment = breach ? d.dueAt : d.approachingAt;
  if (moment === null) return null;
  if (Date.parse(moment) > ctx.now.getTime()) ctx.set(new Date(moment));
  return { type: breach ? 'RecordDeadlineBreached' : 'RecordDeadlineApproaching', deadlineId: d.deadlineId, actor: SYSTEM };
}

interface Outcome {
  /** Per step: the events it produced, or the error code it was refused with. */
  trace: (CaseEvent[] | string)[];
  events: CaseEvent[];
  states: CaseState[];
}

/** Opens a case under `model` and runs `steps` against it, folding as it goes. */
function play(model: ModelDefinition, steps: Step[], models: ModelResolver, reporterRelation?: 'essentiele-naaste'): Outcome {
  const ctx = testContext(models);
  const events = decideCase(openCommand(model, reporterRelation ? { reporterRelation, essentialRelativeSignalIds: ['sig-1'] } : {}), NO_CASE, ctx);
  const outcome: Outcome = { trace: [], events: [...events], states: [events.reduce(evolveCase, NO_CASE)] };
  return playOn(model, steps, ctx, outcome);
}

/** Runs `steps` on under `model` from the last state of `outcome`, adding to it. */
function playOn(model: ModelDefinition, steps: Step[], ctx: ReturnType<typeof testContext>, outcome: Outcome): Outcome {
  let state = outcome.states.at(-1)!;
  for (const step of steps) {
    if ('tick' in step) {
      ctx.advance(step.tick);
      continue;
    }
    const command = 'guided' in step ? guidedCommand(model, state, step.guided) : 'timer' in step ? timerCommand(state, step.timer, ctx) : step.command;
    if (!command) continue;
    try {
      const produced = decideCase(command, state, ctx);
      state = produced.reduce(evolveCase, state);
      outcome.trace.push(produced);
      outcome.events.push(...produced);
      outcome.states.push(state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome.trace.push(error.code);
    }
  }
  return outcome;
}

/** What must hold for every state a case can be in. */
function checkInvariants(model: ModelDefinition, state: CaseState): void {
  if (state.status === 'none') throw new Error('a played case always exists');
  const current = model.states.find((s) => s.id === state.currentState);
  expect(current).toBeDefined();
  expect(state.status === 'closed').toBe(current!.terminal === true);
  for (const d of state.deadlines) {
    const def = model.deadlines.find((x) => x.id === d.definitionId)!;
    expect(def).toBeDefined();
    // A running term runs in the current state (its `state` or one of its `runsIn`); a paused one pauses there.
    if (d.status === 'running') expect([def.state, ...(def.runsIn ?? [])]).toContain(state.currentState);
    else expect(def.pausedIn ?? []).toContain(state.currentState);
  }
  expect(new Set(state.deadlines.map((d) => d.definitionId)).size).toBe(state.deadlines.length);
  for (const kind of Object.keys(state.responsibilities)) expect(RESPONSIBILITY_KINDS).toContain(kind);
  const tablesHere = (r: { state: string }) => model.states.find((s) => s.id === r.state)!.referrals ?? [];
  for (const r of state.referrals) expect(tablesHere(r)).toContain(r.table);
  expect(new Set(state.signalIds).size).toBe(state.signalIds.length);
}

/** The next version of a model that warns of its terms by `leads` (one per term, in order; none where undefined), and is otherwise the same. */
function warningVersion(model: ModelDefinition, leads: readonly (ModelDuration | undefined)[]): ModelDefinition {
  const copy = structuredClone(model) as any;
  copy.version = model.version + 1;
  copy.deadlines.forEach((d: any, i: number) => {
    delete d.approachingLeadTime;
    if (leads[i]) d.approachingLeadTime = leads[i];
  });
  return freezeModel(copy);
}

/** The next version of a model: different holders, roles, requirements and terms; same ids where possible. */
function nextVersion(model: ModelDefinition): ModelDefinition {
  const copy = structuredClone(model) as any;
  copy.version = model.version + 1;
  copy.title = `${model.title} (v${copy.version})`;
  for (const s of copy.states) if (s.responsibilities) s.responsibilities = { casusregie: `v2-${s.id}` };
  for (const t of copy.transitions) {
    t.rolesAllowed = ['admin'];
    delete t.tables; // no table member takes anything under version 2
    t.requires = { ...t.requires, reason: true };
  }
  for (const d of copy.deadlines) d.duration = { amount: d.duration.amount * 2, unit: 'hours' };
  return freezeModel(copy);
}

// Every shipped version: an older one stays in use for the cases pinned to it.
const perModel = BUILT_IN_MODEL_VERSIONS.map((m) => [`${m.id}@${m.version}`, m] as const);
const numRuns = 60;

describe.each(perModel)('%s under random command sequences', (_id, model) => {
  const v1Only = modelResolverOf([model]);
  const steps = fc.array(stepArbitrary(model), { minLength: 5, maxLength: 60 });
  const relation = fc.constantFrom(undefined, 'essentiele-naaste' as const);

  it('(a) never reaches a state outside the definition', () => {
    fc.assert(
      fc.property(steps, relation, (s, r) => {
        const { states } = play(model, s, v1Only, r);
        for (const state of states) checkInvariants(model, state);
      }),
      { numRuns },
    );
  });

  it('(b) folding the events rebuilds the state the decider saw, also after a JSON round trip', () => {
    fc.assert(
      fc.property(steps, relation, (s, r) => {
        const { events, states } = play(model, s, v1Only, r);
        const last = states.at(-1)!;
        expect(foldCase(events)).toEqual(last);
        expect(foldCase(JSON.parse(JSON.stringify(events)) as CaseEvent[])).toEqual(last);
        expect(JSON.parse(JSON.stringify(last))).toEqual(last);
        expect(last.version).toBe(events.length);
        // The decider is deterministic: the same commands and clock give the same events.
        expect(play(model, s, v1Only, r).events).toEqual(events);
      }),
      { numRuns },
    );
  });

  it('(c) a case pinned to its version is unaffected by a newer published version', () => {
    const v2 = nextVersion(model);
    expect(validateModelDefinition(v2)).toEqual([]);
    const both = modelResolverOf([model, v2]);
    // Not vacuous: under version 2 the coordinator may take no transition at all.
    const onV2 = decideCase(openCommand(v2), NO_CASE, testContext(both)).reduce(evolveCase, NO_CASE);
    const first = v2.transitions.find((t) => t.from.includes(v2.initialState))!;
    expect(() => decideCase({ type: 'TakeTransition', transition: first.name, reason: 'x', actor: COORDINATOR }, onV2, testContext(both))).toThrow(
      expect.objectContaining({ code: 'CASE.ROLE_NOT_ALLOWED' }),
    );
    fc.assert(
      fc.property(steps, relation, (s, r) => {
        const alone = play(model, s, v1Only, r);
        const withV2 = play(model, s, both, r);
        expect(withV2.trace).toEqual(alone.trace);
        expect(withV2.events).toEqual(alone.events);
        for (const e of withV2.events) if ('modelVersion' in e) expect(e.modelVersion).toBe(model.version);
      }),
      { numRuns },
    );
  });
});

/*
 * (d) A migration to a version that warns of the same terms earlier, later or not at all: from the migration on, every
 * term still to warn warns by the new version's lead time before its due moment, and no term ever warns twice.
 */
const warningModels = BUILT_IN_MODEL_VERSIONS.filter((m) => m.deadlines.length > 0).map((m) => [`${m.id}@${m.version}`, m] as const);
const leadTimes = fc.constantFrom<ModelDuration | undefined>(undefined, { amount: 1, unit: 'hours' }, { amount: 2, unit: 'working-days' }, { amount: 5, unit: 'calendar-days' }, { amount: 12, unit: 'calendar-days' });

describe.each(warningModels)('%s migrated to a version that warns differently', (_id, model) => {
  it('(d) warns of a term still to warn by the new lead time, and of no term twice', () => {
    const steps = fc.array(stepArbitrary(model), { minLength: 0, maxLength: 30 });
    const leads = fc.array(leadTimes, { minLength: model.deadlines.length, maxLength: model.deadlines.length });
    fc.assert(
      fc.property(steps, leads, steps, (before, newLeads, after) => {
        const v2 = warningVersion(model, newLeads);
        expect(validateModelDefinition(v2)).toEqual([]);
        const ctx = testContext(modelResolverOf([model, v2]));
        const events = decideCase(openCommand(model), NO_CASE, ctx);
        const outcome = playOn(model, before, ctx, { trace: [], events: [...events], states: [events.reduce(evolveCase, NO_CASE)] });
        const onV1 = outcome.states.at(-1)!;
        if (onV1.status !== 'open') return;
        const migration = decideCase({ type: 'MigrateModelVersion', toModel: v2, stateMapping: {}, reason: 'Nieuwe waarschuwingstermijnen', actor: { id: 'admin-1', role: 'admin' } }, onV1, ctx);
        const onV2 = migration.reduce(evolveCase, onV1) as Extract<CaseState, { status: 'open' }>;
        for (const d of onV2.deadlines) {
          const lead = v2.deadlines.find((x) => x.id === d.definitionId)!.approachingLeadTime;
          const was = onV1.deadlines.find((x) => x.deadlineId === d.deadlineId);
          // A term that warned or was breached keeps what was recorded of it; any other one warns as version 2 says.
          if (was && (was.approachingRecorded || was.breachedRecorded)) expect(d).toEqual(was);
          else expect(d.approachingAt).toBe(lead ? approachingAt(new Date(d.dueAt), lead).toISOString() : null);
        }
        outcome.events.push(...migration);
        outcome.states.push(onV2);
        const { events: all, states } = playOn(v2, after, ctx, outcome);
        const warned = all.flatMap((e) => (e.type === 'DeadlineApproaching' ? [e.deadlineId] : []));
        expect(new Set(warned).size).toBe(warned.length);
        expect(foldCase(all)).toEqual(states.at(-1));
      }),
      { numRuns },
    );
  });
});

describe('the generators are not vacuous', () => {
  it('random sequences reach every state, close cases, and raise every kind of event that the models can', () => {
    const statesSeen = new Set<string>();
    const eventsSeen = new Set<string>();
    for (const model of BUILT_IN_MODELS) {
      fc.assert(
        fc.property(fc.array(stepArbitrary(model), { minLength: 5, maxLength: 60 }), (s) => {
          const { states, events } = play(model, s, modelResolverOf([model]), 'essentiele-naaste');
          states.forEach((st) => st.status !== 'none' && statesSeen.add(`${model.id}/${st.currentState}`));
          events.forEach((e) => eventsSeen.add(e.type));
        }),
        { numRuns: 200, seed: 42 },
      );
    }
    const allStates = BUILT_IN_MODELS.flatMap((m) => m.states.map((st) => `${m.id}/${st.id}`));
    expect([...statesSeen].sort()).toEqual(allStates.sort());
    expect([...eventsSeen].sort()).toEqual(
      [
        'CaseOpened', 'CaseTransitioned', 'CaseClosed', 'RegieHandedOver', 'SignalAddedToCase', 'CaseNoteAdded', 'CasePlanSet',
        'CaseReferred', 'DeadlineOpened', 'DeadlineClosed', 'DeadlineApproaching', 'DeadlineBreached', 'MayorInformed', 'ReporterMayBeInformed',
      ].sort(),
    );
  });
});
