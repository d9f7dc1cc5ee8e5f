import {
  BUILT_IN_MODEL_VERSIONS,
  BUILT_IN_MODELS,
  decideCase,
  defaultModelVersion,
  modelResolverOf,
  NO_CASE,
  validateModelDefinition,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL as WVGGZ,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL_V1 as WVGGZ_V1,
  type CaseCommand,
  type CaseState,
  type ModelDefinition,
  type ModelProblem,
  type OpenCaseState,
} from '../src/index.js';
import { caseIn, COORDINATOR, openCommand, run, SYSTEM, testContext, types } from './case.fixtures.js';

/**
 * The Wvggz gives the municipality 14 calendar days from the report for the verkennend onderzoek. The term runs
 * from the report, so from the case's first state on: version 2 of the built-in model opens it in `ontvangen`
 * (`runsIn: ['verkennend-onderzoek']`), and the same instance runs on when the onderzoek starts. Version 1 opened it
 * only on entering `verkennend-onderzoek`, so a case left in `ontvangen` never warned nor breached; it stays as
 * shipped, for the cases pinned to it.
 */

const DAY = 86_400_000;
const REPORTED = '2025-05-30T08:00:00+02:00'; // Friday morning; the case is opened Monday 2 June
const TERM = 'verkennend-onderzoek-afgerond';
const open = (state: CaseState) => state as OpenCaseState;
const take = (transition: string, reason?: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR, ...(reason ? { reason } : {}) });

describe('Wvggz: the 14-day term runs from the report in every open state', () => {
  it('a new case has the term open in ontvangen, due 14 calendar days after the report (to the end of that day)', () => {
    const ctx = testContext();
    const { state, events } = run(NO_CASE, openCommand(WVGGZ, { signalReceivedAt: REPORTED }), ctx);
    expect(types(events)).toEqual(['CaseOpened', 'DeadlineOpened']);
    expect(events[1]).toEqual({
      type: 'DeadlineOpened',
      caseId: 'case-1',
      deadlineId: 'id-1',
      definitionId: TERM,
      state: 'ontvangen',
      startsOn: 'signal-received',
      startedAt: '2025-05-30T06:00:00.000Z',
      duration: { amount: 14, unit: 'calendar-days' },
      // 30 May + 14 days = Friday 13 June; due by the end of that day in Amsterdam (CEST); approaching 3 days before.
      dueAt: '2025-06-13T22:00:00.000Z',
      approachingAt: '2025-06-10T22:00:00.000Z',
      at: ctx.now.toISOString(),
    });
    expect(open(state)).toMatchObject({ currentState: 'ontvangen', model: { id: 'wvggz-verkennend-onderzoek', version: 2 } });
    expect(open(state).deadlines).toEqual([expect.objectContaining({ deadlineId: 'id-1', definitionId: TERM, status: 'running' })]);
  });

  it('starting the verkennend onderzoek keeps the same instance: no DeadlineClosed, no DeadlineOpened', () => {
    const ctx = testContext();
    let { state } = run(NO_CASE, openCommand(WVGGZ, { signalReceivedAt: REPORTED }), ctx);
    const before = open(state).deadlines[0]!;
    ctx.advance(3 * DAY);
    const moved = run(state, take('start-verkennend-onderzoek'), ctx);
    state = moved.state;
    expect(types(moved.events)).toEqual(['CaseTransitioned']);
    expect(open(state).currentState).toBe('verkennend-onderzoek');
    expect(open(state).deadlines).toEqual([before]);
  });

  it.each(['besluit-vrijwillige-zorg', 'besluit-aanvraag-ovj', 'besluit-afsluiten'])('the decision %s closes the term with the case', (transition) => {
    const ctx = testContext();
    const { state } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx, { signalReceivedAt: REPORTED });
    const deadlineId = open(state).deadlines[0]!.deadlineId;
    const events = decideCase(take(transition, 'Onderzoek afgerond'), state, ctx);
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(events[1]).toMatchObject({ deadlineId, definitionId: TERM, reason: 'case-closed' });
  });

  it('a case never moved out of ontvangen warns and is breached, once, in ontvangen; starting late does not open it again', () => {
    const ctx = testContext();
    let { state } = run(NO_CASE, openCommand(WVGGZ, { signalReceivedAt: REPORTED }), ctx);
    const { deadlineId, dueAt } = open(state).deadlines[0]!;

    ctx.set(new Date('2025-06-11T08:00:00Z'));
    const approaching = run(state, { type: 'RecordDeadlineApproaching', deadlineId, actor: SYSTEM }, ctx);
    expect(approaching.events).toEqual([{ type: 'DeadlineApproaching', caseId: 'case-1', deadlineId, definitionId: TERM, state: 'ontvangen', dueAt, at: ctx.now.toISOString() }]);
    state = approaching.state;

    ctx.set(new Date(dueAt));
    const breached = run(state, { type: 'RecordDeadlineBreached', deadlineId, actor: SYSTEM }, ctx);
    expect(breached.events).toEqual([{ type: 'DeadlineBreached', caseId: 'case-1', deadlineId, definitionId: TERM, state: 'ontvangen', dueAt, at: ctx.now.toISOString() }]);
    state = breached.state;
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId, actor: SYSTEM }, state, ctx)).toEqual([]);

    // Started after the term passed: the same, breached instance runs on; nothing is opened or breached again.
    ctx.advance(DAY);
    const late = run(state, take('start-verkennend-onderzoek'), ctx);
    expect(types(late.events)).toEqual(['CaseTransitioned']);
    expect(open(late.state).deadlines).toEqual([expect.objectContaining({ deadlineId, breachedRecorded: true, approachingRecorded: true })]);
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId, actor: SYSTEM }, late.state, ctx)).toEqual([]);
  });
});

