/**
 * A calendar date as `YYYY-MM-DD`: a day in the Netherlands, with no time and no zone. Deadlines and
 * working days are about these days, not about instants; strings keep them JSON-friendly and make
 * lexicographic order equal to date order.
 */
export type CalendarDate = string;

/** What the calendar functions accept: a calendar date, or an instant read as its Europe/Amsterdam date. */
export type DateInput = Date | CalendarDate;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Formats instants as their local date in the Netherlands (handles CET/CEST). */
const AMSTERDAM_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** True when `value` is a `YYYY-MM-DD` string naming a day that exists (no 30 February). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === 'string' && parseParts(value) !== null;
}

/** Days since 1970-01-01 for `date`; throws `RangeError` when it is not a real `YYYY-MM-DD` date. */
export function toDayNumber(date: CalendarDate): number {
  const parts = parseParts(date);
  if (!parts) throw new RangeError('Not a calendar date (YYYY-MM-DD)');
  return utcDayNumber(parts.year, parts.month, parts.day);
}

/** The calendar date `dayNumber` days after 1970-01-01. */
export function fromDayNumber(dayNumber: number): CalendarDate {
  if (!Number.isInteger(dayNumber)) throw new RangeError('Day number must be an integer');
  const d = new Date(dayNumber * MS_PER_DAY);
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** ISO weekday of `date`: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CalendarDate): number {
  const d = new Date(toDayNumber(date) * MS_PER_DAY).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The date it is in the Netherlands (Europe/Amsterdam) at `instant`. */
export function amsterdamDateOf(instant: Date): CalendarDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Invalid Date');
  const parts = AMSTERDAM_DATE.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return format(get('year'), get('month'), get('day'));
}

/** Normalizes a {@link DateInput}: instants become their Amsterdam date; strings are checked. */
export function toCalendarDate(input: DateInput): CalendarDate {
  if (input instanceof Date) return amsterdamDateOf(input);
  toDayNumber(input);
  return input;
}

/** The year of a calendar date. */
export function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

function parseParts(value: string): { year: number; month: number; day: number } | null {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const d = new Date(utcDayNumber(year, month, day) * MS_PER_DAY);
  return d.getUTCDate() === day && d.getUTCMonth() + 1 === month ? { year, month, day } : null;
}

function utcDayNumber(year: number, month: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / MS_PER_DAY);
}

function format(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
