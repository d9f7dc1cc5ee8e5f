import {
  AVE_MODEL,
  ONDERMIJNING_INTAKE_MODEL,
  decideCase,
  freezeModel,
  modelResolverOf,
  validateModelDefinition,
  type CaseCommand,
  type CaseState,
  type ModelDefinition,
  type OpenCaseState,
} from '../src/index.js';
import { caseIn, COORDINATOR, POLICE, refusal, run, testContext, types } from './case.fixtures.js';

/**
 * AVE version 2 as a municipality might publish it: AVE 1 renamed, the police no longer escalate on their
 * own, ZVH procesregie replaced by the municipality's, and an evaluation term in AVE 3.
 */
const AVE_V2: ModelDefinition = freezeModel({
  ...structuredClone(AVE_MODEL),
  version: 2,
  initialState: 'ave-1-groen',
  states: AVE_MODEL.states.map((s) =>
    s.id === 'ave-1'
      ? { ...structuredClone(s), id: 'ave-1-groen' }
      : s.id === 'ave-3'
        ? { ...structuredClone(s), responsibilities: { ...s.responsibilities, procesregie: 'gemeente-procesregisseur' } }
        : structuredClone(s),
  ),
  transitions: AVE_MODEL.transitions.map((t) => ({
    ...structuredClone(t),
    from: t.from.map((f) => (f === 'ave-1' ? 'ave-1-groen' : f)),
    to: t.to === 'ave-1' ? 'ave-1-groen' : t.to,
    rolesAllowed: ['coordinator'],
  })),
  deadlines: [{ id: 'evaluatie', state: 'ave-3', startsOn: 'state-entered', duration: { amount: 10, unit: 'working-days' } }],
});

const BOTH = modelResolverOf([AVE_MODEL, AVE_V2]);
const open = (s: CaseState) => s as OpenCaseState;
const migrate = (extra: Partial<Extract<CaseCommand, { type: 'MigrateModelVersion' }>> = {}): CaseCommand => ({
  type: 'MigrateModelVersion',
  toModel: AVE_V2,
  stateMapping: { 'ave-1': 'ave-1-groen' },
  reason: 'Gemeente publiceert AVE versie 2',
  actor: { id: 'admin-1', role: 'admin' },
  ...extra,
});

it('version 2 of AVE is a valid model', () => expect(validateModelDefinition(AVE_V2)).toEqual([]));

describe('a case pinned to version 1 is not affected by version 2', () => {
  it('keeps version 1 rules, holders and deadlines while version 2 is published', () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    let s = run(state, { type: 'TakeTransition', transition: 'opschalen-ave-3', reason: 'x', reasonCategory: 'complexiteit', actor: COORDINATOR }, ctx);
    expect(types(s.events)).toEqual(['CaseTransitioned']); // no v2 evaluation deadline
    expect(open(s.state).responsibilities.procesregie).toBe('procesregisseur'); // v1's holder, not v2's
    expect(open(s.state).model).toEqual({ id: 'ave', version: 1 });
    // The police may still escalate under version 1.
    s = run(s.state, { type: 'TakeTransition', transition: 'opschalen-ave-4', reason: 'x', reasonCategory: 'veiligheid', actor: POLICE }, ctx);
    expect(s.events[0]).toMatchObject({ modelVersion: 1, to: 'ave-4' });
  });
});

