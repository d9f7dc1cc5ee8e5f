import fc from 'fast-check';
import {
  decideCase,
  DomainError,
  evolveCase,
  foldCase,
  freezeModel,
  modelResolverOf,
  NO_CASE,
  validateModelDefinition,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL as WVGGZ,
  type CaseCommand,
  type CaseDeadline,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type ModelDuration,
  type OpenCaseState,
} from '../src/index.js';
import { COORDINATOR, openCommand, pausingTermModel, run, SYSTEM, testContext, types } from './case.fixtures.js';

/*
 * A model version that changes a term's length (same id, counted from the same start) ends the old instance and opens
 * one of the new length from the same start. It is still one legal obligation: the replacing term takes over what
 * was recorded of the old one, so across any number of migrations a term warns at most once and is breached at most
 * once (a second breach could escalate to the police a second time). A term breached before the migration stays
 * breached, also when the new length puts its due moment in the future; one that warned never warns again, also when
 * the new length puts its warning later. A term that had done neither warns and is breached by its new length.
 */

const DAY = 86_400_000;
const TERM = 'verkennend-onderzoek-afgerond';
const migrateTo = (toModel: ModelDefinition): CaseCommand => ({ type: 'MigrateModelVersion', toModel, stateMapping: {}, reason: 'Nieuwe termijn van de gemeente', actor: { id: 'admin-1', role: 'admin' } });
const take = (transition: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR });
const open = (state: CaseState) => state as OpenCaseState;

/** The next Wvggz version, its term `days` calendar days long (the same 3-day warning). */
function wvggzWithTerm(version: number, days: number): ModelDefinition {
  return freezeModel({
    ...structuredClone(WVGGZ),
    version,
    deadlines: WVGGZ.deadlines.map((d) => ({ ...structuredClone(d), duration: { amount: days, unit: 'calendar-days' as const } })),
  });
}

/** What the scheduler records at `at`: the breach of each running term past due, else its warning once its moment passed. */
function timerRound(state: CaseState, at: string, ctx: ReturnType<typeof testContext>): { state: CaseState; events: CaseEvent[] } {
  ctx.set(new Date(at));
  const events: CaseEvent[] = [];
  if (state.status !== 'open') return { state, events };
  for (const d of state.deadlines) {
    if (d.status !== 'running' || d.breachedRecorded) continue;
    const now = ctx.now.getTime();
    const breach = Date.parse(d.dueAt) <= now;
    if (!breach && (d.approachingRecorded || d.approachingAt === null || Date.parse(d.approachingAt) > now)) continue;
    const command: CaseCommand = { type: breach ? 'RecordDeadlineBreached' : 'RecordDeadlineApproaching', deadlineId: d.deadlineId, actor: SYSTEM };
    const recorded = decideCase(command, state, ctx);
    state = recorded.reduce(evolveCase, state);
    events.push(...recorded);
  }
  return { state, events };
}

// Reported and opened on Monday 2 June 2025, 12:00 in Amsterdam. Version 2's 14-day term is due at the end of Monday
// 16 June and warns from the start of Saturday 14 June; 21 days: due at the end of 23 June, warning from 21 June; 10
// days: due at the end of 12 June, warning from 10 June.
const DUE_14 = '2025-06-16T22:00:00.000Z';
const WARNS_14 = '2025-06-13T22:00:00.000Z';
const DUE_21 = '2025-06-23T22:00:00.000Z';
const WARNS_21 = '2025-06-20T22:00:00.000Z';

/** A Wvggz case in verkennend onderzoek under version 2, with the timer run at each of `rounds`. */
function wvggzCase(v3: ModelDefinition, rounds: string[]) {
  const ctx = testContext(modelResolverOf([WVGGZ, v3]));
  let { state } = run(NO_CASE, openCommand(WVGGZ, { signalReceivedAt: ctx.now.toISOString() }), ctx);
  state = run(state, take('start-verkennend-onderzoek'), ctx).state;
  const recorded: CaseEvent[] = [];
  for (const at of rounds) {
    const round = timerRound(state, at, ctx);
    state = round.state;
    recorded.push(...round.events);
  }
  return { ctx, state, recorded };
}

