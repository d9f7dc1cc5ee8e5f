import type { Provider } from '@nestjs/common';
import { municipalityCalendarsOf, type MunicipalityCalendars } from '#domain';
import { APP_CONFIG, loadTablesConfig, type AppConfig } from '#platform';

/** Injection token of each municipality's working-day options (its closing days). */
export const MUNICIPALITY_CALENDARS = Symbol('MUNICIPALITY_CALENDARS');

/**
 * The municipalities' closing days, from the regional configuration the tables app reads too (`calendars` in
 * `TABLES_CONFIG_FILE`, else none): every case command is decided with its case's municipality's calendar, so a
 * working-day term opened, replaced, warned or resumed by the router skips the same days as a referral's acceptance
 * deadline in the tables app. Read once at start-up; the due moments are stored with the terms, so a changed file
 * counts only for terms computed after the restart.
 */
export const MUNICIPALITY_CALENDARS_PROVIDER: Provider = {
  provide: MUNICIPALITY_CALENDARS,
  useFactory: (config: AppConfig): MunicipalityCalendars => municipalityCalendarsOf(loadTablesConfig(config.TABLES_CONFIG_FILE?.trim() || null)),
  inject: [APP_CONFIG],
};
