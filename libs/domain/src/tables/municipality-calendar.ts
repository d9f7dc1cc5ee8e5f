import type { WorkingDayOptions } from '../calendar/working-days.js';
import type { TablesConfig } from './table-definition.js';

/** A municipality's working-day options (its closing days), or undefined for the statutory holidays only. */
export type MunicipalityCalendars = (municipality: string) => WorkingDayOptions | undefined;

/**
 * The working-day options of `municipality` in a validated configuration: its closing days as extra holidays, or
 * undefined when it lists none. Everything that counts working days for a case or a referral passes this on
 * (`CaseDecisionContext.calendar`, `referralTimes`), so the router and the tables app count the same days.
 */
export function calendarFor(config: TablesConfig, municipality: string): WorkingDayOptions | undefined {
  const calendar = config.calendars?.find((c) => c.municipality === municipality);
  return calendar && calendar.closingDays.length > 0 ? { extraHolidays: calendar.closingDays } : undefined;
}

/** {@link calendarFor} over one configuration, as the router injects it. */
export function municipalityCalendarsOf(config: TablesConfig): MunicipalityCalendars {
  return (municipality) => calendarFor(config, municipality);
}