describe('Wvggz: version 2 is the default, version 1 stays as shipped for its cases', () => {
  it('new cases get version 2; every shipped version stays resolvable', () => {
    const shipped = BUILT_IN_MODEL_VERSIONS.filter((m) => m.id === 'wvggz-verkennend-onderzoek');
    expect(shipped.map((m) => m.version)).toEqual([1, 2]);
    expect(BUILT_IN_MODELS.filter((m) => m.id === 'wvggz-verkennend-onderzoek')).toEqual([WVGGZ]);
    expect(defaultModelVersion(shipped, 'GM0153', (m) => m)).toBe(WVGGZ);
    expect(validateModelDefinition(WVGGZ_V1)).toEqual([]);
    expect(validateModelDefinition(WVGGZ)).toEqual([]);
  });

  it('version 2 differs from version 1 only in where the term runs', () => {
    const { version: _v1, deadlines: d1, ...rest1 } = WVGGZ_V1;
    const { version: _v2, deadlines: d2, ...rest2 } = WVGGZ;
    expect(rest2).toEqual(rest1);
    expect(d1).toEqual([{ id: TERM, state: 'verkennend-onderzoek', startsOn: 'signal-received', duration: { amount: 14, unit: 'calendar-days' }, approachingLeadTime: { amount: 3, unit: 'calendar-days' } }]);
    expect(d2).toEqual([{ ...d1[0], state: 'ontvangen', runsIn: ['verkennend-onderzoek'] }]);
  });

  it('a case pinned to version 1 keeps version 1 rules: no term in ontvangen, opened on entering verkennend-onderzoek', () => {
    const ctx = testContext();
    const { state, events } = run(NO_CASE, openCommand(WVGGZ_V1, { signalReceivedAt: REPORTED }), ctx);
    expect(types(events)).toEqual(['CaseOpened']);
    const moved = run(state, take('start-verkennend-onderzoek'), ctx);
    expect(types(moved.events)).toEqual(['CaseTransitioned', 'DeadlineOpened']);
    expect(open(moved.state).model).toEqual({ id: 'wvggz-verkennend-onderzoek', version: 1 });
  });

  it('moving a version 1 case in ontvangen to version 2 opens the term from the report', () => {
    const ctx = testContext();
    const { state } = run(NO_CASE, openCommand(WVGGZ_V1, { signalReceivedAt: REPORTED }), ctx);
    const events = decideCase({ type: 'MigrateModelVersion', toModel: WVGGZ, stateMapping: {}, reason: 'Termijn loopt vanaf de melding', actor: COORDINATOR }, state, ctx);
    expect(types(events)).toEqual(['CaseModelMigrated', 'DeadlineOpened']);
    expect(events[1]).toMatchObject({ definitionId: TERM, state: 'ontvangen', startedAt: '2025-05-30T06:00:00.000Z', dueAt: '2025-06-13T22:00:00.000Z' });
  });

  it('moving a version 1 case in verkennend-onderzoek to version 2 carries its term as it is (it runs on there)', () => {
    const ctx = testContext();
    const { state } = caseIn(WVGGZ_V1, 'verkennend-onderzoek', ctx, { signalReceivedAt: REPORTED });
    const before = open(state).deadlines[0]!;
    const migrated = run(state, { type: 'MigrateModelVersion', toModel: WVGGZ, stateMapping: {}, reason: 'Nieuwe versie', actor: COORDINATOR }, ctx);
    expect(types(migrated.events)).toEqual(['CaseModelMigrated']);
    expect(open(migrated.state).deadlines).toEqual([before]);
  });
});

