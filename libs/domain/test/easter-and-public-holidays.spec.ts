import fc from 'fast-check';
import { easterSunday, isoWeekday, publicHolidays, toDayNumber } from '../src/index.js';

describe('Easter Sunday by the anonymous Gregorian algorithm', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2000, '2000-04-23'],
    [1818, '1818-03-22'], // earliest possible date
    [1943, '1943-04-25'], // latest possible date
    [2038, '2038-04-25'],
  ])('Easter %i is %s', (year, date) => expect(easterSunday(year)).toBe(date));

  it('is always a Sunday between 22 March and 25 April', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const easter = easterSunday(year);
        return isoWeekday(easter) === 7 && easter.slice(5) >= '03-22' && easter.slice(5) <= '04-25';
      }),
    );
  });

  it('refuses years before the Gregorian calendar', () => {
    expect(() => easterSunday(1582)).toThrow(RangeError);
    expect(() => easterSunday(2025.5)).toThrow(RangeError);
  });
});

describe('public holidays per the Algemene termijnenwet', () => {
  it('2026: the eight statutory days, in date order, with their names; no Good Friday', () => {
    expect(publicHolidays(2026)).toEqual([
      { date: '2026-01-01', name: 'Nieuwjaarsdag' },
      { date: '2026-04-06', name: 'Tweede Paasdag' },
      { date: '2026-04-27', name: 'Koningsdag' },
      { date: '2026-05-05', name: 'Bevrijdingsdag' },
      { date: '2026-05-14', name: 'Hemelvaartsdag' },
      { date: '2026-05-25', name: 'Tweede Pinksterdag' },
      { date: '2026-12-25', name: 'Eerste Kerstdag' },
      { date: '2026-12-26', name: 'Tweede Kerstdag' },
    ]);
  });

  it("King's Day 2025 is 26 April because 27 April 2025 is a Sunday", () => {
    expect(isoWeekday('2025-04-27')).toBe(7);
    expect(publicHolidays(2025).find((h) => h.name === 'Koningsdag')?.date).toBe('2025-04-26');
  });

  it('Liberation Day (5 May) counts every year, not only in lustrum years', () => {
    for (const year of [2023, 2024, 2025, 2026]) {
      expect(publicHolidays(year).map((h) => h.date)).toContain(`${year}-05-05`);
    }
  });

  it('Good Friday is not a public holiday', () => {
    expect(publicHolidays(2026).map((h) => h.date)).not.toContain('2026-04-03');
  });

  it("Easter Monday and Whit Monday are Mondays, Ascension a Thursday, King's Day never a Sunday", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const byName = new Map(publicHolidays(year).map((h) => [h.name, h.date]));
        const easter = toDayNumber(easterSunday(year));
        return (
          isoWeekday(byName.get('Tweede Paasdag')!) === 1 &&
          isoWeekday(byName.get('Tweede Pinksterdag')!) === 1 &&
          isoWeekday(byName.get('Hemelvaartsdag')!) === 4 &&
          toDayNumber(byName.get('Hemelvaartsdag')!) - easter === 39 &&
          toDayNumber(byName.get('Tweede Pinksterdag')!) - easter === 50 &&
          isoWeekday(byName.get('Koningsdag')!) !== 7
        );
      }),
    );
  });
});
