import { amsterdamDateOf, toDayNumber, type CalendarDate } from '#domain';

const HOUR = 3_600_000;

/**
 * The instant a Dutch calendar day starts (00:00 in Europe/Amsterdam, CET or CEST). Midnight never falls in
 * a daylight-saving change in the Netherlands (those happen at 02:00/03:00), so one of the two offsets fits.
 */
export function amsterdamMidnight(date: CalendarDate): Date {
  const utcMidnight = toDayNumber(date) * 24 * HOUR;
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(utcMidnight - offsetHours * HOUR);
    if (amsterdamDateOf(candidate) === date && amsterdamDateOf(new Date(candidate.getTime() - 1)) !== date) return candidate;
  }
  throw new RangeError('No Amsterdam midnight found');
}
