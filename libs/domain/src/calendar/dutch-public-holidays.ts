import { fromDayNumber, isoWeekday, toDayNumber, type CalendarDate } from './calendar-date.js';
import { easterSunday } from './easter-sunday.js';

/** A day that does not count as a working day. `name` is the Dutch name users know it by. */
export interface PublicHoliday {
  date: CalendarDate;
  name: string;
}

/**
 * The days the Algemene termijnenwet (art. 3) puts on a par with Sunday, for `year`, in date order:
 * Nieuwjaarsdag (1 Jan), Tweede Paasdag (Easter Monday), Koningsdag (27 April, or 26 April when the 27th is
 * a Sunday), Bevrijdingsdag (5 May — every year, not only in lustrum years as in many labour agreements),
 * Hemelvaartsdag (Ascension, Easter + 39), Tweede Pinksterdag (Whit Monday, Easter + 50), Eerste and Tweede
 * Kerstdag (25 and 26 Dec). Good Friday is not on the list. Easter Sunday and Whit Sunday are Sundays anyway.
 * No substitute day is given when a holiday falls in a weekend.
 *
 * Koningsdag follows the rule in force since 2014; earlier years' Koninginnedag (30 April) is not modelled.
 * Municipal closing days are not statutory: pass them as extra holidays to the working-day functions.
 */
export function publicHolidays(year: number): PublicHoliday[] {
  const easter = toDayNumber(easterSunday(year));
  const kingsDay27 = `${year}-04-27`;
  const kingsDay = isoWeekday(kingsDay27) === 7 ? `${year}-04-26` : kingsDay27;
  const holidays: PublicHoliday[] = [
    { date: `${year}-01-01`, name: 'Nieuwjaarsdag' },
    { date: fromDayNumber(easter + 1), name: 'Tweede Paasdag' },
    { date: kingsDay, name: 'Koningsdag' },
    { date: `${year}-05-05`, name: 'Bevrijdingsdag' },
    { date: fromDayNumber(easter + 39), name: 'Hemelvaartsdag' },
    { date: fromDayNumber(easter + 50), name: 'Tweede Pinksterdag' },
    { date: `${year}-12-25`, name: 'Eerste Kerstdag' },
    { date: `${year}-12-26`, name: 'Tweede Kerstdag' },
  ];
  // Easter Monday can fall on 26 April or later, after Koningsdag; keep date order.
  return holidays.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}
