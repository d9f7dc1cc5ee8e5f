import { toCalendarDate, type CalendarDate, type DateInput } from '../calendar/calendar-date.js';
import type { WorkingDayOptions } from '../calendar/working-days.js';

/*
 * A municipality's closing days come from the configuration file and may change between two starts of the router,
 * while a working-day term's due moment is computed once and stored. The closing days a due moment was counted with
 * are stored with it, limited to the stretch that was counted (the day after the start up to and including the due
 * day), so that a later count over part of that stretch (the working days a paused term had left) sees the same days
 * off, whatever the file says by then. Usually there are none, and then nothing is stored.
 */

/**
 * The closing days of `calendar` that lie after `start`'s day (a Date is read as its day in the Netherlands), up to
 * and including `dueDay`: oldest first, each once. Empty when the calendar lists none there (or there is no calendar).
 */
export function closingDaysWithin(calendar: WorkingDayOptions | undefined, start: DateInput, dueDay: CalendarDate): CalendarDate[] {
  const after = toCalendarDate(start);
  // YYYY-MM-DD strings sort as the days they name.
  const within = [...(calendar?.extraHolidays ?? [])].filter((day) => day > after && day <= dueDay);
  return [...new Set(within)].sort();
}

/**
 * The calendar a term's due moment was counted with, for counting within its stretch again: the statutory holidays as
 * `current` gives them (they follow from the law, not the file), and as closing days only those recorded with the term.
 * A term stored without them was counted without any (closing days did not exist before they were recorded).
 */
export function calendarOfTerm(closingDays: readonly CalendarDate[] | undefined, current: WorkingDayOptions | undefined): WorkingDayOptions {
  return { ...(current?.holidays ? { holidays: current.holidays } : {}), extraHolidays: closingDays ?? [] };
}

/** `{ closingDays }` when there are any, `{}` otherwise: events and terms carry the field only when it says something. */
export function closingDaysField(closingDays: readonly CalendarDate[] | undefined): { closingDays?: CalendarDate[] } {
  return closingDays && closingDays.length > 0 ? { closingDays: [...closingDays] } : {};
}
