import {
  allowedTransitions,
  AVE_MODEL,
  decideCase,
  freezeModel,
  modelResolverOf,
  NO_CASE,
  type CaseCommand,
  type CaseState,
  type ModelDefinition,
} from '../src/index.js';
import { caseIn, COORDINATOR, openCommand, refusal, run, SYSTEM, testContext, types } from './case.fixtures.js';

const COMMANDS_ON_A_CASE: CaseCommand[] = [
  { type: 'TakeTransition', transition: 'opschalen-ave-2', reason: 'x', reasonCategory: 'stagnatie', actor: COORDINATOR },
  { type: 'HandOverRegie', responsibility: 'procesregie', holder: 'zvh', reason: 'x', actor: COORDINATOR },
  { type: 'AddSignal', signalId: 'sig-2', actor: COORDINATOR },
  { type: 'AddNote', text: 'x', visibility: 'intern', actor: COORDINATOR },
  { type: 'SetPlan', measures: [{ type: 'zorg', description: 'x', owner: 'wijkteam', dueDate: '2025-07-01' }], actor: COORDINATOR },
  { type: 'MigrateModelVersion', toModel: AVE_MODEL, stateMapping: {}, reason: 'x', actor: COORDINATOR },
  { type: 'ReferToTable', table: 'zvh-jor', reason: 'x', actor: COORDINATOR },
  { type: 'RecordDeadlineApproaching', deadlineId: 'd', actor: SYSTEM },
  { type: 'RecordDeadlineBreached', deadlineId: 'd', actor: SYSTEM },
];

describe('a case must exist, exist once, and be open', () => {
  it.each(COMMANDS_ON_A_CASE.map((c) => [c.type, c] as const))('%s on a case that does not exist: CASE.NOT_FOUND', (_t, command) => {
    expect(refusal(() => decideCase(command, NO_CASE, testContext())).code).toBe('CASE.NOT_FOUND');
  });

  it('OpenCase on an existing case: CASE.ALREADY_EXISTS', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const error = refusal(() => decideCase(openCommand(AVE_MODEL), state, ctx));
    expect(error.code).toBe('CASE.ALREADY_EXISTS');
    expect(error.details).toEqual({ caseId: 'case-1' });
  });

  it.each(COMMANDS_ON_A_CASE.filter((c) => !c.type.startsWith('RecordDeadline')).map((c) => [c.type, c] as const))(
    '%s on a closed case: CASE.CLOSED',
    (_t, command) => {
      const ctx = testContext();
      const { state } = caseIn(AVE_MODEL, 'afgesloten', ctx);
      expect(state.status).toBe('closed');
      expect(refusal(() => decideCase(command, state, ctx)).code).toBe('CASE.CLOSED');
    },
  );

  it('deadline records on a closed case do nothing (timers race with closing)', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'afgesloten', ctx);
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: 'd', actor: SYSTEM }, state, ctx)).toEqual([]);
  });

  it('a case of no one, or a closed case, allows no transitions', () => {
    expect(allowedTransitions(NO_CASE, 'coordinator', AVE_MODEL)).toEqual([]);
    expect(allowedTransitions(caseIn(AVE_MODEL, 'afgesloten').state, 'coordinator', AVE_MODEL)).toEqual([]);
  });
});

describe('OpenCase', () => {
  it('records model id and version, signals, subject, reporter relation and the initial holders', () => {
    const ctx = testContext();
    const events = decideCase(
      openCommand(AVE_MODEL, { signalIds: ['sig-1', 'sig-2', 'sig-1'], subjectId: 'subj-9', reporterRelation: 'buurtbewoner' }),
      NO_CASE,
      ctx,
    );
    expect(events).toEqual([
      {
        type: 'CaseOpened',
        caseId: 'case-1',
        municipality: 'GM0153',
        modelId: 'ave',
        modelVersion: 1,
        state: 'ave-1',
        signalIds: ['sig-1', 'sig-2'],
        subjectId: 'subj-9',
        reporterRelation: 'buurtbewoner',
        signalReceivedAt: ctx.now.toISOString(),
        responsibilities: AVE_MODEL.states[0].responsibilities,
        actor: COORDINATOR,
        at: ctx.now.toISOString(),
      },
    ]);
  });

  it.each<[string, Partial<Parameters<typeof openCommand>[1]>, string, string]>([
    ['no signals', { signalIds: [] }, 'CASE.FIELD_REQUIRED', 'signalIds'],
    ['a blank signal id', { signalIds: ['sig-1', ' '] }, 'CASE.FIELD_REQUIRED', 'signalIds[1]'],
    ['a bad municipality code', { municipality: 'Enschede' }, 'CASE.FIELD_INVALID', 'municipality'],
    ['an unknown reporter relation', { reporterRelation: 'buurman' as never }, 'CASE.FIELD_INVALID', 'reporterRelation'],
    ['a report time without offset', { signalReceivedAt: '2025-06-01T10:00:00' }, 'CASE.FIELD_INVALID', 'signalReceivedAt'],
    ['a report time in the future', { signalReceivedAt: '2025-06-03T10:00:00Z' }, 'CASE.FIELD_INVALID', 'signalReceivedAt'],
  ])('refuses %s', (_name, overrides, code, field) => {
    const error = refusal(() => decideCase(openCommand(AVE_MODEL, overrides), NO_CASE, testContext()));
    expect(error.code).toBe(code);
    expect(error.details).toEqual({ field });
  });

  it('refuses a malformed model with MODEL.INVALID', () => {
    const bad = { ...AVE_MODEL, initialState: 'ave-9' } as ModelDefinition;
    expect(refusal(() => decideCase(openCommand(bad), NO_CASE, testContext())).code).toBe('MODEL.INVALID');
  });
});

