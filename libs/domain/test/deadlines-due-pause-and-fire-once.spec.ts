import fc from 'fast-check';
import {
  addWorkingDays,
  amsterdamDateOf,
  approachingAt,
  decideCase,
  dueAt,
  modelResolverOf,
  NO_CASE,
  type CaseCommand,
  type CaseState,
  type ModelDefinition,
  type OpenCaseState,
} from '../src/index.js';
import { COORDINATOR, openCommand, run, SYSTEM, testContext, types } from './case.fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('dueAt: pure due-date computation', () => {
  it.each([
    ['48 hours', '2025-06-02T10:00:00.000Z', { amount: 48, unit: 'hours' }, '2025-06-04T10:00:00.000Z'],
    ['14 calendar days, to the end of the day (CEST)', '2025-06-02T10:00:00.000Z', { amount: 14, unit: 'calendar-days' }, '2025-06-16T22:00:00.000Z'],
    ['7 calendar days across the end of summer time', '2025-10-20T10:00:00.000Z', { amount: 7, unit: 'calendar-days' }, '2025-10-27T23:00:00.000Z'],
    ['7 calendar days across the start of summer time', '2025-03-25T10:00:00.000Z', { amount: 7, unit: 'calendar-days' }, '2025-04-01T22:00:00.000Z'],
    ['late evening counts as that Dutch day', '2025-06-01T22:30:00.000Z', { amount: 1, unit: 'calendar-days' }, '2025-06-03T22:00:00.000Z'],
    ['5 working days over Christmas and New Year', '2025-12-24T09:00:00.000Z', { amount: 5, unit: 'working-days' }, '2026-01-05T23:00:00.000Z'],
    ['5 working days over Easter Monday 2026', '2026-04-02T09:00:00.000Z', { amount: 5, unit: 'working-days' }, '2026-04-10T22:00:00.000Z'],
  ] as const)('%s', (_name, start, duration, expected) => {
    expect(dueAt(new Date(start), duration).toISOString()).toBe(expected);
  });

  it("a municipality's closing days count as non-working days", () => {
    const due = dueAt(new Date('2025-12-24T09:00:00Z'), { amount: 5, unit: 'working-days' }, { extraHolidays: ['2026-01-02'] });
    expect(due.toISOString()).toBe('2026-01-06T23:00:00.000Z');
  });

  it('working-day deadlines always end at the end of a working day, the n-th after the start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * 365 * DAY }), fc.integer({ min: 1, max: 30 }), (offset, n) => {
        const start = new Date(Date.UTC(2024, 0, 1) + offset);
        const due = dueAt(start, { amount: n, unit: 'working-days' });
        // The instant just before the due is on the due day, which is addWorkingDays(start, n).
        expect(amsterdamDateOf(new Date(due.getTime() - 1))).toBe(addWorkingDays(start, n));
        expect(amsterdamDateOf(due)).not.toBe(amsterdamDateOf(new Date(due.getTime() - 1)));
        expect(dueAt(start, { amount: n, unit: 'working-days' }).getTime()).toBe(due.getTime());
      }),
    );
  });

  it('approaching: a lead time before the due instant, in the same units', () => {
    const due = new Date('2026-01-05T23:00:00.000Z'); // end of Monday 5 January 2026
    expect(approachingAt(due, { amount: 1, unit: 'working-days' }).toISOString()).toBe('2026-01-04T23:00:00.000Z');
    expect(approachingAt(due, { amount: 2, unit: 'working-days' }).toISOString()).toBe('2026-01-01T23:00:00.000Z');
    expect(approachingAt(due, { amount: 2, unit: 'calendar-days' }).toISOString()).toBe('2026-01-03T23:00:00.000Z');
    expect(approachingAt(due, { amount: 6, unit: 'hours' }).toISOString()).toBe('2026-01-05T17:00:00.000Z');
  });
});

