import fc from 'fast-check';
import {
  addCalendarDays,
  addWorkingDays,
  firstWorkingDayOnOrAfter,
  fromDayNumber,
  isWorkingDay,
  toDayNumber,
  workingDaysBetween,
} from '../src/index.js';

describe('a working day is not a weekend day and not a public holiday', () => {
  it.each([
    ['2026-04-03', true, 'Good Friday is a working day'],
    ['2026-04-06', false, 'Easter Monday'],
    ['2025-04-26', false, "King's Day 2025 (also a Saturday)"],
    ['2026-04-27', false, "King's Day 2026 (Monday)"],
    ['2026-05-05', false, 'Liberation Day'],
    ['2026-05-14', false, 'Ascension Day'],
    ['2026-05-25', false, 'Whit Monday'],
    ['2025-12-25', false, 'Christmas'],
    ['2025-12-26', false, 'Boxing Day'],
    ['2026-01-01', false, "New Year's Day"],
    ['2026-01-02', true, 'the Friday after New Year'],
    ['2026-01-03', false, 'a Saturday'],
    ['2026-01-04', false, 'a Sunday'],
  ])('%s → %s (%s)', (date, expected) => expect(isWorkingDay(date)).toBe(expected));

  it('a Date is read as its date in Europe/Amsterdam, across daylight saving time', () => {
    expect(isWorkingDay(new Date('2025-12-24T22:59:59Z'))).toBe(true); // 23:59 on 24 Dec (CET)
    expect(isWorkingDay(new Date('2025-12-24T23:00:00Z'))).toBe(false); // 00:00 on Christmas
    expect(isWorkingDay(new Date('2026-05-04T21:59:59Z'))).toBe(true); // 23:59 on 4 May (CEST)
    expect(isWorkingDay(new Date('2026-05-04T22:00:00Z'))).toBe(false); // 00:00 on 5 May
  });

  it("a municipality's extra closing days are not working days", () => {
    expect(isWorkingDay('2025-12-29', { extraHolidays: ['2025-12-29'] })).toBe(false);
    expect(() => isWorkingDay('2025-12-29', { extraHolidays: ['29-12-2025'] })).toThrow(RangeError);
  });
});

describe('addWorkingDays: the start day is day 0, the deadline is the n-th working day after it', () => {
  it('5 working days from Friday 24 Dec 2027 is Friday 31 Dec 2027 (Christmas falls in the weekend)', () => {
    expect(addWorkingDays('2027-12-24', 5)).toBe('2027-12-31');
  });

  it('5 working days from Wednesday 24 Dec 2025 is Monday 5 Jan 2026 (skips Christmas, Boxing Day, New Year)', () => {
    expect(addWorkingDays('2025-12-24', 5)).toBe('2026-01-05');
  });

  it('across Easter: Good Friday counts, Easter Monday does not', () => {
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-03');
    expect(addWorkingDays('2026-04-02', 2)).toBe('2026-04-07');
  });

  it('across Ascension and Whit Monday 2026', () => {
    expect(addWorkingDays('2026-05-13', 1)).toBe('2026-05-15');
    expect(addWorkingDays('2026-05-22', 1)).toBe('2026-05-26');
  });

  it('a start on a non-working day still counts from the next working day', () => {
    expect(addWorkingDays('2026-01-03', 1)).toBe('2026-01-05'); // Saturday + 1 = Monday
    expect(addWorkingDays('2025-12-25', 1)).toBe('2025-12-29');
  });

  it('0 working days is the start itself; negative n counts back', () => {
    expect(addWorkingDays('2026-01-03', 0)).toBe('2026-01-03');
    expect(addWorkingDays('2026-01-05', -1)).toBe('2026-01-02');
    expect(addWorkingDays('2026-01-02', -1)).toBe('2025-12-31');
  });

  it('extra closing days push the deadline further', () => {
    expect(addWorkingDays('2025-12-24', 5, { extraHolidays: ['2025-12-29', '2026-01-02'] })).toBe('2026-01-07');
  });

  it('a custom holiday list replaces the statutory one (configurable per municipality)', () => {
    expect(addWorkingDays('2026-04-02', 2, { holidays: () => [] })).toBe('2026-04-06');
  });

  it('takes a Date as its Amsterdam date', () => {
    expect(addWorkingDays(new Date('2027-12-23T23:30:00Z'), 5)).toBe('2027-12-31'); // already 24 Dec in Amsterdam
  });

  it('refuses a non-integer number of days', () => {
    expect(() => addWorkingDays('2026-01-05', 1.5)).toThrow(RangeError);
  });
});

describe('calendar days and the Algemene termijnenwet roll-forward', () => {
  it('addCalendarDays counts every day, across month and year ends', () => {
    expect(addCalendarDays('2025-12-24', 14)).toBe('2026-01-07');
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('a term ending on a non-working day runs on to the next working day', () => {
    expect(firstWorkingDayOnOrAfter('2025-12-25')).toBe('2025-12-29');
    expect(firstWorkingDayOnOrAfter('2025-12-29')).toBe('2025-12-29');
  });
});

describe('workingDaysBetween counts working days after start up to and including end', () => {
  it('counts the holiday period between Christmas Eve and 5 January 2026 as 5', () => {
    expect(workingDaysBetween('2025-12-24', '2026-01-05')).toBe(5);
    expect(workingDaysBetween('2026-01-05', '2025-12-24')).toBe(-5);
    expect(workingDaysBetween('2026-01-05', '2026-01-05')).toBe(0);
  });
});

const MIN_DAY = toDayNumber('1900-01-01');
const MAX_DAY = toDayNumber('2200-12-31');
const anyDate = fc.integer({ min: MIN_DAY, max: MAX_DAY }).map(fromDayNumber);
const extraHolidays = fc.array(fc.integer({ min: MIN_DAY, max: MAX_DAY }).map(fromDayNumber), { maxLength: 5 });

describe('working-day arithmetic properties', () => {
  it('addWorkingDays(d, n) is always a working day for n ≥ 1 (and n ≤ -1)', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 400 }), fc.boolean(), (date, n, back) =>
        isWorkingDay(addWorkingDays(date, back ? -n : n)),
      ),
    );
  });

  it('workingDaysBetween inverts addWorkingDays, also with extra holidays', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -400, max: 400 }), extraHolidays, (date, n, extra) => {
        const options = { extraHolidays: extra };
        return workingDaysBetween(date, addWorkingDays(date, n, options), options) === n;
      }),
    );
  });

  it('adding working days in two steps equals adding them at once', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 200 }), (date, a, b) => {
        return addWorkingDays(addWorkingDays(date, a), b) === addWorkingDays(date, a + b);
      }),
    );
  });

  it('n working days take at least n calendar days, and never skip a working day', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 60 }), (date, n) => {
        const deadline = addWorkingDays(date, n);
        const span = toDayNumber(deadline) - toDayNumber(date);
        const previous = addCalendarDays(deadline, -1);
        return span >= n && workingDaysBetween(date, previous) === n - 1;
      }),
    );
  });
});
