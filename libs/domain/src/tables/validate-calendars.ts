import { isCalendarDate } from '../calendar/calendar-date.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { fieldsOf, unknownFields } from '../shared/known-fields.js';
import type { MunicipalityCalendar, TablesConfig } from './table-definition.js';
import type { TablesConfigProblem } from './tables-config-problem.js';

/** Stable codes of the calendar problems (details.problems[i].code of `TABLES.CONFIG_INVALID`). */
export const CALENDAR_ERRORS = {
  /** `calendars` or an entry has the wrong shape: not a list, not an object, closingDays not a list, an unknown key. */
  INVALID: 'CALENDAR.INVALID',
  MUNICIPALITY_INVALID: 'CALENDAR.MUNICIPALITY_INVALID',
  MUNICIPALITY_DUPLICATE: 'CALENDAR.MUNICIPALITY_DUPLICATE',
  MUNICIPALITY_UNSERVED: 'CALENDAR.MUNICIPALITY_UNSERVED',
  DATE_INVALID: 'CALENDAR.DATE_INVALID',
  DAY_DUPLICATE: 'CALENDAR.DAY_DUPLICATE',
  TOO_MANY_DAYS: 'CALENDAR.TOO_MANY_DAYS',
} as const;

/**
 * Most closing days one municipality may list: about ten a year for ten years. More is taken for a mistake, such as
 * a whole period typed out day by day, which would quietly stretch every working-day term.
 */
export const MAX_CLOSING_DAYS = 100;

const CALENDAR_FIELDS = fieldsOf<MunicipalityCalendar>({ municipality: true, closingDays: true });

/**
 * The problems of the optional `calendars` section, each with its code. Each entry is `{ municipality, closingDays }`
 * with no other key; the municipality is a CBS code that has one entry only (two would leave it unclear which days
 * count) and that a table of the configuration serves: a code no table serves is taken for a typo (GM0146 for Hengelo's
 * GM0164 would leave Hengelo's days unused; escalation policies lie within the politie table's region, so a table is
 * enough). Every closing day is a real `YYYY-MM-DD` date, listed once, at most {@link MAX_CLOSING_DAYS} of them. Past
 * days, weekend days and statutory holidays are allowed: they change nothing, and a file may keep last year's days.
 */
export function calendarProblems(config: TablesConfig): TablesConfigProblem[] {
  const problems: TablesConfigProblem[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, message, code });
  const calendars: unknown = config.calendars;
  if (calendars === undefined) return problems;
  if (!Array.isArray(calendars)) {
    add('calendars', CALENDAR_ERRORS.INVALID, 'must be a list of { municipality, closingDays }');
    return problems;
  }
  const served = servedMunicipalities(config);
  const firstEntry = new Map<string, number>();
  (calendars as readonly unknown[]).forEach((entry, i) => {
    const at = `calendars[${i}]`;
    if (!isRecord(entry)) return add(at, CALENDAR_ERRORS.INVALID, 'must be an object { municipality, closingDays }');
    for (const { key, message } of unknownFields(entry, CALENDAR_FIELDS)) add(`${at}.${key}`, CALENDAR_ERRORS.INVALID, message);
    const m = entry.municipality;
    if (!isMunicipalityCode(m)) add(`${at}.municipality`, CALENDAR_ERRORS.MUNICIPALITY_INVALID, `${show(m)} is not a CBS code (GM + 4 digits)`);
    else if (firstEntry.has(m)) add(`${at}.municipality`, CALENDAR_ERRORS.MUNICIPALITY_DUPLICATE, `${m} already has a calendar (calendars[${firstEntry.get(m)}]); list all its closing days there`);
    else {
      firstEntry.set(m, i);
      if (!served.has(m)) {
        add(`${at}.municipality`, CALENDAR_ERRORS.MUNICIPALITY_UNSERVED, `${m} is served by no table of this configuration (a typo?); add it to the tables that serve it, or remove its calendar`);
      }
    }
    const name = isMunicipalityCode(m) ? m : `calendars[${i}]`;
    const days = entry.closingDays;
    if (!Array.isArray(days)) return add(`${at}.closingDays`, CALENDAR_ERRORS.INVALID, `${name}: closingDays must be a list of dates (YYYY-MM-DD)`);
    if (days.length > MAX_CLOSING_DAYS) {
      add(`${at}.closingDays`, CALENDAR_ERRORS.TOO_MANY_DAYS, `${name}: ${days.length} closing days; at most ${MAX_CLOSING_DAYS} are allowed (a range typed out in full, or years of days no longer needed?)`);
    }
    const firstAt = new Map<string, number>();
    (days as readonly unknown[]).forEach((day, j) => {
      const path = `${at}.closingDays[${j}]`;
      if (!isCalendarDate(day)) return add(path, CALENDAR_ERRORS.DATE_INVALID, `${name}: ${show(day)} is not a real date written YYYY-MM-DD`);
      const first = firstAt.get(day);
      if (first !== undefined) return add(path, CALENDAR_ERRORS.DAY_DUPLICATE, `${name}: ${show(day)} is listed twice (first at closingDays[${first}])`);
      firstAt.set(day, j);
    });
  });
  return problems;
}

/** Every municipality a table of the configuration serves (tables whose list is malformed are reported with the table). */
function servedMunicipalities(config: TablesConfig): Set<unknown> {
  const tables: readonly unknown[] = Array.isArray(config.tables) ? config.tables : [];
  return new Set(tables.flatMap((t) => (isRecord(t) && Array.isArray(t.municipalities) ? (t.municipalities as readonly unknown[]) : [])));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it would be written in the configuration file (`"2026-02-30"`, `20261228`). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}
