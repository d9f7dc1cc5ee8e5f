import { amsterdamDateOf, toDayNumber, type CalendarDate } from '../calendar/calendar-date.js';
import { addCalendarDays, addWorkingDays, type WorkingDayOptions } from '../calendar/working-days.js';
import type { ModelDuration } from '../models/model-definition.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/**
 * When a term of `duration` that starts at `start` runs out, as an instant.
 * - `hours`: exactly that many hours later;
 * - `calendar-days` / `working-days`: the due day is `start`'s date in the Netherlands plus that many
 *   (working) days (the start day itself never counts, see `addWorkingDays`), and the term runs to the end
 *   of that day: the result is the first instant of the next day, Europe/Amsterdam. A deadline is breached
 *   when the clock reaches it.
 * Pure: the same arguments always give the same instant. `calendar` adds a municipality's closing days.
 */
export function dueAt(start: Date, duration: ModelDuration, calendar?: WorkingDayOptions): Date {
  assertDuration(duration);
  switch (duration.unit) {
    case 'hours':
      return new Date(start.getTime() + duration.amount * MS_PER_HOUR);
    case 'calendar-days':
      return endOfAmsterdamDay(addCalendarDays(start, duration.amount));
    case 'working-days':
      return endOfAmsterdamDay(addWorkingDays(start, duration.amount, calendar));
    default:
      return assertNever(duration.unit);
  }
}

/**
 * When a deadline due at `due` counts as approaching: `lead` before it. Day leads keep the time of day and
 * count back whole (working) days in the Netherlands, so "2 working days before the end of Friday" is the
 * start of Thursday.
 */
export function approachingAt(due: Date, lead: ModelDuration, calendar?: WorkingDayOptions): Date {
  assertDuration(lead);
  if (lead.unit === 'hours') return new Date(due.getTime() - lead.amount * MS_PER_HOUR);
  const date = amsterdamDateOf(due);
  const intoDay = due.getTime() - startOfAmsterdamDay(date).getTime();
  const target =
    lead.unit === 'calendar-days' ? addCalendarDays(date, -lead.amount) : addWorkingDays(date, -lead.amount, calendar);
  return new Date(startOfAmsterdamDay(target).getTime() + intoDay);
}

/** The first instant of `date` in Europe/Amsterdam (midnight is always 22:00 or 23:00 UTC the day before). */
export function startOfAmsterdamDay(date: CalendarDate): Date {
  const utcMidnight = toDayNumber(date) * MS_PER_DAY;
  // Dutch clocks change at 02:00/03:00, never at midnight, so midnight exists and is one of these two.
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(utcMidnight - offsetHours * MS_PER_HOUR);
    if (amsterdamDateOf(candidate) === date && amsterdamDateOf(new Date(candidate.getTime() - 1)) !== date) {
      return candidate;
    }
  }
  throw new RangeError(`No Amsterdam midnight found for ${date}`);
}

/** The instant `date` ends in Europe/Amsterdam (= the first instant of the next day). */
export function endOfAmsterdamDay(date: CalendarDate): Date {
  return startOfAmsterdamDay(addCalendarDays(date, 1));
}

function assertDuration(duration: ModelDuration): void {
  if (!Number.isSafeInteger(duration.amount) || duration.amount < 0) {
    throw new RangeError('Duration amount must be a non-negative integer');
  }
}

function assertNever(value: never): never {
  throw new RangeError(`Unknown duration unit: ${String(value)}`);
}
