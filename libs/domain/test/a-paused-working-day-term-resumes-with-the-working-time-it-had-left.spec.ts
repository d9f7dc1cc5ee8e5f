import fc from 'fast-check';
import {
  addWorkingDays,
  amsterdamDateOf,
  approachingAt,
  decideCase,
  isWorkingDay,
  modelResolverOf,
  NO_CASE,
  type CaseCommand,
  type CaseDeadline,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type ModelDuration,
  type OpenCaseState,
} from '../src/index.js';
import { COORDINATOR, openCommand, pausingTermModel, run, SYSTEM, testContext, type TestClock } from './case.fixtures.js';

/*
 * A working-day term counts working days, so a pause costs it the working days the pause took, not the hours.
 * The days the term had left at the pause (the working days after the pause day up to its due day) are counted
 * again from the resume day, the way `dueAt` counts from a start (that day itself never counts) to the end of
 * the last one. A term paused on its last day still had part of that day: it is due at the end of the resume
 * day, or of the next working day when that is not one. Calendar-day and hour terms move on by the pause.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** intake holds one term, paused while the case waits for information. */
const modelWith = (duration: ModelDuration, lead?: ModelDuration): ModelDefinition => pausingTermModel(1, { startsOn: 'state-entered', duration, lead });

const FIVE_WORKING_DAYS = modelWith({ amount: 5, unit: 'working-days' }, { amount: 1, unit: 'working-days' });
const take = (transition: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR });
const termOf = (state: CaseState): CaseDeadline => (state as OpenCaseState).deadlines[0]!;

interface Scenario {
  model?: ModelDefinition;
  calendar?: TestClock['calendar'];
  opened: string;
  paused: string;
  resumed: string;
}

/** Opens the case, pauses the term and resumes it at the given instants; the term at each step. */
function pauseAndResume(s: Scenario): { opened: CaseDeadline; paused: CaseDeadline; resumed: CaseDeadline; event: CaseEvent; ctx: TestClock; state: CaseState } {
  const model = s.model ?? FIVE_WORKING_DAYS;
  const ctx = testContext(modelResolverOf([model]), new Date(s.opened));
  if (s.calendar) ctx.calendar = s.calendar;
  let { state } = run(NO_CASE, openCommand(model), ctx);
  const opened = termOf(state);
  ctx.set(new Date(s.paused));
  state = run(state, take('info-vragen'), ctx).state;
  const paused = termOf(state);
  ctx.set(new Date(s.resumed));
  const step = run(state, take('info-ontvangen'), ctx);
  const event = step.events.find((e) => e.type === 'DeadlineResumed')!;
  return { opened, paused, resumed: termOf(step.state), event, ctx, state: step.state };
}