describe('commands that change nothing return no events', () => {
  it('adding a signal already in the case', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    expect(decideCase({ type: 'AddSignal', signalId: 'sig-1', actor: COORDINATOR }, state, ctx)).toEqual([]);
    const added = run(state, { type: 'AddSignal', signalId: 'sig-2', actor: COORDINATOR }, ctx);
    expect(added.events).toEqual([{ type: 'SignalAddedToCase', caseId: 'case-1', signalId: 'sig-2', actor: COORDINATOR, at: ctx.now.toISOString() }]);
    expect(decideCase({ type: 'AddSignal', signalId: 'sig-2', actor: COORDINATOR }, added.state, ctx)).toEqual([]);
  });

  it('handing regie to its current holder (even without a reason)', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    expect(decideCase({ type: 'HandOverRegie', responsibility: 'procesregie', holder: 'wijkteam', reason: '', actor: COORDINATOR }, state, ctx)).toEqual([]);
  });

  it('setting the same plan again', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
    const plan: CaseCommand = {
      type: 'SetPlan',
      measures: [
        { type: 'bestuursrechtelijk', description: 'Last onder dwangsom', owner: 'afdeling-handhaving', dueDate: '2025-07-01' },
        { type: 'zorg', description: 'Schuldhulp', owner: 'wijkteam', dueDate: '2025-07-15' },
      ],
      actor: COORDINATOR,
    };
    const first = run(state, plan, ctx);
    expect(types(first.events)).toEqual(['CasePlanSet']);
    expect(decideCase(plan, first.state, ctx)).toEqual([]);
  });

  it('referring to the same table twice while in the same state', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
    const refer: CaseCommand = { type: 'ReferToTable', table: 'zvh-jor', reason: 'Jongere van 19', actor: COORDINATOR };
    const first = run(state, refer, ctx);
    expect(types(first.events)).toEqual(['CaseReferred']);
    expect(decideCase(refer, first.state, ctx)).toEqual([]);
    // Leaving and coming back is a new stay: a new referral is a new decision.
    let again: CaseState = run(first.state, { type: 'TakeTransition', transition: 'afschalen-ave-2', reason: 'Rust', actor: COORDINATOR }, ctx).state;
    again = run(again, { type: 'TakeTransition', transition: 'opschalen-ave-3', reason: 'Terugval', reasonCategory: 'complexiteit', actor: COORDINATOR }, ctx).state;
    expect(types(decideCase(refer, again, ctx))).toEqual(['CaseReferred']);
  });
});

