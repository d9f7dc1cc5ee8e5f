import { amsterdamDateOf } from '../calendar/calendar-date.js';
import type { WorkingDayOptions } from '../calendar/working-days.js';
import type { ModelDeadline } from '../models/model-definition.js';
import type { CaseDeadline } from './case.js';
import type { DeadlineOpened } from './case-event.js';
import { approachingAt, dueAt } from './deadline-due.js';
import { closingDaysField, closingDaysWithin } from './term-closing-days.js';

/** What opening a term needs besides its definition: where and when, and the new instance's id. */
export interface TermOpening {
  caseId: string;
  deadlineId: string;
  /** The state the case is in. */
  state: string;
  startedAt: string;
  at: string;
  calendar?: WorkingDayOptions;
}

/**
 * The `DeadlineOpened` of term `def` counted from `startedAt`: due after its duration, warned of its lead time before.
 * A working-day term records the closing days it was counted with (see `DeadlineOpened.closingDays`).
 */
export function termOpened(def: ModelDeadline, opening: TermOpening): DeadlineOpened {
  const start = new Date(opening.startedAt);
  const due = dueAt(start, def.duration, opening.calendar);
  const counted = def.duration.unit === 'working-days' ? closingDaysWithin(opening.calendar, start, amsterdamDateOf(new Date(due.getTime() - 1))) : [];
  return {
    type: 'DeadlineOpened',
    caseId: opening.caseId,
    deadlineId: opening.deadlineId,
    definitionId: def.id,
    state: opening.state,
    startsOn: def.startsOn,
    startedAt: opening.startedAt,
    duration: { ...def.duration },
    dueAt: due.toISOString(),
    approachingAt: def.approachingLeadTime ? approachingAt(due, def.approachingLeadTime, opening.calendar).toISOString() : null,
    ...closingDaysField(counted),
    at: opening.at,
  };
}

/**
 * The term that replaces `old` when a model-version migration changes its length (same definition id, same start):
 * counted from the old instance's start by the new length, warned of by the new lead time, and with what was recorded
 * of the old instance. It is one legal obligation: a term that warned does not warn again, and a breached one is not
 * breached again (a second breach could escalate to the police a second time), also when the new length puts those
 * moments in the future.
 */
export function replacingTerm(old: CaseDeadline, def: ModelDeadline, opening: Omit<TermOpening, 'startedAt'>): DeadlineOpened {
  return {
    ...termOpened(def, { ...opening, startedAt: old.startedAt }),
    replaces: old.deadlineId,
    ...(old.approachingRecorded ? { approachingRecorded: true as const } : {}),
    ...(old.breachedRecorded ? { breachedRecorded: true as const } : {}),
  };
}

/** The running term a `DeadlineOpened` opens, with what it carries over from a term it replaces. */
export function openedDeadline(event: DeadlineOpened): CaseDeadline {
  return {
    deadlineId: event.deadlineId,
    definitionId: event.definitionId,
    state: event.state,
    startsOn: event.startsOn,
    startedAt: event.startedAt,
    dueAt: event.dueAt,
    approachingAt: event.approachingAt,
    status: 'running',
    pausedAt: null,
    ...closingDaysField(event.closingDays),
    approachingRecorded: event.approachingRecorded === true,
    breachedRecorded: event.breachedRecorded === true,
  };
}
