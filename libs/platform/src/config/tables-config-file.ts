import { readFileSync } from 'node:fs';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, DomainError, type TablesConfig } from '#domain';

/**
 * The tables configuration: the file named by `TABLES_CONFIG_FILE` (`configFile`), else the built-in one. It is
 * validated before anything runs, so a profile naming an unknown field stops the start-up with a message naming it.
 * Every refusal of a file names `TABLES_CONFIG_FILE` and the file, as the retention rules' refusals name
 * `RETENTION_RULES_FILE`: the operator learns which setting to fix, not only what is wrong inside it.
 * The tables app publishes by it; the router checks referrals against it (which tables exist, whom they serve).
 */
export function loadTablesConfig(configFile: string | null): TablesConfig {
  if (!configFile) {
    assertValidTablesConfig(BUILT_IN_TABLES_CONFIG);
    return BUILT_IN_TABLES_CONFIG;
  }
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (error) {
    throw new Error(`TABLES_CONFIG_FILE ${configFile} cannot be read: ${(error as Error).message}`);
  }
  let config: TablesConfig;
  try {
    config = JSON.parse(text) as TablesConfig;
  } catch {
    throw new Error(`TABLES_CONFIG_FILE ${configFile} is not valid JSON`);
  }
  try {
    assertValidTablesConfig(config);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `TABLES_CONFIG_FILE ${configFile}: ${error.message}`, { file: configFile, ...error.details });
    throw new Error(`TABLES_CONFIG_FILE ${configFile}: ${(error as Error).message}`);
  }
  return config;
}