/** intake (5 working days, paused while waiting for information) → behandeling (48 h from opening) → klaar. */
const TERMIJNEN: ModelDefinition = {
  id: 'termijnen',
  version: 1,
  title: 'Termijnen',
  description: 'Deadlines in tests',
  initialState: 'intake',
  states: [
    { id: 'intake', title: 'Intake' },
    { id: 'wacht-op-info', title: 'Wacht op informatie' },
    { id: 'behandeling', title: 'Behandeling' },
    { id: 'klaar', title: 'Klaar', terminal: true },
  ],
  transitions: [
    { name: 'info-vragen', from: ['intake'], to: 'wacht-op-info', rolesAllowed: ['coordinator'] },
    { name: 'info-ontvangen', from: ['wacht-op-info'], to: 'intake', rolesAllowed: ['coordinator'] },
    { name: 'behandelen', from: ['intake'], to: 'behandeling', rolesAllowed: ['coordinator'] },
    { name: 'terug', from: ['behandeling'], to: 'intake', rolesAllowed: ['coordinator'] },
    { name: 'afronden', from: ['behandeling', 'wacht-op-info'], to: 'klaar', rolesAllowed: ['coordinator'] },
  ],
  deadlines: [
    {
      id: 'triage',
      state: 'intake',
      startsOn: 'state-entered',
      duration: { amount: 5, unit: 'working-days' },
      approachingLeadTime: { amount: 1, unit: 'working-days' },
      pausedIn: ['wacht-op-info'],
    },
    // Counted from the opening, it must not close and open again (a second breach): back in intake it pauses.
    { id: 'doorlooptijd', state: 'behandeling', startsOn: 'case-opened', duration: { amount: 48, unit: 'hours' }, pausedIn: ['intake', 'wacht-op-info'] },
  ],
};
const take = (transition: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR });
const open = (state: CaseState) => state as OpenCaseState;