describe('a term breached before a migration that changes its length is not breached again', () => {
  it.each([
    ['after its new due moment too', '2025-06-27T10:00:00.000Z'],
    ['before its new due moment', '2025-06-18T10:00:00.000Z'],
  ])('given the 14-day term breached, when the case moves to 21 days %s, then no timer round records anything', (_when, migratedAt) => {
    const { ctx, state, recorded } = wvggzCase(wvggzWithTerm(3, 21), [WARNS_14, DUE_14]);
    expect(types(recorded)).toEqual(['DeadlineApproaching', 'DeadlineBreached']);
    const old = open(state).deadlines[0]!;
    ctx.set(new Date(migratedAt));
    const migration = run(state, migrateTo(wvggzWithTerm(3, 21)), ctx);
    expect(types(migration.events)).toEqual(['CaseModelMigrated', 'DeadlineClosed', 'DeadlineOpened']);
    expect(migration.events[2]).toMatchObject({ definitionId: TERM, startedAt: old.startedAt, dueAt: DUE_21, approachingRecorded: true, breachedRecorded: true, replaces: old.deadlineId });
    const term = open(migration.state).deadlines[0]!;
    expect(term).toMatchObject({ dueAt: DUE_21, approachingRecorded: true, breachedRecorded: true });
    let after = migration.state;
    for (const at of [migratedAt, WARNS_21, DUE_21, '2025-07-01T10:00:00.000Z']) {
      const round = timerRound(after, at, ctx);
      expect(round.events).toEqual([]);
      after = round.state;
    }
    // Nor when the scheduler acts on a snapshot: the decider itself refuses a second breach.
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: term.deadlineId, actor: SYSTEM }, after, ctx)).toEqual([]);
  });
});

describe('a term that warned before a migration that changes its length does not warn again', () => {
  it('given the warning recorded, when the case moves to a shorter term already past due, then the next round records the breach alone', () => {
    const { ctx, state, recorded } = wvggzCase(wvggzWithTerm(3, 10), [WARNS_14]);
    expect(types(recorded)).toEqual(['DeadlineApproaching']);
    ctx.set(new Date('2025-06-14T10:00:00.000Z'));
    const migration = run(state, migrateTo(wvggzWithTerm(3, 10)), ctx);
    expect(open(migration.state).deadlines[0]).toMatchObject({ dueAt: '2025-06-12T22:00:00.000Z', approachingRecorded: true, breachedRecorded: false });
    const round = timerRound(migration.state, '2025-06-14T10:00:00.000Z', ctx);
    expect(types(round.events)).toEqual(['DeadlineBreached']);
    expect(timerRound(round.state, '2025-06-20T10:00:00.000Z', ctx).events).toEqual([]);
  });

  it('given the warning recorded, when the case moves to a longer term, then it is not warned of again, and breached once at its new due moment', () => {
    const { ctx, state } = wvggzCase(wvggzWithTerm(3, 21), [WARNS_14]);
    ctx.set(new Date('2025-06-15T10:00:00.000Z'));
    const migration = run(state, migrateTo(wvggzWithTerm(3, 21)), ctx);
    expect(timerRound(migration.state, WARNS_21, ctx).events).toEqual([]);
    const breached = timerRound(migration.state, DUE_21, ctx);
    expect(types(breached.events)).toEqual(['DeadlineBreached']);
    expect(breached.events[0]).toMatchObject({ dueAt: DUE_21 });
  });
});

describe('a term that had neither warned nor been breached warns and is breached by its new length, once each', () => {
  it('given the 14-day term not yet due, when the case moves to 21 days, then it warns at the new warning and is breached at the new due moment', () => {
    const { ctx, state } = wvggzCase(wvggzWithTerm(3, 21), []);
    ctx.set(new Date('2025-06-10T10:00:00.000Z'));
    const migration = run(state, migrateTo(wvggzWithTerm(3, 21)), ctx);
    expect(migration.events[2]).not.toHaveProperty('approachingRecorded');
    expect(migration.events[2]).not.toHaveProperty('breachedRecorded');
    expect(timerRound(migration.state, WARNS_14, ctx).events).toEqual([]);
    expect(timerRound(migration.state, DUE_14, ctx).events).toEqual([]);
    const warned = timerRound(migration.state, WARNS_21, ctx);
    expect(types(warned.events)).toEqual(['DeadlineApproaching']);
    const breached = timerRound(warned.state, DUE_21, ctx);
    expect(types(breached.events)).toEqual(['DeadlineBreached']);
    expect(timerRound(breached.state, '2025-07-01T10:00:00.000Z', ctx).events).toEqual([]);
  });
});

/** intake → wacht-op-info (the term paused) → intake → klaar; a term of `hours` counted from the opening. */
const pausing = (version: number, hours: number) => pausingTermModel(version, { startsOn: 'case-opened', duration: { amount: hours, unit: 'hours' }, lead: { amount: 4, unit: 'hours' } });