describe('regie, notes, plan and referrals refuse bad input with exact codes', () => {
  const ctx = testContext();
  const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);

  it.each<[string, CaseCommand, string]>([
    ['a handover without reason', { type: 'HandOverRegie', responsibility: 'casusregie', holder: 'zvh', reason: ' ', actor: COORDINATOR }, 'CASE.REASON_REQUIRED'],
    ['a handover to nobody', { type: 'HandOverRegie', responsibility: 'casusregie', holder: '', reason: 'x', actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a handover of an unknown responsibility', { type: 'HandOverRegie', responsibility: 'regie' as never, holder: 'zvh', reason: 'x', actor: COORDINATOR }, 'CASE.FIELD_INVALID'],
    ['an empty note', { type: 'AddNote', text: '', visibility: 'intern', actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a note with an unknown visibility', { type: 'AddNote', text: 'x', visibility: 'openbaar' as never, actor: COORDINATOR }, 'CASE.FIELD_INVALID'],
    ['an empty plan', { type: 'SetPlan', measures: [], actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a measure of an unknown type', { type: 'SetPlan', measures: [{ type: 'sociaal' as never, description: 'x', owner: 'y', dueDate: '2025-07-01' }], actor: COORDINATOR }, 'CASE.FIELD_INVALID'],
    ['a measure with a bad date', { type: 'SetPlan', measures: [{ type: 'fiscaal', description: 'x', owner: 'y', dueDate: '2025-02-30' }], actor: COORDINATOR }, 'CASE.FIELD_INVALID'],
    ['a measure without owner', { type: 'SetPlan', measures: [{ type: 'fiscaal', description: 'x', owner: ' ', dueDate: '2025-07-01' }], actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a referral without reason', { type: 'ReferToTable', table: 'zvh-jor', reason: '', actor: COORDINATOR }, 'CASE.REASON_REQUIRED'],
    ['a referral to a table the state does not allow', { type: 'ReferToTable', table: 'riec', reason: 'x', actor: COORDINATOR }, 'CASE.REFERRAL_NOT_ALLOWED'],
  ])('%s', (_name, command, code) => {
    expect(refusal(() => decideCase(command, state, ctx)).code).toBe(code);
  });

  it('a note records its text, visibility, author and a new id', () => {
    expect(decideCase({ type: 'AddNote', text: 'Gesprek gevoerd', visibility: 'deelbaar', actor: COORDINATOR }, state, ctx)).toEqual([
      { type: 'CaseNoteAdded', caseId: 'case-1', noteId: expect.any(String), text: 'Gesprek gevoerd', visibility: 'deelbaar', actor: COORDINATOR, at: ctx.now.toISOString() },
    ]);
  });
});

describe('guards are data: fieldEquals on the command, reporterRelationIs on the case', () => {
  const guarded: ModelDefinition = {
    id: 'bewaakt',
    version: 1,
    title: 'Bewaakt',
    description: 'Guards',
    initialState: 'a',
    states: [
      { id: 'a', title: 'A' },
      { id: 'b', title: 'B', terminal: true },
      { id: 'c', title: 'C', terminal: true },
    ],
    transitions: [
      { name: 'met-toestemming', from: ['a'], to: 'b', rolesAllowed: ['coordinator'], requires: { fields: ['toestemming'] }, guard: { fieldEquals: { field: 'toestemming', value: true } } },
      { name: 'naaste-informeren', from: ['a'], to: 'c', rolesAllowed: ['coordinator'], guard: { reporterRelationIs: 'essentiele-naaste' } },
    ],
    deadlines: [],
  };
  const ctx = testContext(modelResolverOf([guarded]));

  it('fieldEquals: refused with CASE.TRANSITION_NOT_ALLOWED unless the field has the value', () => {
    const { state } = run(NO_CASE, openCommand(guarded), ctx);
    const take = (toestemming: unknown) => () =>
      decideCase({ type: 'TakeTransition', transition: 'met-toestemming', fields: { toestemming }, actor: COORDINATOR }, state, ctx);
    const error = refusal(take(false));
    expect(error.code).toBe('CASE.TRANSITION_NOT_ALLOWED');
    expect(error.details).toMatchObject({ transition: 'met-toestemming', state: 'a', guard: { fieldEquals: { field: 'toestemming', value: true } } });
    expect(types(take(true)())).toEqual(['CaseTransitioned', 'CaseClosed']);
  });

  it('reporterRelationIs: only listed and only allowed for a case opened with that relation', () => {
    const other = run(NO_CASE, openCommand(guarded, { reporterRelation: 'buurtbewoner' }), ctx).state;
    const naaste = run(NO_CASE, openCommand(guarded, { reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-1'] }), ctx).state;
    expect(allowedTransitions(other, 'coordinator', guarded)).toEqual(['met-toestemming']);
    expect(allowedTransitions(naaste, 'coordinator', guarded)).toEqual(['met-toestemming', 'naaste-informeren']);
    const take = { type: 'TakeTransition' as const, transition: 'naaste-informeren', actor: COORDINATOR };
    expect(refusal(() => decideCase(take, other, ctx)).code).toBe('CASE.TRANSITION_NOT_ALLOWED');
    expect(types(decideCase(take, naaste, ctx))).toEqual(['CaseTransitioned', 'CaseClosed']);
  });
});

describe('the pinned model must be resolvable', () => {
  it('a command on a case whose model version the resolver does not know: CASE.MODEL_UNKNOWN', () => {
    const { state } = caseIn(AVE_MODEL, 'ave-1');
    const ctx = testContext(() => undefined);
    // Notes do not depend on the model; transitions do.
    expect(types(decideCase({ type: 'AddNote', text: 'x', visibility: 'intern', actor: COORDINATOR }, state, ctx))).toEqual(['CaseNoteAdded']);
    const transition = refusal(() =>
      decideCase({ type: 'TakeTransition', transition: 'afsluiten', reason: 'x', actor: COORDINATOR }, state, ctx),
    );
    expect(transition.code).toBe('CASE.MODEL_UNKNOWN');
    expect(transition.details).toEqual({ modelId: 'ave', version: 1 });
  });
});

describe('a required field is one the command carries itself', () => {
  it('a required field named like a member of every object (toString) is not found on Object.prototype', () => {
    const model = structuredClone(AVE_MODEL) as unknown as { version: number; transitions: { name: string; requires?: { fields?: string[] } }[] };
    model.version = 7;
    const close = model.transitions.find((t) => t.name === 'afsluiten')!;
    close.requires = { ...(close.requires ?? {}), fields: ['toString'] };
    const frozen = freezeModel(model as never);
    const ctx = testContext(modelResolverOf([frozen]));
    const { state } = caseIn(frozen, 'ave-1', ctx);
    const refused = refusal(() => decideCase({ type: 'TakeTransition', transition: 'afsluiten', reason: 'Situatie stabiel', fields: {}, actor: COORDINATOR }, state, ctx));
    expect(refused).toMatchObject({ code: 'CASE.FIELD_REQUIRED', details: { field: 'toString' } });
  });
});
