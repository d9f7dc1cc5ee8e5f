import {
  foldCase,
  modelResolverOf,
  NO_CASE,
  type CaseCommand,
  type CaseDeadline,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type ModelDuration,
  type OpenCaseState,
  type WorkingDayOptions,
} from '../src/index.js';
import { COORDINATOR, openCommand, pausingTermModel, run, testContext, type TestClock } from './case.fixtures.js';

/*
 * A municipality's closing days come from the configuration file, which may change between two starts of the router.
 * A working-day term's due moment is computed with the closing days in force when it opened (or resumed) and stored
 * in the event. When the term is paused and resumed after the list changed, the working days it had left at the pause
 * are those of the calendar it was computed with: a closing day added meanwhile does not take one of them away, and
 * one removed meanwhile does not add one. Only the days counted from the resume on follow the list as it is then.
 *
 * The term: 5 working days from Monday 2 February 2026, 10:00 in the Netherlands. Without closing days it is due at
 * the end of Monday 9 February (3, 4, 5, 6, 9 Feb). Paused on Tuesday 3 February, it had 4 working days left
 * (4, 5, 6 and 9 Feb).
 */

const OPENED = '2026-02-02T09:00:00.000Z';
const PAUSED = '2026-02-03T09:00:00.000Z';
/** Friday 6 February 2026, 10:00. */
const RESUMED = '2026-02-06T09:00:00.000Z';
const THURSDAY_5_FEB = '2026-02-05';
/** The end of a day in the Netherlands (winter time): the first instant of the next day. */
const endOf = (day: string) => `${day}T23:00:00.000Z`;

const FIVE_WORKING_DAYS = pausingTermModel(1, { startsOn: 'state-entered', duration: { amount: 5, unit: 'working-days' } });
const take = (transition: string): CaseCommand => ({ type: 'TakeTransition', transition, actor: COORDINATOR });
const termOf = (state: CaseState): CaseDeadline => (state as OpenCaseState).deadlines[0]!;
const closedOn = (...days: string[]): WorkingDayOptions => ({ extraHolidays: days });

interface Step {
  at: string;
  /** The closing days the router was started with for this step (none when absent). */
  calendar?: WorkingDayOptions;
}

/** Opens the case, then pauses and resumes its term at the given steps, each with the calendar of its own start. */
function pausedAndResumed(open: Step, ...pauses: [Step, Step][]): { events: CaseEvent[]; state: CaseState; ctx: TestClock } {
  const model = FIVE_WORKING_DAYS;
  const ctx = testContext(modelResolverOf([model]), new Date(open.at));
  const events: CaseEvent[] = [];
  const step = (state: CaseState, command: CaseCommand, at: Step): CaseState => {
    ctx.set(new Date(at.at));
    ctx.calendar = at.calendar;
    const result = run(state, command, ctx);
    events.push(...result.events);
    return result.state;
  };
  let state = step(NO_CASE, openCommand(model), open);
  for (const [pause, resume] of pauses) {
    state = step(state, take('info-vragen'), pause);
    state = step(state, take('info-ontvangen'), resume);
  }
  return { events, state, ctx };
}

const resumedEvents = (events: CaseEvent[]) => events.filter((e) => e.type === 'DeadlineResumed');