describe('deadlines open on entry, pause and resume, close on leaving, fire once', () => {
  const start = new Date('2025-12-24T09:00:00Z'); // Wednesday before Christmas

  it('entering a state opens its deadlines; leaving closes them; coming back opens a new instance', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state, events } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    expect(types(events)).toEqual(['CaseOpened', 'DeadlineOpened']);
    expect(open(state).deadlines).toEqual([
      {
        deadlineId: 'id-1',
        definitionId: 'triage',
        state: 'intake',
        startsOn: 'state-entered',
        startedAt: start.toISOString(),
        dueAt: '2026-01-05T23:00:00.000Z',
        approachingAt: '2026-01-04T23:00:00.000Z',
        status: 'running',
        pausedAt: null,
        approachingRecorded: false,
        breachedRecorded: false,
      },
    ]);
    ctx.advance(DAY);
    ({ state, events } = run(state, take('behandelen'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'DeadlineOpened']);
    expect(events[1]).toMatchObject({ deadlineId: 'id-1', reason: 'state-left' });
    // `case-opened` counts from the opening, not from entering behandeling.
    expect(events[2]).toMatchObject({ definitionId: 'doorlooptijd', startedAt: start.toISOString(), dueAt: '2025-12-26T09:00:00.000Z' });
    ({ state, events } = run(state, take('terug'), ctx));
    expect(open(state).deadlines.map((d) => [d.deadlineId, d.definitionId, d.status])).toEqual([['id-2', 'doorlooptijd', 'paused'], ['id-3', 'triage', 'running']]);
    // A timer for the old instance finds nothing to do.
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: 'id-1', actor: SYSTEM }, state, ctx)).toEqual([]);
  });

  // The rules for where a resumed term falls due: a-paused-working-day-term-resumes-with-the-working-time-it-had-left.spec.ts.
  it('a deadline pauses in its pausedIn states and resumes with the working days it had left (a pause over Christmas loses none)', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    ctx.advance(DAY);
    let events;
    ({ state, events } = run(state, take('info-vragen'), ctx));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlinePaused']);
    expect(open(state).deadlines[0]).toMatchObject({ status: 'paused', pausedAt: ctx.now.toISOString() });
    // While paused, timers do nothing.
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: 'id-1', actor: SYSTEM }, state, ctx)).toEqual([]);
    ctx.advance(3 * DAY); // paused from Christmas Day to Sunday 28 December: no working day lost
    ({ state, events } = run(state, take('info-ontvangen'), ctx));
    expect(events[1]).toEqual({
      type: 'DeadlineResumed',
      caseId: 'case-1',
      deadlineId: 'id-1',
      definitionId: 'triage',
      pausedMs: 3 * DAY,
      dueAt: '2026-01-05T23:00:00.000Z',
      approachingAt: '2026-01-04T23:00:00.000Z',
      at: ctx.now.toISOString(),
    });
    expect(open(state).deadlines[0]).toMatchObject({ status: 'running', pausedAt: null, dueAt: '2026-01-05T23:00:00.000Z' });
  });

  it('closing the case closes every deadline, paused ones too', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    state = run(state, take('info-vragen'), ctx).state;
    const { events } = run(state, take('afronden'), ctx);
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(events[1]).toMatchObject({ reason: 'case-closed' });
  });

  it('DeadlineApproaching and DeadlineBreached are each recorded exactly once', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    const approaching: CaseCommand = { type: 'RecordDeadlineApproaching', deadlineId: 'id-1', actor: SYSTEM };
    const breached: CaseCommand = { type: 'RecordDeadlineBreached', deadlineId: 'id-1', actor: SYSTEM };
    ctx.set(new Date('2026-01-05T08:00:00Z'));
    let events;
    ({ state, events } = run(state, approaching, ctx));
    expect(events).toEqual([
      {
        type: 'DeadlineApproaching',
        caseId: 'case-1',
        deadlineId: 'id-1',
        definitionId: 'triage',
        state: 'intake',
        dueAt: '2026-01-05T23:00:00.000Z',
        at: '2026-01-05T08:00:00.000Z',
      },
    ]);
    expect(decideCase(approaching, state, ctx)).toEqual([]);
    ctx.set(new Date('2026-01-06T00:00:00Z'));
    ({ state, events } = run(state, breached, ctx));
    expect(types(events)).toEqual(['DeadlineBreached']);
    expect(decideCase(breached, state, ctx)).toEqual([]);
    expect(decideCase(approaching, state, ctx)).toEqual([]);
    // The breach is recorded; the deadline stays open until the case leaves the state.
    expect(open(state).deadlines[0]).toMatchObject({ approachingRecorded: true, breachedRecorded: true });
  });

  it('a deadline without a lead time never records approaching', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    state = run(state, take('behandelen'), ctx).state;
    const id = open(state).deadlines[0].deadlineId;
    expect(decideCase({ type: 'RecordDeadlineApproaching', deadlineId: id, actor: SYSTEM }, state, ctx)).toEqual([]);
    ctx.set(new Date(open(state).deadlines[0].dueAt));
    expect(decideCase({ type: 'RecordDeadlineApproaching', deadlineId: id, actor: SYSTEM }, state, ctx)).toEqual([]);
    expect(types(decideCase({ type: 'RecordDeadlineBreached', deadlineId: id, actor: SYSTEM }, state, ctx))).toEqual(['DeadlineBreached']);
  });

  it('records a breach or an approach only from its moment on (a scheduler may act on a snapshot a resume made stale)', () => {
    const ctx = testContext(modelResolverOf([TERMIJNEN]), start);
    let { state } = run(NO_CASE, openCommand(TERMIJNEN), ctx);
    state = run(state, take('behandelen'), ctx).state;
    const [d] = open(state).deadlines;
    ctx.set(new Date(Date.parse(d!.dueAt) - 1));
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: d!.deadlineId, actor: SYSTEM }, state, ctx)).toEqual([]);
    ctx.set(new Date(d!.dueAt));
    expect(types(decideCase({ type: 'RecordDeadlineBreached', deadlineId: d!.deadlineId, actor: SYSTEM }, state, ctx))).toEqual(['DeadlineBreached']);
  });
});