/** open → a (term runs) → b (term runs on) ⇄ wacht (paused) → klaar; c closes it. */
const LOOPT: ModelDefinition = {
  id: 'loopt-door',
  version: 1,
  title: 'Termijn loopt door',
  description: 'runsIn in tests',
  initialState: 'open',
  states: [
    { id: 'open', title: 'Open' },
    { id: 'a', title: 'A' },
    { id: 'b', title: 'B' },
    { id: 'wacht', title: 'Wacht' },
    { id: 'c', title: 'C' },
    { id: 'klaar', title: 'Klaar', terminal: true },
  ],
  transitions: [
    { name: 'naar-b', from: ['open'], to: 'b', rolesAllowed: ['coordinator'] },
    { name: 'b-naar-a', from: ['b'], to: 'a', rolesAllowed: ['coordinator'] },
    { name: 'wachten', from: ['a', 'b'], to: 'wacht', rolesAllowed: ['coordinator'] },
    { name: 'verder', from: ['wacht'], to: 'b', rolesAllowed: ['coordinator'] },
    { name: 'naar-c', from: ['a'], to: 'c', rolesAllowed: ['coordinator'] },
    { name: 'klaar', from: ['c', 'a', 'b'], to: 'klaar', rolesAllowed: ['coordinator'] },
  ],
  deadlines: [{ id: 'termijn', state: 'a', runsIn: ['b'], pausedIn: ['wacht'], startsOn: 'state-entered', duration: { amount: 2, unit: 'calendar-days' } }],
};