describe('a paused working-day term resumes with the working time it had left', () => {
  it('a pause over Christmas (25-28 Dec) loses no working day: the term is due when it was', () => {
    // Wed 24 Dec 2025: 5 working days are 29, 30, 31 Dec, 2 and 5 Jan; due at the end of Monday 5 January.
    const { opened, resumed, event } = pauseAndResume({
      opened: '2025-12-24T09:00:00.000Z',
      paused: '2025-12-25T09:00:00.000Z', // Christmas Day
      resumed: '2025-12-28T09:00:00.000Z', // Sunday
    });
    expect(opened).toMatchObject({ dueAt: '2026-01-05T23:00:00.000Z', approachingAt: '2026-01-04T23:00:00.000Z' });
    // The wall-clock shift gave it three more working days (end of Thursday 8 January).
    expect(event).toEqual({
      type: 'DeadlineResumed',
      caseId: 'case-1',
      deadlineId: 'id-1',
      definitionId: 'termijn',
      pausedMs: 3 * DAY,
      dueAt: '2026-01-05T23:00:00.000Z',
      approachingAt: '2026-01-04T23:00:00.000Z',
      at: '2025-12-28T09:00:00.000Z',
    });
    expect(resumed).toMatchObject({ status: 'running', pausedAt: null, dueAt: '2026-01-05T23:00:00.000Z', approachingAt: '2026-01-04T23:00:00.000Z' });
  });

  it('a pause over Christmas into a working day moves the term by that working day only, past New Year', () => {
    // Mon 22 Dec 2025: 23, 24, 29, 30, 31 Dec; due at the end of Wednesday 31 December. Paused on the 24th with
    // 29, 30 and 31 Dec left; resumed on Monday the 29th, those three are 30, 31 Dec and 2 Jan.
    const { opened, event } = pauseAndResume({
      opened: '2025-12-22T09:00:00.000Z',
      paused: '2025-12-24T12:00:00.000Z',
      resumed: '2025-12-29T09:00:00.000Z',
    });
    expect(opened.dueAt).toBe('2025-12-31T23:00:00.000Z');
    expect(event).toMatchObject({ pausedMs: 5 * DAY - 3 * HOUR, dueAt: '2026-01-02T23:00:00.000Z', approachingAt: '2026-01-01T23:00:00.000Z' });
  });

  it('a term due at the end of a Friday and paused for a day is due at the end of a working day, never a weekend day', () => {
    // Fri 2 Jan 2026: 5, 6, 7, 8, 9 Jan; due at the end of Friday 9 January, approaching from its start.
    const { opened, event } = pauseAndResume({
      opened: '2026-01-02T09:00:00.000Z',
      paused: '2026-01-08T09:00:00.000Z', // Thursday: Friday left
      resumed: '2026-01-09T09:00:00.000Z', // Friday: one working day is counted from it, Monday
    });
    expect(opened).toMatchObject({ dueAt: '2026-01-09T23:00:00.000Z', approachingAt: '2026-01-08T23:00:00.000Z' });
    // The wall-clock shift made it due at the end of Saturday 10 January and approaching from its start.
    expect(event).toMatchObject({ pausedMs: DAY, dueAt: '2026-01-12T23:00:00.000Z', approachingAt: '2026-01-11T23:00:00.000Z' });
  });

  it('a term paused on its last working day and resumed at the weekend is due at the end of the next working day', () => {
    const { event } = pauseAndResume({
      opened: '2026-01-02T09:00:00.000Z', // due at the end of Friday 9 January
      paused: '2026-01-09T09:00:00.000Z', // the rest of Friday left
      resumed: '2026-01-10T09:00:00.000Z', // Saturday
    });
    expect(event).toMatchObject({ pausedMs: DAY, dueAt: '2026-01-12T23:00:00.000Z', approachingAt: '2026-01-11T23:00:00.000Z' });
  });

  it('a term paused and resumed on the same working day is due when it was', () => {
    const { opened, event } = pauseAndResume({
      opened: '2026-01-02T09:00:00.000Z',
      paused: '2026-01-06T08:00:00.000Z',
      resumed: '2026-01-06T15:00:00.000Z',
    });
    expect(event).toMatchObject({ pausedMs: 7 * HOUR, dueAt: opened.dueAt, approachingAt: opened.approachingAt });
  });

  it("a municipality's closing day during the pause is no working day lost (ctx.calendar counts it)", () => {
    // Closed on Friday 2 January 2026. Wed 24 Dec 2025: 29, 30, 31 Dec, 5 and 6 Jan; due at the end of Tuesday 6 January.
    const calendar = { extraHolidays: ['2026-01-02'] };
    const { opened, event } = pauseAndResume({
      calendar,
      opened: '2025-12-24T09:00:00.000Z',
      paused: '2025-12-31T12:00:00.000Z', // 5 and 6 Jan left
      resumed: '2026-01-04T12:00:00.000Z', // Sunday: 1 Jan, the closing day and the weekend lie in the pause
    });
    expect(opened).toMatchObject({ dueAt: '2026-01-06T23:00:00.000Z', approachingAt: '2026-01-05T23:00:00.000Z' });
    // Counted with statutory holidays only, 2 January would have been a working day lost (due on the 7th).
    expect(event).toMatchObject({ pausedMs: 4 * DAY, dueAt: '2026-01-06T23:00:00.000Z', approachingAt: '2026-01-05T23:00:00.000Z' });
  });

  it("a municipality's closing day after the resume is skipped by the working days left", () => {
    // Closed on Monday 12 January 2026. Fri 2 Jan: due at the end of Friday 9 January.
    const { opened, event } = pauseAndResume({
      calendar: { extraHolidays: ['2026-01-12'] },
      opened: '2026-01-02T09:00:00.000Z',
      paused: '2026-01-07T09:00:00.000Z', // 8 and 9 Jan left
      resumed: '2026-01-09T09:00:00.000Z', // they are Tuesday 13 and Wednesday 14 (12 is closed)
    });
    expect(opened.dueAt).toBe('2026-01-09T23:00:00.000Z');
    expect(event).toMatchObject({ dueAt: '2026-01-14T23:00:00.000Z', approachingAt: '2026-01-13T23:00:00.000Z' });
  });

  it('a term whose due moment passes during the pause is not breached: the working days it had left at the pause count from the resume', () => {
    const { opened, event, ctx, state } = pauseAndResume({
      opened: '2026-01-02T09:00:00.000Z', // due at the end of Friday 9 January
      paused: '2026-01-07T09:00:00.000Z', // Wednesday: 8 and 9 Jan left
      resumed: '2026-01-17T09:00:00.000Z', // Saturday after the due moment: Monday 19 and Tuesday 20
    });
    expect(Date.parse(opened.dueAt)).toBeLessThan(ctx.now.getTime());
    // The wall-clock shift made it due at the end of Monday 19 January: a working day short.
    expect(event).toMatchObject({ pausedMs: 10 * DAY, dueAt: '2026-01-20T23:00:00.000Z', approachingAt: '2026-01-19T23:00:00.000Z' });
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: 'id-1', actor: SYSTEM }, state, ctx)).toEqual([]);
    expect(decideCase({ type: 'RecordDeadlineApproaching', deadlineId: 'id-1', actor: SYSTEM }, state, ctx)).toEqual([]);
  });

  it('a term already due when it was paused had no working time left: it resumes with the due moment it had', () => {
    const { opened, event, ctx, state } = pauseAndResume({
      opened: '2026-01-02T09:00:00.000Z', // due at the end of Friday 9 January
      paused: '2026-01-12T09:00:00.000Z', // Monday after: overdue
      resumed: '2026-01-14T09:00:00.000Z',
    });
    expect(event).toMatchObject({ pausedMs: 2 * DAY, dueAt: opened.dueAt, approachingAt: opened.approachingAt });
    // The pause did not hide the breach: the timer still records it.
    expect(decideCase({ type: 'RecordDeadlineBreached', deadlineId: 'id-1', actor: SYSTEM }, state, ctx).map((e) => e.type)).toEqual(['DeadlineBreached']);
  });

  it('any pause: the resumed term is due at the end of a working day, with the working days it had left, and approaching stays its lead before', () => {
    const calendar = { extraHolidays: ['2026-01-02', '2026-05-15', '2026-12-28'] };
    const model = modelWith({ amount: 7, unit: 'working-days' }, { amount: 2, unit: 'working-days' });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * DAY }),
        fc.integer({ min: 0, max: 12 * DAY }),
        fc.integer({ min: 0, max: 20 * DAY }),
        (openedOffset, beforePause, pause) => {
          const opened = Date.UTC(2025, 11, 1) + openedOffset;
          const { paused, event } = pauseAndResume({
            model,
            calendar,
            opened: new Date(opened).toISOString(),
            paused: new Date(opened + beforePause).toISOString(),
            resumed: new Date(opened + beforePause + pause).toISOString(),
          });
          if (event.type !== 'DeadlineResumed') throw new Error('expected DeadlineResumed');
          const pausedAt = new Date(paused.pausedAt!);
          if (pausedAt.getTime() >= Date.parse(paused.dueAt)) {
            expect(event.dueAt).toBe(paused.dueAt);
            return;
          }
          const due = new Date(event.dueAt);
          const lastDay = amsterdamDateOf(new Date(due.getTime() - 1));
          expect(amsterdamDateOf(due)).not.toBe(lastDay); // the end of a day
          expect(isWorkingDay(lastDay, calendar)).toBe(true);
          const resumedAt = new Date(event.at);
          const left = workingDaysLeft(pausedAt, paused.dueAt, calendar);
          expect(lastDay).toBe(left === 0 ? firstWorkingDayFrom(resumedAt, calendar) : addWorkingDays(resumedAt, left, calendar));
          expect(due.getTime()).toBeGreaterThan(resumedAt.getTime());
          expect(event.approachingAt).toBe(approachingAt(due, { amount: 2, unit: 'working-days' }, calendar).toISOString());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('calendar-day and hour terms move on by the pause', () => {
  it('a 14-calendar-day term paused over Christmas is due three days later', () => {
    // Wed 24 Dec 2025 + 14 days: the end of Wednesday 7 January; approaching two days before, from the start of the 6th.
    const { opened, event } = pauseAndResume({
      model: modelWith({ amount: 14, unit: 'calendar-days' }, { amount: 2, unit: 'calendar-days' }),
      opened: '2025-12-24T09:00:00.000Z',
      paused: '2025-12-25T09:00:00.000Z',
      resumed: '2025-12-28T09:00:00.000Z',
    });
    expect(opened).toMatchObject({ dueAt: '2026-01-07T23:00:00.000Z', approachingAt: '2026-01-05T23:00:00.000Z' });
    expect(event).toMatchObject({ pausedMs: 3 * DAY, dueAt: '2026-01-10T23:00:00.000Z', approachingAt: '2026-01-08T23:00:00.000Z' });
  });

  it('an hour term moves on by the paused time, and approaching with it', () => {
    const { opened, event } = pauseAndResume({
      model: modelWith({ amount: 48, unit: 'hours' }, { amount: 6, unit: 'hours' }),
      opened: '2025-12-24T09:00:00.000Z',
      paused: '2025-12-24T15:00:00.000Z',
      resumed: '2025-12-25T02:30:00.000Z',
    });
    expect(opened).toMatchObject({ dueAt: '2025-12-26T09:00:00.000Z', approachingAt: '2025-12-26T03:00:00.000Z' });
    expect(event).toMatchObject({ pausedMs: 11.5 * HOUR, dueAt: '2025-12-26T20:30:00.000Z', approachingAt: '2025-12-26T14:30:00.000Z' });
  });

  it('a term without a lead time resumes without an approaching moment', () => {
    const { event } = pauseAndResume({
      model: modelWith({ amount: 5, unit: 'working-days' }),
      opened: '2026-01-02T09:00:00.000Z',
      paused: '2026-01-08T09:00:00.000Z',
      resumed: '2026-01-09T09:00:00.000Z',
    });
    expect(event).toMatchObject({ dueAt: '2026-01-12T23:00:00.000Z', approachingAt: null });
  });
});

/** The working days after the pause day up to and including the due day (the last day of the term). */
function workingDaysLeft(pausedAt: Date, dueAt: string, calendar: { extraHolidays: string[] }): number {
  const lastDay = amsterdamDateOf(new Date(Date.parse(dueAt) - 1));
  let day = amsterdamDateOf(pausedAt);
  let left = 0;
  while (day < lastDay) {
    day = nextDay(day);
    if (isWorkingDay(day, calendar)) left++;
  }
  return left;
}

function firstWorkingDayFrom(at: Date, calendar: { extraHolidays: string[] }): string {
  let day = amsterdamDateOf(at);
  while (!isWorkingDay(day, calendar)) day = nextDay(day);
  return day;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + DAY).toISOString().slice(0, 10);
}
