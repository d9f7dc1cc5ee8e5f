import { expect } from '@jest/globals';
import { ConfigError, loadConfig } from '#platform';

/** The problems a ConfigError reports for `env` (empty when the configuration is taken). */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}