describe('a paused working-day term keeps the working days it had left when the calendar changed meanwhile', () => {
  it('the reviewer\'s case: a closing day added after the term opened, lying in the pause, takes no working day from it', () => {
    const { events, state } = pausedAndResumed({ at: OPENED }, [{ at: PAUSED }, { at: RESUMED, calendar: closedOn(THURSDAY_5_FEB) }]);
    expect(events.find((e) => e.type === 'DeadlineOpened')).toMatchObject({ dueAt: endOf('2026-02-09') });
    // 4 working days left, counted from Friday 6 February: 9, 10, 11 and 12 February. Counting them with the new
    // calendar took Thursday 5 February off the days left and made the term due at the end of Wednesday 11 February.
    expect(resumedEvents(events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-12') })]);
    expect(termOf(state)).toMatchObject({ status: 'running', dueAt: endOf('2026-02-12') });
  });

  it('gives the same due moment as a term that had the closing day in its calendar all along, and as one with none', () => {
    const all = pausedAndResumed({ at: OPENED, calendar: closedOn(THURSDAY_5_FEB) }, [
      { at: PAUSED, calendar: closedOn(THURSDAY_5_FEB) },
      { at: RESUMED, calendar: closedOn(THURSDAY_5_FEB) },
    ]);
    const none = pausedAndResumed({ at: OPENED }, [{ at: PAUSED }, { at: RESUMED }]);
    expect(termOf(all.state).dueAt).toBe(endOf('2026-02-12'));
    expect(termOf(none.state).dueAt).toBe(endOf('2026-02-12'));
  });

  it('a closing day removed after the term opened gives it no extra working day', () => {
    // Closed on Thursday 5 February: due at the end of Tuesday 10 February (3, 4, 6, 9, 10 Feb); paused on the 3rd with
    // 4 working days left (4, 6, 9, 10 Feb). Resumed on Friday 6 February with the day no longer closed: 9-12 February.
    const { events } = pausedAndResumed({ at: OPENED, calendar: closedOn(THURSDAY_5_FEB) }, [{ at: PAUSED, calendar: closedOn(THURSDAY_5_FEB) }, { at: RESUMED }]);
    expect(events.find((e) => e.type === 'DeadlineOpened')).toMatchObject({ dueAt: endOf('2026-02-10') });
    // Counted with the new calendar, Thursday 5 February became a fifth day left: due at the end of Friday 13 February.
    expect(resumedEvents(events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-12') })]);
  });

  it('a closing day that lies after the resume counts: the days left are counted from the resume with the calendar in force then', () => {
    // Closed on Tuesday 10 February from the restart on: the 4 days left are 9, 11, 12 and 13 February.
    const { events } = pausedAndResumed({ at: OPENED }, [{ at: PAUSED }, { at: RESUMED, calendar: closedOn(THURSDAY_5_FEB, '2026-02-10') }]);
    expect(resumedEvents(events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-13') })]);
  });

  it('a term paused and resumed the same day after a restart added a closing day ahead of it is counted again, and the closing day counts', () => {
    // Paused and resumed on Tuesday 3 February with 4 working days left (4, 5, 6 and 9 Feb as it was counted). The
    // resume counts them again from that day with the list in force, in which Thursday 5 February is closed: 4, 6, 9
    // and 10 February. The due moment of a term that runs on without a pause stays as it was computed.
    const { events } = pausedAndResumed({ at: OPENED }, [{ at: PAUSED }, { at: '2026-02-03T14:00:00.000Z', calendar: closedOn(THURSDAY_5_FEB) }]);
    expect(resumedEvents(events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-10'), closingDays: [THURSDAY_5_FEB] })]);
  });

  it('the closing days a due moment was counted with are in its event: those within the term, from the day after its start to its due day', () => {
    const calendar = closedOn('2026-01-30', '2026-02-02', THURSDAY_5_FEB, '2026-02-10', '2026-02-11', '2026-03-02');
    const { events, state } = pausedAndResumed({ at: OPENED, calendar }, [{ at: PAUSED, calendar }, { at: RESUMED, calendar }]);
    // Opened on Monday 2 February (a closing day itself, but the start day never counts): 3, 4, 6, 9 and 12 February.
    expect(events.find((e) => e.type === 'DeadlineOpened')).toMatchObject({ dueAt: endOf('2026-02-12'), closingDays: ['2026-02-05', '2026-02-10', '2026-02-11'] });
    // Paused on the 3rd with 4, 6, 9 and 12 Feb left; from Friday 6 February: 9, 12, 13 and 16 February.
    expect(resumedEvents(events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-16'), closingDays: ['2026-02-10', '2026-02-11'] })]);
    // The running term carries them, and a rebuild from the events gives the same term.
    expect(termOf(state).closingDays).toEqual(['2026-02-10', '2026-02-11']);
    expect(foldCase(events)).toEqual(state);
  });

  it('a second pause counts its days left with the closing days of the resume before it, not with those of the term\'s opening', () => {
    // First resume on Friday 6 February with Tuesday 10 February closed: due at the end of Friday 13 February (9, 11,
    // 12, 13 Feb). Paused again on Monday 9 February: 3 working days left (11, 12, 13 Feb). A restart drops the closing
    // days; resumed on Wednesday 11 February: 12, 13 and 16 February.
    const { events } = pausedAndResumed(
      { at: OPENED },
      [{ at: PAUSED }, { at: RESUMED, calendar: closedOn('2026-02-10') }],
      [{ at: '2026-02-09T09:00:00.000Z', calendar: closedOn('2026-02-10') }, { at: '2026-02-11T09:00:00.000Z' }],
    );
    const [first, second] = resumedEvents(events);
    expect(first).toMatchObject({ dueAt: endOf('2026-02-13'), closingDays: ['2026-02-10'] });
    // Counted with the calendar of the second resume, Tuesday 10 February was a fourth day left: due on the 17th.
    expect(second).toMatchObject({ dueAt: endOf('2026-02-16') });
    expect(second).not.toHaveProperty('closingDays');
  });

  it('a term a migration replaces while paused keeps the days it had left as counted with the closing days of its replacement', () => {
    // Paused on Tuesday 3 February; on Wednesday 4 February the case moves to a version whose term is 6 working days,
    // while Thursday 5 February is closed: from Monday 2 February that is 3, 4, 6, 9, 10 and 11 February. The
    // replacement is paused at once, with 4 working days left (6, 9, 10 and 11 February). A restart drops the closing
    // day; resumed on Friday 6 February: 9, 10, 11 and 12 February.
    const six = pausingTermModel(2, { startsOn: 'state-entered', duration: { amount: 6, unit: 'working-days' } });
    const ctx = testContext(modelResolverOf([FIVE_WORKING_DAYS, six]), new Date(OPENED));
    let { state } = run(NO_CASE, openCommand(FIVE_WORKING_DAYS), ctx);
    ctx.set(new Date(PAUSED));
    state = run(state, take('info-vragen'), ctx).state;
    ctx.set(new Date('2026-02-04T09:00:00.000Z'));
    ctx.calendar = closedOn(THURSDAY_5_FEB);
    const migrated = run(state, { type: 'MigrateModelVersion', toModel: six, stateMapping: {}, reason: 'Langere termijn', actor: { id: 'admin-1', role: 'admin' } }, ctx);
    expect(migrated.events.find((e) => e.type === 'DeadlineOpened')).toMatchObject({ replaces: 'id-1', dueAt: endOf('2026-02-11'), closingDays: [THURSDAY_5_FEB] });
    expect(termOf(migrated.state)).toMatchObject({ status: 'paused', closingDays: [THURSDAY_5_FEB] });
    ctx.set(new Date(RESUMED));
    ctx.calendar = undefined;
    const resumed = run(migrated.state, take('info-ontvangen'), ctx);
    // Counted with the calendar of the resume, Thursday 5 February was a fifth day left: due at the end of the 13th.
    expect(resumedEvents(resumed.events)).toEqual([expect.objectContaining({ dueAt: endOf('2026-02-12') })]);
  });

  it('a term with no closing day within it records none, and calendar-day and hour terms record none', () => {
    const calendar = closedOn('2026-01-30', '2026-03-02');
    const working = pausedAndResumed({ at: OPENED, calendar }, [{ at: PAUSED, calendar }, { at: RESUMED, calendar }]);
    for (const e of working.events.filter((x) => x.type === 'DeadlineOpened' || x.type === 'DeadlineResumed')) expect(e).not.toHaveProperty('closingDays');
    for (const duration of [
      { amount: 14, unit: 'calendar-days' },
      { amount: 48, unit: 'hours' },
    ] satisfies ModelDuration[]) {
      const model: ModelDefinition = pausingTermModel(1, { startsOn: 'state-entered', duration });
      const ctx = testContext(modelResolverOf([model]), new Date(OPENED));
      ctx.calendar = closedOn(THURSDAY_5_FEB);
      const { events } = run(NO_CASE, openCommand(model), ctx);
      expect(events.find((e) => e.type === 'DeadlineOpened')).not.toHaveProperty('closingDays');
    }
  });
});
