import { loadTablesConfig, type AppConfig, type StoredDatabase } from '#platform';
import { checkRetentionRules } from './privacy/retention/retention-rules.check.js';

/**
 * The router's configuration files — the tables configuration it checks referrals against and the retention
 * rules — checked before the process migrates the database or writes a key file, so a refused start changes nothing.
 */
export async function checkRouterConfiguration(config: AppConfig, stored: StoredDatabase): Promise<void> {
  loadTablesConfig(config.TABLES_CONFIG_FILE ?? null);
  await checkRetentionRules(config, stored);
}