describe('moving a case to another version is an explicit, recorded command', () => {
  it('migrates with the state mapping and records who, why, from and to', () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const { events, state: after } = run(state, migrate(), ctx);
    expect(events).toEqual([
      {
        type: 'CaseModelMigrated',
        caseId: 'case-1',
        modelId: 'ave',
        fromVersion: 1,
        toVersion: 2,
        fromState: 'ave-1',
        toState: 'ave-1-groen',
        stateMapping: { 'ave-1': 'ave-1-groen' },
        reason: 'Gemeente publiceert AVE versie 2',
        responsibilities: open(state).responsibilities,
        actor: { id: 'admin-1', role: 'admin' },
        at: ctx.now.toISOString(),
      },
    ]);
    expect(open(after)).toMatchObject({ model: { id: 'ave', version: 2 }, currentState: 'ave-1-groen' });
    // From now on version 2 rules apply.
    const moved = run(after, { type: 'TakeTransition', transition: 'opschalen-ave-2', reason: 'x', reasonCategory: 'stagnatie', actor: COORDINATOR }, ctx);
    const toFour = run(
      run(moved.state, { type: 'TakeTransition', transition: 'opschalen-ave-3', reason: 'x', reasonCategory: 'stagnatie', actor: COORDINATOR }, ctx).state,
      { type: 'AddNote', text: 'x', visibility: 'intern', actor: COORDINATOR },
      ctx,
    ).state;
    expect(refusal(() => decideCase({ type: 'TakeTransition', transition: 'opschalen-ave-4', reason: 'x', reasonCategory: 'veiligheid', actor: POLICE }, toFour, ctx)).code).toBe(
      'CASE.ROLE_NOT_ALLOWED',
    );
  });

  it("closes the old version's terms and opens the new version's, counted from when the state was entered", () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
    const enteredAt = open(state).stateEnteredAt;
    ctx.advance(86_400_000);
    const { events } = run(state, migrate(), ctx);
    expect(types(events)).toEqual(['CaseModelMigrated', 'DeadlineOpened']);
    expect(events[0]).toMatchObject({ fromState: 'ave-3', toState: 'ave-3', responsibilities: { procesregie: 'gemeente-procesregisseur' } });
    expect(events[1]).toMatchObject({ definitionId: 'evaluatie', startedAt: enteredAt });
  });

  it('migrating to the version the case is on, with the same state, changes nothing', () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    expect(decideCase(migrate({ toModel: AVE_MODEL, stateMapping: {} }), state, ctx)).toEqual([]);
  });

  it.each<[string, Partial<Extract<CaseCommand, { type: 'MigrateModelVersion' }>>, string]>([
    ['the current state unmapped and missing in the new version', { stateMapping: {} }, 'CASE.MODEL_MAPPING_INVALID'],
    ['a mapping to a state the new version lacks', { stateMapping: { 'ave-1': 'ave-1-wit' } }, 'CASE.MODEL_MAPPING_INVALID'],
    ['a mapping from a state the old version lacks', { stateMapping: { 'ave-1': 'ave-1-groen', 'ave-0': 'ave-1-groen' } }, 'CASE.MODEL_MAPPING_INVALID'],
    ['a mapping onto a terminal state', { stateMapping: { 'ave-1': 'afgesloten' } }, 'CASE.MODEL_MAPPING_INVALID'],
    ['another model', { toModel: { ...AVE_V2, id: 'ave-anders' } }, 'CASE.MODEL_MAPPING_INVALID'],
    ['a state jump on the same version', { toModel: AVE_MODEL, stateMapping: { 'ave-1': 'ave-3' } }, 'CASE.MODEL_MAPPING_INVALID'],
    ['a missing reason', { reason: '' }, 'CASE.REASON_REQUIRED'],
    ['a missing reason, also where the move would change nothing', { toModel: AVE_MODEL, stateMapping: {}, reason: ' ' }, 'CASE.REASON_REQUIRED'],
    ['an invalid target model', { toModel: { ...AVE_V2, version: 0 } }, 'MODEL.INVALID'],
  ])('refuses %s', (_name, overrides, code) => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    expect(refusal(() => decideCase(migrate(overrides), state, ctx)).code).toBe(code);
  });
});

