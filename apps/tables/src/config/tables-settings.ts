import type { AppConfig } from '#platform';

/** Settings of the tables app (validated with the rest of the configuration, see the README). */
export interface TablesSettings {
  /** A JSON file with the tables configuration (same shape as `BUILT_IN_TABLES_CONFIG`); the built-in one when unset. */
  configFile: string | null;
  /** How often the timers look for due reminders, overdue referrals and escalation tiers. */
  pollIntervalMs: number;
}

export const TABLES_SETTINGS = Symbol('TABLES_SETTINGS');

/** The tables app's part of the process configuration (`TABLES_CONFIG_FILE`, `TABLES_POLL_INTERVAL_MS`). */
export function tablesSettingsFrom(config: AppConfig): TablesSettings {
  return { configFile: config.TABLES_CONFIG_FILE?.trim() || null, pollIntervalMs: config.TABLES_POLL_INTERVAL_MS };
}
