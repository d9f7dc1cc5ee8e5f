import type { TablesConfig } from '#domain';
import { envSetting, UsageError } from './cli.js';

/** Where `npm run token` read the tables from, as its refusals name it. */
export function tablesConfigSource(env: Record<string, string | undefined>): string {
  const file = envSetting(env, 'TABLES_CONFIG_FILE');
  return file === undefined ? 'the built-in tables configuration' : `TABLES_CONFIG_FILE ${file}`;
}

/**
 * The tables configuration the instance runs with: TABLES_CONFIG_FILE, read and validated as the server reads it,
 * else the built-in one. Loaded only for the tokens whose claims depend on it (a police liaison's, a table member's).
 *
 * @throws UsageError when TABLES_CONFIG_FILE is blank, unreadable or invalid (the server would not start with it)
 */
export async function instanceTablesConfig(env: Record<string, string | undefined>): Promise<TablesConfig> {
  const file = envSetting(env, 'TABLES_CONFIG_FILE');
  const { loadTablesConfig } = await import('#platform');
  try {
    return loadTablesConfig(file ?? null);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
