import {
  decideCase,
  freezeModel,
  modelResolverOf,
  NO_CASE,
  ONDERMIJNING_INTAKE_MODEL,
  type CaseCommand,
  type CaseDeadline,
  type CaseState,
  type ModelDefinition,
  type ModelDuration,
  type OpenCaseState,
} from '../src/index.js';
import { caseIn, COORDINATOR, openCommand, pausingTermModel, run, SYSTEM, testContext, types } from './case.fixtures.js';

/*
 * A model-version migration carries a term the new version keeps as the same term (same id, start and length), with
 * what was recorded of it. Its warning is the new version's from the migration on: a term still to warn warns by the
 * new lead time before its unchanged due moment (earlier, later, or not at all), and a term that warned already
 * never warns again. The moment is part of the case's state, so the durable timer (`case_view.next_deadline_at`,
 * derived from that state) follows it.
 */

const HOUR = 3_600_000;

/** A version of the intake protocol after `base` whose pickup term warns `lead` before it is due (no warning when absent). */
function intakeWarning(version: number, lead: ModelDuration | undefined, base: ModelDefinition = ONDERMIJNING_INTAKE_MODEL): ModelDefinition {
  return freezeModel({
    ...structuredClone(base),
    version,
    deadlines: base.deadlines.map((d) => {
      const { approachingLeadTime: _old, ...term } = structuredClone(d);
      return lead ? { ...term, approachingLeadTime: lead } : term;
    }),
  });
}

const migrateTo = (toModel: ModelDefinition): CaseCommand => ({ type: 'MigrateModelVersion', toModel, stateMapping: {}, reason: 'Nieuwe versie van het protocol', actor: { id: 'admin-1', role: 'admin' } });
const warn = (d: CaseDeadline): CaseCommand => ({ type: 'RecordDeadlineApproaching', deadlineId: d.deadlineId, actor: SYSTEM });
const breach = (d: CaseDeadline): CaseCommand => ({ type: 'RecordDeadlineBreached', deadlineId: d.deadlineId, actor: SYSTEM });
const termOf = (state: CaseState): CaseDeadline => (state as OpenCaseState).deadlines[0]!;

// Opened on Monday 2 June 2025, 12:00 in Amsterdam: the 7-day pickup term is due at the end of Monday 9 June and, under
// version 1, warns 2 days before, from the start of Saturday 7 June.
const DUE = '2025-06-09T22:00:00.000Z';
const V1_WARNS = '2025-06-07T22:00:00.000Z';

/** A case in `ontvangst` under `v1`, migrated to `v2` at `migratedAt`; the term before and after, and the migration's events. */
function migrated(v2: ModelDefinition, options: { v1?: ModelDefinition; migratedAt?: string; before?: (state: CaseState, ctx: ReturnType<typeof testContext>) => CaseState } = {}) {
  const v1 = options.v1 ?? ONDERMIJNING_INTAKE_MODEL;
  const ctx = testContext(modelResolverOf([v1, v2]));
  let { state } = caseIn(v1, 'ontvangst', ctx);
  if (options.before) state = options.before(state, ctx);
  const before = termOf(state);
  ctx.set(new Date(options.migratedAt ?? '2025-06-03T10:00:00.000Z'));
  const step = run(state, migrateTo(v2), ctx);
  return { ctx, before, events: step.events, state: step.state, term: termOf(step.state) };
}

/** The events the scheduler's command records at `at`. */
function timerAt(state: CaseState, command: CaseCommand, at: string, ctx: ReturnType<typeof testContext>) {
  ctx.set(new Date(at));
  return run(state, command, ctx);
}

describe('a carried term warns by the new version’s lead time from the migration on', () => {
  it('given a version that warns 4 days ahead, when the case moves to it, then the warning moves earlier and is recorded then', () => {
    const { ctx, before, events, state, term } = migrated(intakeWarning(2, { amount: 4, unit: 'calendar-days' }));
    expect(before.approachingAt).toBe(V1_WARNS);
    expect(types(events)).toEqual(['CaseModelMigrated', 'DeadlineApproachingMoved']);
    expect(events[1]).toEqual({
      type: 'DeadlineApproachingMoved',
      caseId: 'case-1',
      deadlineId: before.deadlineId,
      definitionId: 'oppakken',
      dueAt: DUE,
      fromApproachingAt: V1_WARNS,
      approachingAt: '2025-06-05T22:00:00.000Z',
      at: '2025-06-03T10:00:00.000Z',
    });
    expect(term).toEqual({ ...before, approachingAt: '2025-06-05T22:00:00.000Z' });

    expect(timerAt(state, warn(term), '2025-06-05T21:59:59.999Z', ctx).events).toEqual([]);
    const warned = timerAt(state, warn(term), '2025-06-05T22:00:00.000Z', ctx);
    expect(types(warned.events)).toEqual(['DeadlineApproaching']);
    expect(timerAt(warned.state, warn(term), V1_WARNS, ctx).events).toEqual([]);
  });

  it('given a version that warns 1 hour ahead, when the case moves to it, then nothing is recorded at the old moment, and the warning once at the new one', () => {
    const { ctx, state, term } = migrated(intakeWarning(2, { amount: 1, unit: 'hours' }));
    expect(term).toMatchObject({ dueAt: DUE, approachingAt: '2025-06-09T21:00:00.000Z' });
    expect(timerAt(state, warn(term), V1_WARNS, ctx).events).toEqual([]);
    const warned = timerAt(state, warn(term), '2025-06-09T21:00:00.000Z', ctx);
    expect(types(warned.events)).toEqual(['DeadlineApproaching']);
    expect(timerAt(warned.state, warn(term), '2025-06-09T21:30:00.000Z', ctx).events).toEqual([]);
  });

  it('given a version without a warning, when the case moves to it, then the term never warns, and is still breached when due', () => {
    const { ctx, events, state, term } = migrated(intakeWarning(2, undefined));
    expect(events[1]).toMatchObject({ type: 'DeadlineApproachingMoved', fromApproachingAt: V1_WARNS, approachingAt: null });
    expect(term.approachingAt).toBeNull();
    expect(timerAt(state, warn(term), V1_WARNS, ctx).events).toEqual([]);
    expect(types(timerAt(state, breach(term), DUE, ctx).events)).toEqual(['DeadlineBreached']);
  });

  it('given a version 1 without a warning, when the case moves to a version with one, then the term warns by it', () => {
    const { events, term } = migrated(intakeWarning(2, { amount: 2, unit: 'calendar-days' }), { v1: intakeWarning(1, undefined) });
    expect(events[1]).toMatchObject({ type: 'DeadlineApproachingMoved', fromApproachingAt: null, approachingAt: V1_WARNS });
    expect(term.approachingAt).toBe(V1_WARNS);
  });

  it('given a version whose warning moment has passed at the migration, then the next timer round records it, once', () => {
    // 6 days ahead: from the start of Wednesday 4 June, before the migration that noon.
    const { ctx, state, term } = migrated(intakeWarning(2, { amount: 6, unit: 'calendar-days' }), { migratedAt: '2025-06-04T10:00:00.000Z' });
    expect(term.approachingAt).toBe('2025-06-03T22:00:00.000Z');
    const warned = timerAt(state, warn(term), '2025-06-04T10:00:01.000Z', ctx);
    expect(types(warned.events)).toEqual(['DeadlineApproaching']);
    expect(timerAt(warned.state, warn(term), '2025-06-04T11:00:00.000Z', ctx).events).toEqual([]);
  });

  it('given a version with the same warning, then the migration moves nothing', () => {
    const { events, before, term } = migrated(intakeWarning(2, { amount: 2, unit: 'calendar-days' }));
    expect(types(events)).toEqual(['CaseModelMigrated']);
    expect(term).toEqual(before);
  });
});