describe('a migration changes defaults, not decisions', () => {
  /** Version 2 keeping AVE 1 as it is: a mapping of it to another state would be a state jump. */
  const AVE_V2_SAME_STATES: ModelDefinition = freezeModel({ ...structuredClone(AVE_MODEL), version: 2 });

  it('refuses a mapping that moves the case off a state the new version still has (AVE 1 → AVE 4 without the mayor being told)', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2_SAME_STATES]));
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    expect(refusal(() => decideCase(migrate({ toModel: AVE_V2_SAME_STATES, stateMapping: { 'ave-1': 'ave-4' } }), state, ctx)).code).toBe('CASE.MODEL_MAPPING_INVALID');
  });

  it('refuses a move back to an older version', () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_V2, 'ave-2', ctx);
    expect(refusal(() => decideCase(migrate({ toModel: AVE_MODEL, stateMapping: {} }), state, ctx)).code).toBe('CASE.MODEL_MAPPING_INVALID');
  });

  it("keeps a holder the case was handed over to, and takes the new version's holder where the case had the old default", () => {
    const ctx = testContext(BOTH);
    const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
    const handedOver = run(state, { type: 'HandOverRegie', responsibility: 'casusregie', holder: 'gemeente-veiligheid', reason: 'Overdracht', actor: COORDINATOR }, ctx).state;
    const { events } = run(handedOver, migrate(), ctx);
    expect(events[0]).toMatchObject({ type: 'CaseModelMigrated', responsibilities: { casusregie: 'gemeente-veiligheid', procesregie: 'gemeente-procesregisseur' } });
  });
});

describe('a term the new version keeps goes on through the migration', () => {
  /** Version 2 of the intake protocol, its pickup term unchanged. */
  const INTAKE_V2: ModelDefinition = freezeModel({ ...structuredClone(ONDERMIJNING_INTAKE_MODEL), version: 2 });
  /** Version 3: the pickup term lengthened to 10 days. */
  const INTAKE_V3: ModelDefinition = freezeModel({
    ...structuredClone(ONDERMIJNING_INTAKE_MODEL),
    version: 3,
    deadlines: ONDERMIJNING_INTAKE_MODEL.deadlines.map((d) => ({ ...structuredClone(d), duration: { amount: 10, unit: 'calendar-days' as const } })),
  });
  const toIntake = (toModel: ModelDefinition): CaseCommand => ({ type: 'MigrateModelVersion', toModel, stateMapping: {}, reason: 'Nieuwe versie van het protocol', actor: { id: 'admin-1', role: 'admin' } });

  it('keeps a breached term as it was: it is not opened again, and not breached a second time', () => {
    const ctx = testContext(modelResolverOf([ONDERMIJNING_INTAKE_MODEL, INTAKE_V2]));
    const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'ontvangst', ctx);
    const [pickup] = open(state).deadlines;
    ctx.advance(8 * 86_400_000);
    const breached = run(state, { type: 'RecordDeadlineBreached', deadlineId: pickup!.deadlineId, actor: { id: 'system', role: 'system' } }, ctx);
    expect(types(breached.events)).toEqual(['DeadlineBreached']);

    const migrated = run(breached.state, toIntake(INTAKE_V2), ctx);
    expect(types(migrated.events)).toEqual(['CaseModelMigrated']);
    expect(open(migrated.state).deadlines).toEqual(open(breached.state).deadlines);
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: pickup!.deadlineId, actor: { id: 'system', role: 'system' } }, migrated.state, ctx)).toEqual([]);
  });

  it('ends a term whose length the new version changed and opens the new one, counted from the same start', () => {
    const ctx = testContext(modelResolverOf([ONDERMIJNING_INTAKE_MODEL, INTAKE_V3]));
    const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'ontvangst', ctx);
    const [pickup] = open(state).deadlines;
    const { events } = run(state, toIntake(INTAKE_V3), ctx);
    expect(types(events)).toEqual(['CaseModelMigrated', 'DeadlineClosed', 'DeadlineOpened']);
    expect(events[1]).toMatchObject({ deadlineId: pickup!.deadlineId, reason: 'model-migrated' });
    expect(events[2]).toMatchObject({ definitionId: 'oppakken', startedAt: pickup!.startedAt });
  });
});
