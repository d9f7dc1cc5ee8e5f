import { resolveVerificationKeys, type SecurityOptions } from '#security';
import type { AppConfig } from './app.config.js';
import { storedDatabaseOf, type StoredDatabase } from './stored-database.js';

/** An app's check of its own configuration (its files), run by `checkConfiguration`; throws to refuse the start. */
export type ConfigurationCheck = (config: AppConfig, stored: StoredDatabase) => void | Promise<void>;

/**
 * The configuration checks that can run before the application is made: production verification keys (read, never
 * written) and each app's own (its configuration files). They run before migrations and before any key file is
 * written, so a refused start changes nothing. A check that needs what the database holds reads it as it is
 * (`StoredDatabase`); the database is closed again before this returns, passed or not.
 */
export async function checkConfiguration(checks: readonly ConfigurationCheck[], config: AppConfig, security: SecurityOptions): Promise<void> {
  // Embedded mode's key pair is made (when missing) by the application itself, not by a check.
  if (security.mode === 'production') await resolveVerificationKeys(security);
  const stored = storedDatabaseOf(config);
  try {
    for (const check of checks) await check(config, stored);
  } finally {
    await stored.close();
  }
}
