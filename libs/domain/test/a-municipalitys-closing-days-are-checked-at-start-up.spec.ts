import { describe, expect, it } from '@jest/globals';
import {
  addWorkingDays,
  assertValidTablesConfig,
  BUILT_IN_TABLES_CONFIG,
  calendarFor,
  CALENDAR_ERRORS,
  DomainError,
  MAX_CLOSING_DAYS,
  validateTablesConfig,
  type TablesConfig,
} from '../src/index.js';

/*
 * A municipality's own closing days (e.g. between Christmas and New Year) live in the regional configuration file
 * the router and the tables app both read (`calendars` in TABLES_CONFIG_FILE). A mistake there would silently move
 * deadlines, so every one stops the start-up with a stable code per problem (details.problems[i].code) under the
 * file's `TABLES.CONFIG_INVALID`, naming the path.
 */

const HENGELO = 'GM0164';
const ENSCHEDE = 'GM0153';

/** A mutable copy of the shipped configuration with `calendars` set as given. */
const withCalendars = (calendars: unknown): any => ({ ...JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG)), calendars });
const problemsOf = (c: TablesConfig) => validateTablesConfig(c).map((p) => ({ path: p.path, code: p.code, message: p.message }));

describe('the calendars of closing days are optional', () => {
  it('the shipped configuration has none, and a configuration without `calendars` stays valid', () => {
    expect(BUILT_IN_TABLES_CONFIG.calendars).toBeUndefined();
    expect(validateTablesConfig(BUILT_IN_TABLES_CONFIG)).toEqual([]);
    expect(calendarFor(BUILT_IN_TABLES_CONFIG, HENGELO)).toBeUndefined();
  });

  it("a valid calendar is accepted and gives that municipality's working-day options, and no other's", () => {
    const c = withCalendars([{ municipality: HENGELO, closingDays: ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31'] }, { municipality: ENSCHEDE, closingDays: [] }]);
    expect(validateTablesConfig(c)).toEqual([]);
    const hengelo = calendarFor(c, HENGELO);
    expect([...(hengelo?.extraHolidays ?? [])]).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
    // Thursday 24 Dec 2026 + 1 working day: Christmas, Boxing Day and the weekend do not count; Hengelo is closed until New Year.
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(addWorkingDays('2026-12-24', 1, hengelo)).toBe('2027-01-04');
    expect(calendarFor(c, 'GM0141')).toBeUndefined();
  });
});

describe('a calendar mistake stops the start-up, with a code naming the problem', () => {
  it.each<[string, string]>([
    ['30 February', '2026-02-30'],
    ['a 13th month', '2026-13-01'],
    ['a Dutch day-month-year', '28-12-2026'],
    ['a date-time', '2026-12-28T00:00:00Z'],
    ['a date without leading zeros', '2026-12-8'],
    ['a blank', ''],
  ])('a closing day that is not a real YYYY-MM-DD date (%s) is refused: CALENDAR.DATE_INVALID', (_what, day) => {
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: ['2026-12-28', day] }]))).toEqual([
      { path: 'calendars[0].closingDays[1]', code: CALENDAR_ERRORS.DATE_INVALID, message: `${HENGELO}: ${JSON.stringify(day)} is not a real date written YYYY-MM-DD` },
    ]);
  });

  it('a closing day that is not text is refused: CALENDAR.DATE_INVALID', () => {
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: [20261228] }]))).toEqual([
      { path: 'calendars[0].closingDays[0]', code: 'CALENDAR.DATE_INVALID', message: `${HENGELO}: 20261228 is not a real date written YYYY-MM-DD` },
    ]);
  });

  it('a day listed twice is refused: CALENDAR.DAY_DUPLICATE', () => {
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: ['2026-12-28', '2026-12-29', '2026-12-28'] }]))).toEqual([
      { path: 'calendars[0].closingDays[2]', code: 'CALENDAR.DAY_DUPLICATE', message: `${HENGELO}: "2026-12-28" is listed twice (first at closingDays[0])` },
    ]);
  });

  it('a municipality with two calendars is refused: CALENDAR.MUNICIPALITY_DUPLICATE (which one would count?)', () => {
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: ['2026-12-28'] }, { municipality: ENSCHEDE, closingDays: [] }, { municipality: HENGELO, closingDays: ['2026-12-31'] }]))).toEqual([
      { path: 'calendars[2].municipality', code: 'CALENDAR.MUNICIPALITY_DUPLICATE', message: `${HENGELO} already has a calendar (calendars[0]); list all its closing days there` },
    ]);
  });

  it('a municipality no table serves is refused, as a typo: CALENDAR.MUNICIPALITY_UNSERVED', () => {
    // GM0146 is no Twente code: a slip for Hengelo's GM0164 would leave Hengelo's closing days unused.
    expect(problemsOf(withCalendars([{ municipality: 'GM0146', closingDays: ['2026-12-28'] }]))).toEqual([
      {
        path: 'calendars[0].municipality',
        code: 'CALENDAR.MUNICIPALITY_UNSERVED',
        message: 'GM0146 is served by no table of this configuration (a typo?); add it to the tables that serve it, or remove its calendar',
      },
    ]);
  });

  it('a municipality one table serves is enough (here only the politie table; escalation policies lie within its region)', () => {
    const c = withCalendars([{ municipality: 'GM0999', closingDays: ['2026-12-28'] }]);
    c.tables.find((t: any) => t.id === 'politie').municipalities.push('GM0999');
    expect(validateTablesConfig(c)).toEqual([]);
  });

  it(`more than ${MAX_CLOSING_DAYS} closing days for one municipality are refused: CALENDAR.TOO_MANY_DAYS`, () => {
    const days = Array.from({ length: MAX_CLOSING_DAYS + 1 }, (_, i) => addWorkingDays('2027-01-01', i + 1));
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: days.slice(0, MAX_CLOSING_DAYS) }]))).toEqual([]);
    expect(problemsOf(withCalendars([{ municipality: HENGELO, closingDays: days }]))).toEqual([
      {
        path: 'calendars[0].closingDays',
        code: 'CALENDAR.TOO_MANY_DAYS',
        message: `${HENGELO}: ${MAX_CLOSING_DAYS + 1} closing days; at most ${MAX_CLOSING_DAYS} are allowed (a range typed out in full, or years of days no longer needed?)`,
      },
    ]);
  });

  it('a municipality that is not a CBS code is refused: CALENDAR.MUNICIPALITY_INVALID', () => {
    expect(problemsOf(withCalendars([{ municipality: 'Hengelo', closingDays: ['2026-12-28'] }]))).toEqual([
      { path: 'calendars[0].municipality', code: 'CALENDAR.MUNICIPALITY_INVALID', message: '"Hengelo" is not a CBS code (GM + 4 digits)' },
    ]);
  });

  it.each<[string, unknown, string, string]>([
    ['calendars that are not a list', { [HENGELO]: ['2026-12-28'] }, 'calendars', 'must be a list of { municipality, closingDays }'],
    ['an entry that is not an object', ['GM0164'], 'calendars[0]', 'must be an object { municipality, closingDays }'],
    ['closingDays that are not a list', [{ municipality: HENGELO, closingDays: '2026-12-28' }], 'calendars[0].closingDays', `${HENGELO}: closingDays must be a list of dates (YYYY-MM-DD)`],
    ['closingDays left out', [{ municipality: HENGELO }], 'calendars[0].closingDays', `${HENGELO}: closingDays must be a list of dates (YYYY-MM-DD)`],
    ['a misspelt key', [{ municipality: HENGELO, closingDays: [], closingdays: ['2026-12-28'] }], 'calendars[0].closingdays', 'unknown field "closingdays" (did you mean "closingDays"?); allowed: municipality, closingDays'],
  ])('%s: CALENDAR.INVALID', (_what, calendars, path, message) => {
    expect(problemsOf(withCalendars(calendars))).toEqual([{ path, code: 'CALENDAR.INVALID', message }]);
  });

  it('assertValidTablesConfig throws TABLES.CONFIG_INVALID naming each problem with its path and code', () => {
    const c = withCalendars([{ municipality: HENGELO, closingDays: ['2026-02-30', '2026-12-28', '2026-12-28'] }]);
    let thrown: unknown;
    try {
      assertValidTablesConfig(c);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const error = thrown as DomainError;
    expect(error.code).toBe('TABLES.CONFIG_INVALID');
    expect(error.message).toContain(`calendars[0].closingDays[0]: ${HENGELO}: "2026-02-30" is not a real date written YYYY-MM-DD (CALENDAR.DATE_INVALID)`);
    expect(error.message).toContain(`calendars[0].closingDays[2]: ${HENGELO}: "2026-12-28" is listed twice (first at closingDays[1]) (CALENDAR.DAY_DUPLICATE)`);
    expect((error.details?.problems as { code?: string }[]).map((p) => p.code)).toEqual(['CALENDAR.DATE_INVALID', 'CALENDAR.DAY_DUPLICATE']);
  });
});