describe('a paused term whose length a migration changes stays paused, with what was recorded of it', () => {
  it('given the 48-hour term breached and then paused, when the case moves to 72 hours and resumes, then it is not breached again', () => {
    const v1 = pausing(1, 48);
    const v2 = pausing(2, 72);
    const ctx = testContext(modelResolverOf([v1, v2]));
    let { state } = run(NO_CASE, openCommand(v1), ctx);
    state = timerRound(state, '2025-06-04T10:00:00.000Z', ctx).state;
    expect(open(state).deadlines[0]).toMatchObject({ breachedRecorded: true });
    ctx.advance(DAY);
    state = run(state, take('info-vragen'), ctx).state;
    ctx.advance(DAY);
    const migration = run(state, migrateTo(v2), ctx);
    expect(types(migration.events)).toEqual(['CaseModelMigrated', 'DeadlineClosed', 'DeadlineOpened', 'DeadlinePaused']);
    expect(open(migration.state).deadlines).toEqual([expect.objectContaining({ status: 'paused', breachedRecorded: true })]);
    ctx.advance(DAY);
    const resumed = run(migration.state, take('info-ontvangen'), ctx);
    expect(types(resumed.events)).toEqual(['CaseTransitioned', 'DeadlineResumed']);
    expect(timerRound(resumed.state, '2025-06-20T10:00:00.000Z', ctx).events).toEqual([]);
  });

  it('given the 48-hour term paused before it warned, when the case moves to 24 hours and resumes, then it is breached once by the new length', () => {
    const v1 = pausing(1, 48);
    const v2 = pausing(2, 24);
    const ctx = testContext(modelResolverOf([v1, v2]));
    let { state } = run(NO_CASE, openCommand(v1), ctx);
    ctx.advance(2 * 3_600_000);
    state = run(state, take('info-vragen'), ctx).state;
    ctx.advance(DAY);
    const migration = run(state, migrateTo(v2), ctx);
    expect(open(migration.state).deadlines).toEqual([expect.objectContaining({ status: 'paused', approachingRecorded: false, breachedRecorded: false })]);
    const resumed = run(migration.state, take('info-ontvangen'), ctx);
    const breached = timerRound(resumed.state, '2025-06-20T10:00:00.000Z', ctx);
    expect(types(breached.events)).toEqual(['DeadlineBreached']);
    expect(timerRound(breached.state, '2025-06-21T10:00:00.000Z', ctx).events).toEqual([]);
  });
});

/*
 * Property: over random walks through a model with a term counted from the report (running on in a second state,
 * paused in a third) and one counted from entering a state, with timer rounds and migrations to versions of random
 * lengths, units and warnings in between, each term (definition and start) is warned of at most once and breached at
 * most once, and folding the events rebuilds the state.
 */
const DURATIONS: ModelDuration[] = [
  { amount: 2, unit: 'hours' },
  { amount: 30, unit: 'hours' },
  { amount: 1, unit: 'calendar-days' },
  { amount: 5, unit: 'calendar-days' },
  { amount: 14, unit: 'calendar-days' },
  { amount: 3, unit: 'working-days' },
  { amount: 10, unit: 'working-days' },
];
const LEADS: (ModelDuration | undefined)[] = [undefined, { amount: 1, unit: 'hours' }, { amount: 1, unit: 'calendar-days' }, { amount: 2, unit: 'working-days' }];

/** Version `version` of the walk's model with these term lengths and warnings. */
function walkModel(version: number, [melding, onderzoek]: readonly [ModelDuration, ModelDuration], [meldingLead, onderzoekLead]: readonly [ModelDuration | undefined, ModelDuration | undefined]): ModelDefinition {
  const lead = (l: ModelDuration | undefined) => (l ? { approachingLeadTime: l } : {});
  return freezeModel({
    id: 'termijnwandeling',
    version,
    title: 'Termijnwandeling',
    description: 'Terms across migrations in tests',
    initialState: 'ontvangen',
    states: [
      { id: 'ontvangen', title: 'Ontvangen' },
      { id: 'onderzoek', title: 'Onderzoek' },
      { id: 'wacht-op-info', title: 'Wacht op informatie' },
      { id: 'klaar', title: 'Klaar', terminal: true },
    ],
    transitions: [
      { name: 'onderzoeken', from: ['ontvangen', 'wacht-op-info'], to: 'onderzoek', rolesAllowed: ['coordinator'] },
      { name: 'info-vragen', from: ['ontvangen', 'onderzoek'], to: 'wacht-op-info', rolesAllowed: ['coordinator'] },
      { name: 'afronden', from: ['onderzoek'], to: 'klaar', rolesAllowed: ['coordinator'] },
    ],
    deadlines: [
      { id: 'melding', state: 'ontvangen', runsIn: ['onderzoek'], pausedIn: ['wacht-op-info'], startsOn: 'signal-received', duration: melding, ...lead(meldingLead) },
      { id: 'onderzoek', state: 'onderzoek', startsOn: 'state-entered', duration: onderzoek, ...lead(onderzoekLead) },
    ],
  });
}