describe('a carried term that warned already never warns again', () => {
  it('given the warning recorded under version 1, when the case moves to a version that warns later, then nothing moves and nothing is recorded again', () => {
    const { ctx, before, events, state, term } = migrated(intakeWarning(2, { amount: 1, unit: 'hours' }), {
      migratedAt: '2025-06-08T10:00:00.000Z',
      before: (s, c) => {
        const warned = timerAt(s, warn(termOf(s)), V1_WARNS, c);
        expect(types(warned.events)).toEqual(['DeadlineApproaching']);
        return warned.state;
      },
    });
    expect(types(events)).toEqual(['CaseModelMigrated']);
    expect(term).toEqual({ ...before, approachingRecorded: true });
    expect(timerAt(state, warn(term), '2025-06-09T21:00:00.000Z', ctx).events).toEqual([]);
  });

  it('given the term breached under version 1, when the case moves to a version that warns differently, then nothing moves', () => {
    const { events, term, before } = migrated(intakeWarning(2, { amount: 1, unit: 'hours' }), {
      migratedAt: '2025-06-10T10:00:00.000Z',
      before: (s, c) => timerAt(s, breach(termOf(s)), DUE, c).state,
    });
    expect(types(events)).toEqual(['CaseModelMigrated']);
    expect(term).toEqual(before);
  });
});

describe('a paused carried term warns by the new version’s lead time when it resumes', () => {
  /** A 48-hour term, paused while the case waits for information; warning `lead` before it is due. */
  const pausing = (version: number, lead?: ModelDuration) => pausingTermModel(version, { startsOn: 'state-entered', duration: { amount: 48, unit: 'hours' }, lead });
  const take = (transition: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR });

  it.each<[string, ModelDuration | undefined, ModelDuration]>([
    ['a version that warned 4 hours ahead', { amount: 4, unit: 'hours' }, { amount: 10, unit: 'hours' }],
    ['a version without a warning', undefined, { amount: 10, unit: 'hours' }],
  ])('given %s, when the paused case moves to one warning 10 hours ahead and resumes, then it warns 10 hours before its new due moment', (_name, oldLead, newLead) => {
    const v1 = pausing(1, oldLead);
    const v2 = pausing(2, newLead);
    const ctx = testContext(modelResolverOf([v1, v2]));
    let { state } = run(NO_CASE, openCommand(v1), ctx); // due 48 hours after 2 June 10:00 UTC
    ctx.advance(HOUR);
    state = run(state, take('info-vragen'), ctx).state;
    ctx.advance(HOUR);
    const migration = run(state, migrateTo(v2), ctx);
    expect(types(migration.events)).toEqual(['CaseModelMigrated', 'DeadlineApproachingMoved']);
    expect(termOf(migration.state)).toMatchObject({ status: 'paused', dueAt: '2025-06-04T10:00:00.000Z', approachingAt: '2025-06-04T00:00:00.000Z' });
    ctx.advance(3 * HOUR); // paused for 4 hours in all
    const resumed = run(migration.state, take('info-ontvangen'), ctx);
    expect(termOf(resumed.state)).toMatchObject({ status: 'running', dueAt: '2025-06-04T14:00:00.000Z', approachingAt: '2025-06-04T04:00:00.000Z' });
    expect(decideCase(warn(termOf(resumed.state)), resumed.state, { ...ctx, now: new Date('2025-06-04T03:59:59.999Z') })).toEqual([]);
    expect(types(decideCase(warn(termOf(resumed.state)), resumed.state, { ...ctx, now: new Date('2025-06-04T04:00:00.000Z') }))).toEqual(['DeadlineApproaching']);
  });
});
