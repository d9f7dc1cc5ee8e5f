import { existsSync } from 'node:fs';
import { TypeOrmDatabase, type Database } from '#eventstore';
import type { AppConfig } from './app.config.js';

/**
 * The configured database as it is, for a configuration check that needs what it holds (e.g. the model versions
 * published in it). It is opened only when a check asks, never migrated, and never created: the embedded default
 * before its first start has no database yet, which `open` answers with null.
 */
export interface StoredDatabase {
  open(): Promise<Database | null>;
}

/** Where the embedded (PGlite) database of `config` lives; only used without DATABASE_URL. */
export const embeddedDatabaseDir = (config: AppConfig): string => `${config.SIGNAALROUTE_DATA_DIR}/pgdata`;

/** A `StoredDatabase` for `config`, and how to close it once the checks are done (nothing when none asked). */
export function storedDatabaseOf(config: AppConfig): StoredDatabase & { close(): Promise<void> } {
  let opened: Promise<Database | null> | undefined;
  return {
    open: () => (opened ??= openAsItIs(config)),
    close: async () => {
      const db = await opened?.catch(() => null);
      await db?.close();
    },
  };
}

async function openAsItIs(config: AppConfig): Promise<Database | null> {
  if (!config.DATABASE_URL && !existsSync(embeddedDatabaseDir(config))) return null;
  return TypeOrmDatabase.open({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : embeddedDatabaseDir(config),
    poolSize: 1,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
}