type WalkStep = { transition: string } | { timer: true } | { migrate: { lengths: [ModelDuration, ModelDuration]; leads: [ModelDuration | undefined, ModelDuration | undefined] } };
const walkStep: fc.Arbitrary<{ wait: number; step: WalkStep }> = fc.record({
  // Every step takes time, so a term opened again later has another start than the one before.
  wait: fc.integer({ min: 60_000, max: 4 * DAY }),
  step: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('onderzoeken', 'info-vragen', 'afronden').map((transition): WalkStep => ({ transition })) },
    { weight: 4, arbitrary: fc.constant<WalkStep>({ timer: true }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ lengths: fc.tuple(fc.constantFrom(...DURATIONS), fc.constantFrom(...DURATIONS)), leads: fc.tuple(fc.constantFrom(...LEADS), fc.constantFrom(...LEADS)) })
        .map((migrate): WalkStep => ({ migrate })),
    },
  ),
});

describe('across migrations that change a term’s length, a term is warned of at most once and breached at most once', () => {
  it('holds for random walks with timer rounds and migrations', () => {
    let breachesCarried = 0;
    fc.assert(
      fc.property(
        fc.tuple(fc.constantFrom(...DURATIONS), fc.constantFrom(...DURATIONS)),
        fc.tuple(fc.constantFrom(...LEADS), fc.constantFrom(...LEADS)),
        fc.array(walkStep, { minLength: 1, maxLength: 40 }),
        (lengths, leads, walk) => {
          const versions = [walkModel(1, lengths, leads)];
          for (const { step } of walk) if ('migrate' in step) versions.push(walkModel(versions.length + 1, step.migrate.lengths, step.migrate.leads));
          versions.forEach((v) => expect(validateModelDefinition(v)).toEqual([]));
          const ctx = testContext(modelResolverOf(versions));
          const events = decideCase(openCommand(versions[0]!, { signalReceivedAt: ctx.now.toISOString() }), NO_CASE, ctx);
          let state = foldCase(events);
          let next = 1;
          for (const { wait, step } of walk) {
            ctx.advance(wait);
            if (state.status !== 'open') break;
            let produced: CaseEvent[];
            if ('timer' in step) {
              const round = timerRound(state, ctx.now.toISOString(), ctx);
              produced = round.events;
            } else {
              const command: CaseCommand = 'transition' in step ? take(step.transition) : migrateTo(versions[next++]!);
              try {
                produced = decideCase(command, state, ctx);
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                continue;
              }
              if ('migrate' in step) {
                const breachedBefore = state.deadlines.filter((d) => d.breachedRecorded).map((d) => d.definitionId);
                breachesCarried += produced.filter((e) => e.type === 'DeadlineOpened' && breachedBefore.includes(e.definitionId)).length;
              }
            }
            state = produced.reduce(evolveCase, state);
            events.push(...produced);
          }
          expect(foldCase(events)).toEqual(state);
          // A term is its definition counted from its start: the instances a migration replaced share both.
          const startOf = new Map(events.flatMap((e) => (e.type === 'DeadlineOpened' ? [[e.deadlineId, `${e.definitionId}@${e.startedAt}`] as const] : [])));
          const perTerm = (type: 'DeadlineApproaching' | 'DeadlineBreached') => events.flatMap((e) => (e.type === type ? [startOf.get(e.deadlineId)!] : []));
          for (const type of ['DeadlineApproaching', 'DeadlineBreached'] as const) {
            const recorded = perTerm(type);
            expect(new Set(recorded).size).toBe(recorded.length);
          }
          const open = state.status === 'open' ? state.deadlines : ([] as CaseDeadline[]);
          expect(new Set(open.map((d) => d.definitionId)).size).toBe(open.length);
        },
      ),
      { numRuns: 400 },
    );
    // Not vacuous: some walks replaced a breached term with one of another length.
    expect(breachesCarried).toBeGreaterThan(0);
  });
});
