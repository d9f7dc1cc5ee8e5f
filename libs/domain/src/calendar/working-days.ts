import {
  fromDayNumber,
  isCalendarDate,
  isoWeekday,
  toCalendarDate,
  toDayNumber,
  yearOf,
  type CalendarDate,
  type DateInput,
} from './calendar-date.js';
import { publicHolidays, type PublicHoliday } from './dutch-public-holidays.js';

/*
 * Working days in the Netherlands, on calendar dates (Europe/Amsterdam; a `Date` is first read as the date it
 * is in Amsterdam at that instant). A working day is a day that is not a Saturday, not a Sunday, not a
 * public holiday and not one of the extra holidays passed in.
 *
 * Counting (the usual reading of "within n working days"): the day of the triggering event is day 0 and is
 * never counted, whatever kind of day it is; the deadline is the n-th working day after it, and the work is
 * due by the end of that day. Examples:
 *  - 5 working days from Friday 24 Dec 2027: Sat 25 (Christmas) and Sun 26 (Boxing Day) do not count,
 *    Mon 27 … Fri 31 are days 1 … 5, so the deadline is Friday 31 Dec 2027.
 *  - 5 working days from Wednesday 24 Dec 2025: 25 and 26 Dec, the weekend and 1 Jan do not count:
 *    29, 30, 31 Dec, 2 Jan, 5 Jan, so the deadline is Monday 5 Jan 2026.
 *  - 1 working day from Saturday is the next Monday (if that is not a holiday); 0 working days is the start
 *    date itself, unchanged.
 * Calendar-day terms (e.g. Wvggz: 14 days) use addCalendarDays and end on the day they reach, weekend or holiday:
 * the extension of art. 1 of the Algemene termijnenwet (a statutory term ending on a non-working day runs on to the
 * next working day) is not applied to them. firstWorkingDayOnOrAfter is where a resumed working-day term lands.
 */

/** How to tell working days: statutory holidays by default, plus a municipality's own closing days. */
export interface WorkingDayOptions {
  /** Extra non-working days, e.g. a municipality's collective closing days (configurable per municipality). */
  extraHolidays?: Iterable<CalendarDate>;
  /** Replaces the statutory holidays; default {@link publicHolidays} (Algemene termijnenwet). */
  holidays?: (year: number) => readonly PublicHoliday[];
}

/** True when `date` is a working day (not a weekend day, public holiday or extra holiday). */
export function isWorkingDay(date: DateInput, options?: WorkingDayOptions): boolean {
  const day = toCalendarDate(date);
  return workingDayTest(options)(toDayNumber(day));
}

/**
 * The `n`-th working day after `start` (`start` itself never counts). `n = 0` returns `start`;
 * a negative `n` counts back: the `|n|`-th working day before `start`.
 */
export function addWorkingDays(start: DateInput, n: number, options?: WorkingDayOptions): CalendarDate {
  if (!Number.isSafeInteger(n)) throw new RangeError('n must be an integer');
  const isWorking = workingDayTest(options);
  let day = toDayNumber(toCalendarDate(start));
  const step = n < 0 ? -1 : 1;
  for (let remaining = Math.abs(n); remaining > 0; ) {
    day += step;
    if (isWorking(day)) remaining--;
  }
  return fromDayNumber(day);
}

/** `start` plus `n` calendar days (negative `n` goes back). */
export function addCalendarDays(start: DateInput, n: number): CalendarDate {
  if (!Number.isSafeInteger(n)) throw new RangeError('n must be an integer');
  return fromDayNumber(toDayNumber(toCalendarDate(start)) + n);
}

/**
 * How many working days lie after `start` up to and including `end`; negative when `end` is before `start`
 * (then the working days from `end` up to but excluding `start` are counted). It is the inverse of
 * {@link addWorkingDays}: `workingDaysBetween(s, addWorkingDays(s, n)) === n` for every integer `n`.
 * Typical use: "how many working days of the term have been used up by today".
 */
export function workingDaysBetween(start: DateInput, end: DateInput, options?: WorkingDayOptions): number {
  const isWorking = workingDayTest(options);
  const from = toDayNumber(toCalendarDate(start));
  const to = toDayNumber(toCalendarDate(end));
  let count = 0;
  if (to >= from) {
    for (let day = from + 1; day <= to; day++) if (isWorking(day)) count++;
    return count;
  }
  for (let day = to; day < from; day++) if (isWorking(day)) count++;
  return -count;
}

/** `date` itself when it is a working day, otherwise the next working day (Algemene termijnenwet art. 1). */
export function firstWorkingDayOnOrAfter(date: DateInput, options?: WorkingDayOptions): CalendarDate {
  const isWorking = workingDayTest(options);
  let day = toDayNumber(toCalendarDate(date));
  while (!isWorking(day)) day++;
  return fromDayNumber(day);
}

/** Builds a day-number test with the holidays of each year computed once per call. */
function workingDayTest(options: WorkingDayOptions | undefined): (dayNumber: number) => boolean {
  const holidaysFor = options?.holidays ?? publicHolidays;
  const extra = new Set<number>();
  for (const date of options?.extraHolidays ?? []) {
    if (!isCalendarDate(date)) throw new RangeError('Extra holidays must be calendar dates (YYYY-MM-DD)');
    extra.add(toDayNumber(date));
  }
  const byYear = new Map<number, Set<number>>();
  return (dayNumber) => {
    const date = fromDayNumber(dayNumber);
    if (isoWeekday(date) >= 6 || extra.has(dayNumber)) return false;
    const year = yearOf(date);
    let holidays = byYear.get(year);
    if (!holidays) {
      holidays = new Set(holidaysFor(year).map((h) => toDayNumber(h.date)));
      byYear.set(year, holidays);
    }
    return !holidays.has(dayNumber);
  };
}
