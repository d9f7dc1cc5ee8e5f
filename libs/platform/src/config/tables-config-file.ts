import { readFileSync } from 'node:fs';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';

/**
 * The tables configuration: the file named by `TABLES_CONFIG_FILE` (`configFile`), else the built-in one. It is
 * validated before anything runs, so a profile naming an unknown field stops the start-up with a message naming it.
 * The tables app publishes by it; the router checks referrals against it (which tables exist, whom they serve).
 */
export function loadTablesConfig(configFile: string | null): TablesConfig {
  let config: TablesConfig = BUILT_IN_TABLES_CONFIG;
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (error) {
      throw new Error(`TABLES_CONFIG_FILE ${configFile} cannot be read: ${(error as Error).message}`);
    }
    try {
      config = JSON.parse(text) as TablesConfig;
    } catch {
      throw new Error(`TABLES_CONFIG_FILE ${configFile} is not valid JSON`);
    }
  }
  assertValidTablesConfig(config);
  return config;
}