describe('runsIn: the engine keeps one instance while the case moves among the states a term runs in', () => {
  it('entering a runsIn state first opens the term; moving to its state keeps it; pausedIn pauses and resumes it; elsewhere it closes', () => {
    const ctx = testContext(modelResolverOf([LOOPT]));
    let { state, events } = run(NO_CASE, openCommand(LOOPT), ctx);
    expect(types(events)).toEqual(['CaseOpened']);
    ({ state, events } = run(state, take('naar-b'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineOpened']);
    expect(events[1]).toMatchObject({ definitionId: 'termijn', state: 'b' });
    const [first] = open(state).deadlines;
    ({ state, events } = run(state, take('wachten'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlinePaused']);
    ctx.advance(DAY);
    ({ state, events } = run(state, take('verder'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineResumed']);
    expect(events[1]).toMatchObject({ deadlineId: first!.deadlineId, pausedMs: DAY });
    ({ state, events } = run(state, take('b-naar-a'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned']);
    expect(open(state).deadlines.map((d) => [d.deadlineId, d.status])).toEqual([[first!.deadlineId, 'running']]);
    ({ state, events } = run(state, take('naar-c'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed']);
    expect(events[1]).toMatchObject({ deadlineId: first!.deadlineId, reason: 'state-left' });
    expect(open(state).deadlines).toEqual([]);
  });
});

/** `LOOPT` with `change` applied to a deep copy of its deadline. */
function withTerm(change: (d: any) => void, model: ModelDefinition = LOOPT): ModelProblem[] {
  const def = structuredClone(model) as any;
  change(def.deadlines[0]);
  return validateModelDefinition(def);
}

describe('runsIn is validated like pausedIn', () => {
  it('the test model is valid', () => expect(validateModelDefinition(LOOPT)).toEqual([]));

  it.each<[string, (d: any) => void, ModelProblem['code'], RegExp]>([
    ['not a list', (d) => (d.runsIn = 'b'), 'SHAPE_INVALID', /deadline "termijn": runsIn must be a list of state ids/],
    ['an unknown state', (d) => (d.runsIn = ['nergens']), 'DEADLINE_RUNS_IN_UNKNOWN', /deadline "termijn" runs on in "nergens", which is not another non-terminal state/],
    ['a terminal state', (d) => (d.runsIn = ['klaar']), 'DEADLINE_RUNS_IN_UNKNOWN', /deadline "termijn" runs on in "klaar"/],
    ['its own state', (d) => (d.runsIn = ['a']), 'DEADLINE_RUNS_IN_UNKNOWN', /deadline "termijn" runs on in "a"/],
    ['not a state id', (d) => (d.runsIn = [7]), 'DEADLINE_RUNS_IN_UNKNOWN', /deadline "termijn" runs on in 7/],
    ['a state it also pauses in', (d) => (d.pausedIn = ['wacht', 'b']), 'DEADLINE_RUNS_AND_PAUSES_IN', /deadline "termijn" both runs on in and pauses in "b"/],
  ])('%s is refused', (_name, change, code, message) => {
    const problems = withTerm(change);
    expect(problems.map((p) => p.code)).toContain(code);
    expect(problems.find((p) => p.code === code)!.message).toMatch(message);
    expect(problems.find((p) => p.code === code)!.path).toMatch(/^deadlines\[0\]\.(runsIn|pausedIn)/);
  });

  it('a term counted from the report that the case can leave from a runsIn state and come back to is refused (it would open twice)', () => {
    // c closes the term; from c the case can go back to b, where the term runs: it would open again with the same due moment.
    const loop = { ...structuredClone(LOOPT), transitions: [...LOOPT.transitions, { name: 'terug-naar-b', from: ['c'], to: 'b', rolesAllowed: ['coordinator'] }] } as ModelDefinition;
    const problems = withTerm((d) => (d.startsOn = 'signal-received'), loop);
    expect(problems.map((p) => p.code)).toEqual(['DEADLINE_REOPENED']);
    expect(problems[0]!.message).toMatch(/deadline "termijn" counts from signal-received, but the case can leave state "a" for "c" and come back/);
    // Letting it run on in c (or pausing it there) keeps the one instance: valid.
    expect(withTerm((d) => ((d.startsOn = 'signal-received'), (d.runsIn = ['b', 'c'])), loop)).toEqual([]);
  });

  it('the built-in Wvggz version 2 term runs in ontvangen and verkennend-onderzoek without reopening', () => {
    expect(WVGGZ.deadlines[0]).toMatchObject({ state: 'ontvangen', runsIn: ['verkennend-onderzoek'] });
    expect(validateModelDefinition(WVGGZ)).toEqual([]);
  });
});
